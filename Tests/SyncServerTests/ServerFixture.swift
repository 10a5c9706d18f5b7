import Crypto
import FieldModels
import Foundation
import Logging
@testable import SyncServer
import SyncEngine
import Testing

/// Which store a server test runs on: the embedded SQLite file always, and PostgreSQL when
/// `FIELDSYNC_POSTGRES_URL` names a server (`.ci/run` starts one), each test in a database
/// of its own.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [StoreKind] {
        ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

    var testDescription: String { rawValue }

    /// A `--database` value for a new, empty store.
    func freshLocation() async throws -> String {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory.appendingPathComponent("server.sqlite").path
        case .postgres:
            let admin = ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"]!
            let name = "fieldsync_test_" + UUID().uuidString.prefix(8).lowercased()
            let database = try await PostgresDatabase(url: admin, logger: Logger(label: "test"))
            try await database.executeAlone("CREATE DATABASE \(name)")
            await database.close()
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            return components.string!
        }
    }

    /// Runs `body` with a new store and closes it after, whatever `body` does: a PostgreSQL
    /// client left open keeps its connections and background task alive after the tests end.
    func withStore<T>(_ body: (ServerStore) async throws -> T) async throws -> T {
        let store = try await openStore()
        do {
            let result = try await body(store)
            await store.database.close()
            return result
        } catch {
            await store.database.close()
            throw error
        }
    }

    func openStore() async throws -> ServerStore {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let store = try await ServerStore.open(try await freshLocation(), logger: Logger(label: "test"),
                                               keyFile: keys.appendingPathComponent("store.key").path)
        try await store.importRegions(Self.semarang)
        return store
    }

    /// Kota Semarang's regions, from the file the repository ships.
    static let semarang: RegionCatalog = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/kota-semarang-wilayah.csv")
        return try! RegionCatalog.parse(csv: String(contentsOf: file, encoding: .utf8), kota: Kota(code: "3374", name: "Kota Semarang"))
    }()
}

/// A laptop as the server tests see it: a device key and a replica id.
struct TestDevice {
    let key = Curve25519.Signing.PrivateKey()
    let replica = ReplicaID.random()
    var id = ""
    var agent: AgentProfile

    init(agent: AgentProfile) { self.agent = agent }

    var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// A push of `changes`, each transaction sealed with this device's key.
    func push(_ batch: String, _ changes: [Change]) throws -> PushRequest {
        PushRequest(batch: batch, changes: changes, seals: try Self.seals(changes, key: key))
    }

    /// One seal per transaction among `changes`, made with `key`.
    static func seals(_ changes: [Change], key: Curve25519.Signing.PrivateKey) throws -> [OriginSeal] {
        let signer = OriginSigner(key: key)
        return try Dictionary(grouping: changes, by: \.transaction).sorted { $0.key < $1.key }.map {
            try signer.seal($0.value).wire(sending: $0.value)
        }
    }

    /// Enrols directly with the store.
    mutating func enroll(in store: ServerStore) async throws {
        let code = try await store.issueCode(for: agent.id, now: 1_000)
        id = try await store.enroll(EnrollRequest(code: code, publicKey: publicKey, deviceName: "test", replica: replica), source: "test", now: 2_000).device
    }
}

enum Sample {
    static let srondol = "33.74.11.1006"
    static let pudak = "33.74.11.1001"
    static let tembalang = "33.74.10.1004"

    /// One household and `members` persons written by `replica` as one transaction.
    static func household(_ id: String, members: Int = 1, area: String, replica: ReplicaID, start: UInt64, agent: String) -> [Change] {
        var changes: [Change] = []
        var counter = start
        let tx = Dot(replica, start)
        func add(_ type: RecordType, _ record: String, _ field: String, _ value: FieldValue) {
            changes.append(Change(dot: Dot(replica, counter), transaction: tx, recordType: type, recordID: record, area: area,
                                  field: field, value: value, supersedes: [], lamport: counter, wallTime: 0, agent: agent))
            counter += 1
        }
        add(.household, id, "address", .text("Jl. \(id)"))
        add(.household, id, "kelurahan", .text(area))
        for index in 0..<members {
            let person = "P-\(id.dropFirst(2))M\(index)"
            add(.person, person, "name", .text("Warga \(index)"))
            add(.person, person, "household", .text(id))
            add(.person, person, "nik", .text("33740615058000\(String(format: "%02d", index))"))
        }
        return changes
    }
}
