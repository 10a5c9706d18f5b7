import Crypto
import FieldModels
import Foundation
import GRDB
import SyncEngine

/// Where this replica's changes come from and how it proves it: the device key that seals
/// every local transaction, the authority (the sync server) whose certificates say which
/// key writes as which replica id, and the seals and certificates of everything received.
extension LocalReplica {
    /// The device's public key (raw 32 bytes), which the server certifies at enrolment.
    public var devicePublicKey: Data { signer.publicKey }

    /// A fresh device key (a new enrolment takes one).
    public static func newDeviceKey() -> Curve25519.Signing.PrivateKey { Curve25519.Signing.PrivateKey() }

    /// The device's key, which signs requests and seals transactions.
    public var deviceKey: Curve25519.Signing.PrivateKey { signer.key }

    static func storeDeviceKey(_ signer: OriginSigner, vault: Vault, in db: Database) throws {
        try Meta.set(db, "device_key", try vault.seal(signer.key.rawRepresentation, place: "device-key").base64EncodedString())
    }

    /// The device key, made on first use (replicas from before origin seals, whose key if any
    /// was the enrolment's).
    static func deviceKey(vault: Vault, in db: Database) throws -> OriginSigner {
        for name in ["device_key", "enrolment.key"] {
            guard let stored = try Meta.get(db, name), let sealed = Data(base64Encoded: stored) else { continue }
            let signer = OriginSigner(key: try Curve25519.Signing.PrivateKey(rawRepresentation: try vault.open(sealed, place: "device-key")))
            if name != "device_key" { try storeDeviceKey(signer, vault: vault, in: db) }
            return signer
        }
        let signer = OriginSigner(key: .init())
        try storeDeviceKey(signer, vault: vault, in: db)
        return signer
    }

    /// Every replica id this file has written as: the current one and those before a restore
    /// or a new key.
    public func ownReplicaIDs() throws -> [ReplicaID] {
        try read { db in try ownReplicaIDs(in: db) }
    }

    func ownReplicaIDs(in db: Database) throws -> [ReplicaID] {
        let previous = (try Meta.get(db, "previous_replica_ids") ?? "").split(separator: ",").map { ReplicaID(String($0)) }
        return previous + [ReplicaID(try Meta.get(db, "replica_id") ?? replicaID.rawValue)]
    }

    /// Seals, once, the local transactions written before replicas sealed them.
    func sealOwnTransactionsOnce() throws {
        try transaction { db in
            guard try Meta.get(db, "sealed_own") != "1" else { return }
            for replica in try ownReplicaIDs(in: db) { try reseal(replica, in: db) }
            try Meta.set(db, "sealed_own", "1")
        }
    }

    /// Seals again every transaction of `replica` held here, with this device's key.
    private func reseal(_ replica: ReplicaID, in db: Database) throws {
        try db.execute(sql: "DELETE FROM origin_seal WHERE replica = ?", arguments: [replica.rawValue])
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM change_log WHERE replica = ? ORDER BY counter", arguments: [replica.rawValue])
        let changes = try rows.map { try change(from: $0, in: db) }
        for (_, transaction) in Dictionary(grouping: changes, by: \.transaction).sorted(by: { $0.key < $1.key }) {
            try storeSeal(try signer.seal(transaction), in: db)
        }
    }

    func storeSeal(_ seal: StoredSeal, in db: Database) throws {
        try db.run("INSERT OR IGNORE INTO origin_seal (replica, counter, signature, groups) VALUES (?, ?, ?, ?)",
                   [seal.transaction.replica.rawValue, Int64(seal.transaction.counter), seal.signature, seal.packedGroups])
    }

    func storedSeal(of transaction: Dot, in db: Database) throws -> StoredSeal? {
        try db.row("SELECT signature, groups FROM origin_seal WHERE replica = ? AND counter = ?",
                   [transaction.replica.rawValue, Int64(transaction.counter)]).map {
            StoredSeal(transaction: transaction, signature: $0["signature"], groups: StoredSeal.unpack($0["groups"]))
        }
    }

