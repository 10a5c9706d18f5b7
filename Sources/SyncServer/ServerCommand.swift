import ArgumentParser
import FieldModels
import Foundation
import SyncEngine

/// The Dinas Sosial sync server. This first version only describes itself; `serve`,
/// enrolment and the sync protocol come with the sync server work.
@main
struct FieldServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field-server",
        abstract: "FieldSync sync server for Dinas Sosial.",
        discussion: """
            Receives change batches from field laptops and serves each agent its area.
            Example:
              field-server info        what this server stores and speaks, as JSON
            """,
        version: ServerInfo.current.version,
        subcommands: [Info.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the server's version, protocol and record types as JSON.")

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ServerInfo.current), as: UTF8.self))
        }
    }
}

/// What a server tells a client about itself.
struct ServerInfo: Codable, Equatable {
    var version: String
    var protocolVersion: Int
    var recordTypes: [String]

    static let current = ServerInfo(version: "0.1.0", protocolVersion: 1, recordTypes: RecordType.allCases.map(\.rawValue))
}
