import FieldModels
import Foundation
import GRDB
import Logging
import SyncEngine

/// One laptop's replica: a single SQLite file holding records, their per-field history and the
/// keys to its encrypted fields. Works fully offline; every write is one transaction.
///
/// ```swift
/// let replica = try LocalReplica.create(at: .file(path), passphrase: "…", agent: agent)
/// try replica.save([household, person])       // atomically, with a change per field
/// ```
public final class LocalReplica: Sendable {
    /// Where the replica lives: a file (WAL, `synchronous=NORMAL`), or memory for tests.
    public enum Location: Sendable {
        case file(String)
        case inMemory

        var isFile: Bool { if case .file = self { true } else { false } }
    }

    /// The replica id this file writes as now.
    public var replicaID: ReplicaID { identity.value.replica }
    public let agent: Agent
    let writer: any DatabaseWriter
    let vault: Vault
    let logger: Logger
    let stateDirectory: String?
    /// The replica id, the device key that seals every local transaction, and the high-water
    /// mark: changed only inside a write transaction (a new id after a restore, a new key).
    private let identity: Locked<Identity>

    struct Identity {
        var replica: ReplicaID
        var signer: OriginSigner
        var mark: HighWaterMark
    }

    var signer: OriginSigner { identity.value.signer }
    var mark: HighWaterMark { identity.value.mark }

    private init(writer: any DatabaseWriter, vault: Vault, replicaID: ReplicaID, signer: OriginSigner, agent: Agent,
                 stateDirectory: String?) {
        self.writer = writer
        self.vault = vault
        self.agent = agent
        self.logger = Logger(label: "fieldsync.replica")
        self.stateDirectory = stateDirectory
        self.identity = Locked(Identity(replica: replicaID, signer: signer,
                                        mark: HighWaterMark(directory: stateDirectory, replica: replicaID)))
    }

    /// Switches to another replica id and key (inside the write transaction that records them).
    func adopt(replica: ReplicaID, signer: OriginSigner) {
        identity.value = Identity(replica: replica, signer: signer, mark: HighWaterMark(directory: stateDirectory, replica: replica))
    }