    // MARK: The authority and its certificates

    /// Records the authority this replica trusts and certificates it issued (at enrolment; tests
    /// give a test authority).
    public func trust(authority: Data, certificates: [ReplicaCertificate]) throws {
        try transaction { db in
            try Meta.set(db, "authority", authority.base64EncodedString())
            for certificate in certificates { try storeCertificate(certificate, in: db) }
        }
    }

    /// The authority's public key, once enrolled.
    public func authority() throws -> Data? {
        try read { db in try authority(in: db) }
    }

    func authority(in db: Database) throws -> Data? {
        try Meta.get(db, "authority").flatMap { Data(base64Encoded: $0) }
    }

    func storeCertificate(_ certificate: ReplicaCertificate, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO replica_certificate (replica, device, agent, public_key, issued_at, signature) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [certificate.replica.rawValue, certificate.device, certificate.agent, certificate.publicKey,
                             certificate.issuedAt, certificate.signature])
    }

    public func certificate(of replica: ReplicaID) throws -> ReplicaCertificate? {
        try read { db in try certificate(of: replica, in: db) }
    }

    func certificate(of replica: ReplicaID, in db: Database) throws -> ReplicaCertificate? {
        try Row.fetchOne(db, sql: "SELECT * FROM replica_certificate WHERE replica = ?", arguments: [replica.rawValue]).map {
            ReplicaCertificate(replica: ReplicaID($0["replica"]), device: $0["device"], agent: $0["agent"], publicKey: $0["public_key"],
                               issuedAt: $0["issued_at"], signature: $0["signature"])
        }
    }

    // MARK: Receiving

    /// Admits (`Admission.check`: grammar, then origin seals against certificates the authority
    /// issued) and applies a received batch, in one transaction with `state`, the note of how far
    /// a sync got: a refused batch, a cut connection or a crash leaves both or neither.
    public func receive(_ batch: SealedBatch, state: [String: String?]) throws {
        try transaction { db in
            try admitAndApply(batch, in: db)
            for (key, value) in state { try Self.setState(key, value, in: db) }
        }
    }

    /// Checks a batch as `receive` would (origin seals, certificates, authority) without
    /// applying anything: throws the same refusal.
    public func check(_ batch: SealedBatch) throws {
        try read { db in _ = try admit(batch, in: db) }
    }

    func admitAndApply(_ batch: SealedBatch, in db: Database) throws {
        let admitted = try admit(batch, in: db)
        for certificate in admitted.certificates { try storeCertificate(certificate, in: db) }
        for seal in admitted.seals { try storeSeal(seal, in: db) }
        try apply(admitted.changes, in: db)
    }

    private func admit(_ batch: SealedBatch, in db: Database) throws -> Admission.Admitted {
        let authority = try authority(in: db)
        let admitted: Admission.Admitted
        do {
            admitted = try Admission.check(batch, authority: authority, held: { dot in
                try Bool.fetchOne(db, sql: "SELECT 1 FROM change_log WHERE replica = ? AND counter = ?",
                                  arguments: [dot.replica.rawValue, Int64(dot.counter)]) == true
            }, certificate: { try certificate(of: $0, in: db) }, legacy: { try Self.legacyAreas(in: db) })
            try checkAnswers(admitted.changes, in: db)
        } catch let refusal as Refusal {
            throw StoreError(.refused, refusal.text, cause: refusal)
        }
        return admitted
    }

    /// Refuses an answer its questionnaire does not allow (`AnswerCheck`), the forms and the
    /// responses' form ids read from this replica when the changes do not carry them.
    func checkAnswers(_ changes: [Change], in db: Database) throws {
        try AnswerCheck.check(changes, storedForm: { try stored(FormResponse.self, id: $0, in: db)?.record.form },
                              form: { try stored(FormRecord.self, id: $0, in: db)?.record })
    }

    /// The changes a replica knowing `vector` lacks, sealed: each transaction's seal with the
    /// records not sent withheld, and the certificates of the replicas that wrote them. Changes
    /// held without a seal (received before origin seals) stay here: nobody could verify them.
    ///
    /// Every change leaving the laptop passes here, so the high-water mark is raised here: a
    /// replica restored from an older copy then knows its counter fell below dots others may
    /// hold (see `HighWaterMark`), while a save costs no file write.
    func sealed(_ changes: [Change], in db: Database) throws -> SealedBatch {
        if changes.contains(where: { $0.dot.replica == replicaID }) { mark.record(try Meta.integer(db, "counter")) }
        var seals: [OriginSeal] = []
        var sendable: [Change] = []
        var legacy: LegacyAreas?
        for (transaction, members) in Dictionary(grouping: changes, by: \.transaction).sorted(by: { $0.key < $1.key }) {
            guard let seal = try storedSeal(of: transaction, in: db) else { continue }
            if let wired = seal.wire(sending: members, legacy: legacy) {
                seals.append(wired)
            } else {
                legacy = try Self.legacyAreas(in: db)
                seals.append(seal.wire(sending: members, legacy: legacy)!)
            }
            sendable += members
        }
        let sent = Set(seals.map(\.transaction))
        let certificates = try Set(sendable.map(\.dot.replica)).sorted().compactMap { try certificate(of: $0, in: db) }
        return SealedBatch(changes: changes.filter { sent.contains($0.transaction) }, seals: seals, certificates: certificates)
    }

    /// The region ids of before codes, from the region table (see `LegacyAreas`).
    static func legacyAreas(in db: Database) throws -> LegacyAreas {
        LegacyAreas(regions: try Row.fetchAll(db, sql: "SELECT id, name FROM region").map { ($0["id"], $0["name"]) })
    }

    // MARK: Agents and identities

    /// At first enrolment: the changes written here before it named the laptop's own agent id;
    /// they become the enrolled agent's, sealed again. Nothing has left the laptop yet, so no
    /// dot changes.
    public func adoptAgent(_ agentID: String) throws {
        try transaction { db in
            let own = try ownReplicaIDs(in: db)
            let names = own.map { _ in "?" }.joined(separator: ",")
            try db.execute(sql: "UPDATE change_log SET agent = ? WHERE replica IN (\(names))",
                           arguments: StatementArguments([agentID] + own.map(\.rawValue)))
            for replica in own { try reseal(replica, in: db) }
        }
    }

    /// Takes a new replica id (and, when given, a new device key) for the writes to come: after
    /// the server showed that this file was restored from an old copy, or at a new enrolment.
    /// Returns the new id.
    @discardableResult
    public func renewIdentity(key: Curve25519.Signing.PrivateKey? = nil, replica: ReplicaID = .random()) throws -> ReplicaID {
        let signer = key.map(OriginSigner.init) ?? self.signer
        let fresh = try transaction { db in
            let fresh = try Self.takeNewIdentity(after: replicaID, fresh: replica, in: db)
            if key != nil { try Self.storeDeviceKey(signer, vault: vault, in: db) }
            return fresh
        }
        adopt(replica: fresh, signer: signer)
        return fresh
    }

    /// The digest (`Change.digest`) of each own change of `replica` after `counter`, in counter
    /// order, at most `limit` (a sync compares one; a peer answers a page).
    public func ownDigests(of replica: ReplicaID, after counter: UInt64, limit: Int) throws -> [(counter: UInt64, digest: Data)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM change_log WHERE replica = ? AND counter > ? ORDER BY counter LIMIT ?",
                             arguments: [replica.rawValue, Int64(counter), Int64(limit)]).map {
                let change = try change(from: $0, in: db)
                return (change.dot.counter, change.digest)
            }
        }
    }
}
