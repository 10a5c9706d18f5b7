import Crypto
import FieldModels
import Foundation
import SyncEngine

/// Who may write as which replica: the authority key, replica ids registered to devices with
/// their certificates, and what the server holds of a device's own replicas.
extension ServerStore {
    /// Reads the authority key, making it on first use. Two servers starting on one new store
    /// agree: the first insert wins and both read it back.
    static func loadAuthority(_ database: any SQLDatabase) async throws -> CertificateAuthority {
        let fresh = Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
        let stored = try await database.transaction { db in
            try await db.execute("INSERT INTO authority (id, private_key, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                                 [.text(fresh), .int(Clock.now)])
            return try await db.query("SELECT private_key FROM authority WHERE id = 1")[0].text("private_key")
        }
        guard let raw = Data(base64Encoded: stored), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw ServerError.internalFailure("authority key unreadable")
        }
        return CertificateAuthority(key: key)
    }

    /// Most replica ids one device may register (each restore or new key takes one).
    static let maxReplicasPerDevice = 200

    /// Registers `replica` to `device` and returns its certificate (the one issued before, when
    /// the device registered it already). Another device's replica id is refused.
    func register(_ replica: ReplicaID, to device: DeviceAccount, now: Int64, in db: any SQLConnection) async throws -> ReplicaCertificate {
        guard Grammar.isReplicaID(replica.rawValue) else {
            throw Refusal(.badReplicaID, LocalizedText(id: "Id replika '\(Grammar.shown(replica.rawValue))' tidak sah (1–32 huruf atau angka ASCII).",
                                                       en: "The replica id '\(Grammar.shown(replica.rawValue))' is not valid (1–32 ASCII letters or digits)."))
        }
        if let held = try await Self.certificate(of: replica, in: db) {
            guard held.device == device.id, held.publicKey == Data(base64Encoded: device.publicKey) else { throw Self.replicaTaken(replica) }
            return held
        }
        let count = try await db.query("SELECT COUNT(*) AS n FROM replicas WHERE device_id = ?", [.text(device.id)])[0].int("n")
        guard count < Self.maxReplicasPerDevice else {
            throw ServerError(.tooManyReplicas, .forbidden,
                              id: "Perangkat \(device.id) sudah mendaftarkan \(count) id replika. Hubungi operator Dinas.",
                              en: "Device \(device.id) has already registered \(count) replica ids. Contact the Dinas operator.")
        }
        let certificate = try authority.issue(replica: replica, device: device.id, agent: device.agentID,
                                              publicKey: Data(base64Encoded: device.publicKey) ?? Data(), issuedAt: now)
        try await db.execute("""
            INSERT INTO replicas (replica, device_id, agent_id, public_key, issued_at, signature) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (replica) DO NOTHING
            """, [.text(replica.rawValue), .text(device.id), .text(device.agentID), .text(device.publicKey), .int(now),
                  .text(certificate.signature.base64EncodedString())])
        // Another request may have registered it a moment before: what is stored decides.
        guard let stored = try await Self.certificate(of: replica, in: db), stored == certificate || stored.device == device.id else {
            throw Self.replicaTaken(replica)
        }
        if stored == certificate {
            try await Self.audit(.replicaRegistered, agent: device.agentID, device: device.id, detail: "replica \(replica)", now: now, in: db)
        }
        return stored
    }

    static func replicaTaken(_ replica: ReplicaID) -> Refusal {
        Refusal(.replicaTaken, LocalizedText(
            id: "Id replika \(Grammar.shown(replica.rawValue)) sudah milik perangkat lain. Buka replika dengan field versi terbaru agar mendapat id baru.",
            en: "Replica id \(Grammar.shown(replica.rawValue)) already belongs to another device. Open the replica with a current field so it takes a new id."))
    }

    static func certificate(of replica: ReplicaID, in db: any SQLConnection) async throws -> ReplicaCertificate? {
        try await db.query("SELECT * FROM replicas WHERE replica = ?", [.text(replica.rawValue)]).first.map(certificate(from:))
    }

    /// The certificates of `replicas` that are registered.
    static func certificates(of replicas: Set<ReplicaID>, in db: any SQLConnection) async throws -> [ReplicaID: ReplicaCertificate] {
        var out: [ReplicaID: ReplicaCertificate] = [:]
        for replica in replicas.sorted() {
            if let certificate = try await certificate(of: replica, in: db) { out[replica] = certificate }
        }
        return out
    }

    static func certificate(from row: SQLRow) throws -> ReplicaCertificate {
        ReplicaCertificate(replica: ReplicaID(try row.text("replica")), device: try row.text("device_id"), agent: try row.text("agent_id"),
                           publicKey: Data(base64Encoded: try row.text("public_key")) ?? Data(), issuedAt: try row.int("issued_at"),
                           signature: Data(base64Encoded: try row.text("signature")) ?? Data())
    }

    /// What the server holds of each replica registered to a device of `device`'s agent (a
    /// re-enrolled laptop's earlier ids included).
    func ownReplicas(of device: DeviceAccount, in db: any SQLConnection) async throws -> [OwnReplica] {
        var out: [OwnReplica] = []
        for row in try await db.query("SELECT * FROM replicas WHERE agent_id = ? ORDER BY issued_at, replica", [.text(device.agentID)]) {
            let certificate = try Self.certificate(from: row)
            let counter = try await db.query("SELECT counter FROM server_vector WHERE replica = ?", [.text(certificate.replica.rawValue)])
                .first.map { try $0.int("counter") } ?? 0
            let digest = counter == 0 ? nil : try await db.query("SELECT digest FROM dots WHERE replica = ? AND counter = ?",
                                                                 [.text(certificate.replica.rawValue), .int(counter)])
                .first.flatMap { Data(hex: try $0.text("digest")) }
            out.append(OwnReplica(replica: certificate.replica, counter: UInt64(counter), digest: digest, certificate: certificate))
        }
        return out
    }

    /// The digests of the changes held under one of the replica ids of `device`'s agent, after a counter.
    func digests(_ request: DigestsRequest, device: DeviceAccount) async throws -> DigestsResponse {
        let limit = min(max(request.limit ?? 2_000, 1), 10_000)
        guard request.after <= Dot.maxCounter else {
            throw ServerError.badRequest(.badCounter, id: "Penghitung 'after' terlalu besar.", en: "The counter 'after' is too large.")
        }
        return try await database.transaction { db in
            guard let owner = try await Self.certificate(of: request.replica, in: db), owner.agent == device.agentID else {
                throw ServerError(.notOwnReplica, .forbidden,
                                  id: "Replika \(Grammar.shown(request.replica.rawValue)) bukan milik petugas perangkat ini.",
                                  en: "Replica \(Grammar.shown(request.replica.rawValue)) does not belong to this device's agent.")
            }
            let rows = try await db.query("""
                SELECT counter, digest FROM dots WHERE replica = ? AND counter > ? ORDER BY counter LIMIT \(limit + 1)
                """, [.text(request.replica.rawValue), .int(Int64(request.after))])
            let entries = try rows.prefix(limit).map {
                DigestsResponse.Entry(counter: UInt64(try $0.int("counter")), digest: Data(hex: try $0.text("digest")) ?? Data())
            }
            return DigestsResponse(replica: request.replica, digests: entries, more: rows.count > limit)
        }
    }
}
