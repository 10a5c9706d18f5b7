import FieldModels
import Foundation
import SyncEngine

/// A conflict scenario as written in `conflicts/*.json` (see `conflicts/README.md`).
struct Scenario: Decodable, Sendable {
    var name: String
    var description: String
    var replicas: [String]
    var steps: [Step]
    var expect: Check

    struct Write: Decodable, Sendable {
        var record: String
        var type: RecordType
        var area: String?
        var fields: FieldMap
    }

    struct Resolve: Decodable, Sendable {
        var record: String
        var field: String
        var value: FieldValue
    }

    struct Pull: Decodable, Sendable {
        var into: String
        var from: String
        /// `normal`, `reversed` or `shuffled` order of the batches.
        var order: String?
        var duplicate: Bool?
        /// Changes per batch (default 500).
        var batch: Int?
        /// The connection is cut after this many batches.
        var cutAfter: Int?
        /// Only the last N transactions are delivered (they arrive before their predecessors).
        var onlyLast: Int?
    }

    struct Restore: Decodable, Sendable {
        var replica: String
        var from: String
    }

    struct Check: Decodable, Sendable {
        struct Record: Decodable, Sendable {
            var status: RecordStatus?
            var fields: FieldMap?
            var absent: [String]?
        }
        struct ExpectedConflict: Decodable, Sendable, Hashable {
            var kind: Conflict.Kind
            var records: [String]
            var field: String
            var values: [FieldValue]?
        }
        /// Which replicas to check (default: all).
        var at: [String]?
        /// Whether all checked replicas must show the same thing (default: true).
        var converged: Bool?
        var records: [String: Record]?
        var conflicts: [ExpectedConflict]?
    }

    enum Step: Decodable, Sendable {
        case write(at: String, Write, wall: Int64?)
        case delete(at: String, record: String)
        case resolve(at: String, Resolve)
        case pull(Pull)
        case sync([String])
        case syncAll
        case backup(replica: String, name: String)
        case restore(Restore)
        case check(Check)

        private enum Keys: String, CodingKey { case at, write, delete, resolve, pull, sync, syncAll, backup, `as`, restore, check, wall }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            if let write = try c.decodeIfPresent(Write.self, forKey: .write) {
                self = .write(at: try c.decode(String.self, forKey: .at), write, wall: try c.decodeIfPresent(Int64.self, forKey: .wall))
            } else if let record = try c.decodeIfPresent(String.self, forKey: .delete) {
                self = .delete(at: try c.decode(String.self, forKey: .at), record: record)
            } else if let resolve = try c.decodeIfPresent(Resolve.self, forKey: .resolve) {
                self = .resolve(at: try c.decode(String.self, forKey: .at), resolve)
            } else if let pull = try c.decodeIfPresent(Pull.self, forKey: .pull) {
                self = .pull(pull)
            } else if let pair = try c.decodeIfPresent([String].self, forKey: .sync) {
                self = .sync(pair)
            } else if try c.decodeIfPresent(Bool.self, forKey: .syncAll) == true {
                self = .syncAll
            } else if let replica = try c.decodeIfPresent(String.self, forKey: .backup) {
                self = .backup(replica: replica, name: try c.decode(String.self, forKey: .as))
            } else if let restore = try c.decodeIfPresent(Restore.self, forKey: .restore) {
                self = .restore(restore)
            } else if let check = try c.decodeIfPresent(Check.self, forKey: .check) {
                self = .check(check)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                    "a step needs one of: write, delete, resolve, pull, sync, syncAll, backup, restore, check"))
            }
        }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("conflicts")

    static func load(_ file: String) throws -> Scenario {
        let decoder = JSONDecoder()
        return try decoder.decode(Scenario.self, from: Data(contentsOf: directory.appendingPathComponent(file)))
    }

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }
}