    /// Creates a new replica for `agent`, protected by `passphrase`. Refuses an existing one.
    /// `stateDirectory` keeps the replica's high-water mark outside the file (nil: none).
    public static func create(at location: Location, passphrase: String, agent: Agent,
                              kdf: Vault.KDFParameters = .standard,
                              stateDirectory: String? = HighWaterMark.defaultDirectory) throws -> LocalReplica {
        let writer = try connect(location)
        do {
            let (vault, envelope) = try Vault.create(passphrase: passphrase, parameters: kdf)
            let replicaID = ReplicaID.random()
            let signer = OriginSigner(key: .init())
            try writer.write { db in
                guard try Meta.get(db, "replica_id") == nil else {
                    throw StoreError(.alreadyInitialized,
                                     id: "Replika sudah dibuat di berkas ini. Pakai berkas lain (--db) atau lanjutkan dengan replika yang ada.",
                                     en: "A replica already exists in this file. Use another file (--db) or keep using the existing one.")
                }
                try Meta.set(db, "replica_id", replicaID.rawValue)
                try Meta.set(db, "vault", String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self))
                try Meta.setAgent(db, agent)
                try Meta.set(db, "counter", "0")
                try Meta.set(db, "lamport", "0")
                try Self.storeDeviceKey(signer, vault: vault, in: db)
                try Meta.set(db, "sealed_personal", "1")
                try Meta.set(db, "sealed_own", "1")
                try Meta.set(db, "conflict_counts", "1")
            }
            return LocalReplica(writer: writer, vault: vault, replicaID: replicaID, signer: signer, agent: agent,
                                stateDirectory: location.isFile ? stateDirectory : nil)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Opens an existing replica file. A wrong passphrase throws `.wrongPassphrase` and changes nothing.
    /// A file restored from an old backup (its counter is below the high-water mark kept in
    /// `stateDirectory`) takes a new replica id here, before anything is written.
    public static func open(at location: Location, passphrase: String,
                            stateDirectory: String? = HighWaterMark.defaultDirectory) throws -> LocalReplica {
        if case .file(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.notInitialized,
                             id: "Belum ada replika di \(path). Jalankan dulu: field init",
                             en: "No replica at \(path). Run this first: field init")
        }
        let writer = try connect(location)
        do {
            let (envelopeJSON, replicaID, agentJSON, agentID) = try writer.read { db in
                (try Meta.get(db, "vault"), try Meta.get(db, "replica_id"), try Meta.get(db, "agent"), try Meta.get(db, "agent_id"))
            }
            guard let envelopeJSON, let replicaID, let agentJSON, let agentID else {
                throw StoreError(.notInitialized, id: "Berkas ini belum berisi replika. Jalankan dulu: field init",
                                 en: "This file holds no replica yet. Run this first: field init")
            }
            let envelope = try JSONDecoder().decode(Vault.Envelope.self, from: Data(envelopeJSON.utf8))
            let vault = try Vault.open(passphrase: passphrase, envelope: envelope)
            let agent = Agent(id: agentID, fields: try JSONDecoder().decode(FieldMap.self, from: Data(agentJSON.utf8)))
            let directory = location.isFile ? stateDirectory : nil
            var identity = ReplicaID(replicaID)
            let counter = try writer.read { db in try Meta.integer(db, "counter") }
            if HighWaterMark(directory: directory, replica: identity).read() > counter {
                identity = try writer.write { db in try takeNewIdentity(after: identity, in: db) }
                Logger(label: "fieldsync.replica").warning("replica file restored from an older copy; new replica id \(identity)")
            }
            let signer = try writer.write { db in try deviceKey(vault: vault, in: db) }
            let replica = LocalReplica(writer: writer, vault: vault, replicaID: identity, signer: signer, agent: agent, stateDirectory: directory)
            try replica.sealOwnTransactionsOnce()
            try replica.sealPersonalValuesOnce()
            try replica.countConflictsOnce()
            return replica
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Gives a rewound file a fresh replica id: its old changes keep their dots; its new ones
    /// can no longer collide with what it had made before the backup was restored.
    static func takeNewIdentity(after old: ReplicaID, fresh: ReplicaID = .random(), in db: Database) throws -> ReplicaID {
        try Meta.set(db, "replica_id", fresh.rawValue)
        try Meta.set(db, "counter", "0")
        try Meta.set(db, "previous_replica_ids", ((try Meta.get(db, "previous_replica_ids")).map { $0 + "," } ?? "") + old.rawValue)
        return fresh
    }

    static func connect(_ location: Location) throws -> any DatabaseWriter {
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // WAL is set by DatabasePool; this SQLite build defaults to synchronous=FULL.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let writer: any DatabaseWriter
            switch location {
            case .file(let path):
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                writer = try DatabasePool(path: path, configuration: config)
                try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            case .inMemory:
                writer = try DatabaseQueue(configuration: config)
            }
            try Schema.migrator.migrate(writer)
            return writer
        } catch {
            throw StoreError(.database, id: "Berkas replika tidak dapat dibuka: \(error)",
                             en: "The replica file cannot be opened: \(error)", cause: SendableCause(error))
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it is stored, or none of it.
    @discardableResult
    func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.wrap(error)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// The version vector this replica exchanges: for each replica, the counter up to which it
    /// holds every change, with retired devices folded in once all their changes are held.
    public func versionVector() throws -> VersionVector {
        try read { db in try retirements(in: db).fold(fullVersionVector(in: db)) }
    }

    /// Every entry, retired devices included.
    public func fullVersionVector() throws -> VersionVector {
        try read { db in try fullVersionVector(in: db) }
    }

    public func retirements() throws -> Retirements {
        try read { db in try retirements(in: db) }
    }

    /// The changes held beyond each replica's contiguous counter. CROSS JOIN keeps
    /// version_vector the outer loop: one primary-key range per replica. A plain JOIN let
    /// SQLite read the whole log instead, on every call (several per sync).
    static let beyondVectorSQL = """
        SELECT c.replica, c.counter FROM version_vector v CROSS JOIN change_log c ON c.replica = v.replica AND c.counter > v.counter
        """

    func fullVersionVector(in db: Database) throws -> VersionVector {
        var counters: [ReplicaID: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT replica, counter FROM version_vector") {
            counters[ReplicaID(row["replica"])] = UInt64(row["counter"] as Int64)
        }
        let beyond = try Row.fetchAll(db, sql: Self.beyondVectorSQL).map { Dot(ReplicaID($0["replica"]), UInt64($0["counter"] as Int64)) }
        return VersionVector(counters, beyond: Set(beyond))
    }

    /// The retired devices this replica knows of, from its `D-…` records.
    func retirements(in db: Database) throws -> Retirements {
        var devices: [String: [String: [FieldVersion]]] = [:]
        for id in try String.fetchAll(db, sql: "SELECT id FROM record WHERE type = ?", arguments: [RecordType.device.rawValue]) {
            devices[id] = try liveValues(recordID: id, in: db)
        }
        return Retirements(devices: devices)
    }

    /// The result of `PRAGMA integrity_check`: `["ok"]` for a sound file.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The journal mode and synchronous level in force, e.g. `("wal", 1)`.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }
}

/// A value behind a lock, for the little state a `Sendable` replica changes.
final class Locked<Value>: @unchecked Sendable {
    // Every access goes through `lock`.
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// The `meta` table: small named values of this replica.
enum Meta {
    static func get(_ db: Database, _ key: String) throws -> String? {
        try db.one(String.self, "SELECT value FROM meta WHERE key = ?", [key])
    }

    static func set(_ db: Database, _ key: String, _ value: String) throws {
        try db.run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
    }

    /// The agent this replica records for (read back by `LocalReplica.open`).
    static func setAgent(_ db: Database, _ agent: Agent) throws {
        try set(db, "agent", String(decoding: try JSONEncoder().encode(agent.fields), as: UTF8.self))
        try set(db, "agent_id", agent.id)
    }

    static func integer(_ db: Database, _ key: String) throws -> UInt64 {
        UInt64(try get(db, key) ?? "0") ?? 0
    }
}
