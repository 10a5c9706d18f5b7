import Crypto
import FieldModels
import Foundation
import Logging
import SyncEngine

/// A device enrolled with the server.
struct DeviceAccount: Sendable, Codable, Equatable {
    var id: String
    var agentID: String
    var publicKey: String
    var name: String
    var replica: String
    var enrolledAt: Int64
    var revokedAt: Int64?
    var lastSeenAt: Int64?
}

/// The server's data: agents, one-time enrolment codes, devices, and every change received,
/// on any `SQLDatabase`. Time always comes in as a parameter (milliseconds since 1970).
final class ServerStore: Sendable {
    let database: any SQLDatabase
    /// Issues replica certificates; its key lives in the store (`authority` table), read once.
    let authority: CertificateAuthority
    /// Seals sensitive values at rest; it lives outside the store (`ServerKey`).
    let key: ServerKey
    /// Where the Dinas pages read, when they read off a hot standby (`--read-from-standby`).
    let standby: StandbyReads?

    init(database: any SQLDatabase, authority: CertificateAuthority, key: ServerKey, standby: StandbyReads? = nil) {
        self.database = database
        self.authority = authority
        self.key = key
        self.standby = standby
    }

    /// The same store read through the standby, for pages and exports that may trail the
    /// primary by a moment; the store itself without one.
    var reading: ServerStore {
        standby.map { ServerStore(database: $0, authority: authority, key: key) } ?? self
    }

    /// Opens the store a `--database` value names: a PostgreSQL URL, or a SQLite file path
    /// (created, with its WAL, readable by its owner only; one that others can read is
    /// refused). `keyFile` holds the key that seals it, made there for a new store. With
    /// `readFromStandby`, `reading` goes to a hot standby among a PostgreSQL URL's hosts.
    static func open(_ location: String, logger: Logger, keyFile: String, readFromStandby: Bool = false) async throws -> ServerStore {
        let database: any SQLDatabase = location.hasPrefix("postgres")
            ? try await PostgresDatabase(url: location, logger: logger)
            : try SQLiteDatabase(path: location)
        do {
            try await migrate(database)
            let key = try await openKey(database, file: keyFile)
            let standby = readFromStandby ? (database as? PostgresDatabase).map(StandbyReads.init) : nil
            let store = ServerStore(database: database, authority: try await loadAuthority(database), key: key, standby: standby)
            try await store.sealPlainValues()
            try await store.recodeRegions()
            try await store.replayMergedState()
            return store
        } catch {
            await database.close()
            throw error
        }
    }

    /// Applies the migrations not yet applied, each in its own transaction (of those named in
    /// `only`, when given: a store as an earlier version left it, for the upgrade tests).
    static func migrate(_ database: any SQLDatabase, only: Set<String>? = nil) async throws {
        try await database.transaction { db in
            try await db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        }
        for migration in ServerSchema.migrations where only?.contains(migration.name) ?? true {
            try await database.transaction { db in
                if database.dialect == .postgres { try await db.execute("SELECT pg_advisory_xact_lock(7418)") }
                guard try await db.query("SELECT name FROM schema_migrations WHERE name = ?", [.text(migration.name)]).isEmpty else { return }
                if migration.name == "v2-provenance", !(try await db.query("SELECT 1 AS held FROM changes LIMIT 1").isEmpty) {
                    throw ServerError.badConfiguration(ServerSchema.unprovenStore)
                }
                let statements = database.dialect == .postgres ? ServerSchema.postgres[migration.name] ?? migration.sql : migration.sql
                for statement in statements { try await db.execute(statement) }
                try await db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                                     [.text(migration.name), .int(Clock.now)])
            }
        }
    }

    func appliedMigrations() async throws -> [String] {
        try await database.transaction { db in
            try await db.query("SELECT name FROM schema_migrations ORDER BY name").map { try $0.text("name") }
        }
    }

    // MARK: Agents

    func addAgent(_ agent: AgentProfile, now: Int64) async throws {
        try await database.transaction { db in
            guard try await db.query("SELECT id FROM agents WHERE id = ?", [.text(agent.id)]).isEmpty else {
                throw ServerError(.agentExists, .conflict, id: "Petugas \(agent.id) sudah ada.", en: "Agent \(agent.id) already exists.")
            }
            try await Self.checkRoleFree(agent.role, area: agent.area, except: agent.id, in: db)
            try await db.execute("INSERT INTO agents (id, name, role, area, families, previous_areas, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 [.text(agent.id), .text(agent.name), .text(agent.role.rawValue), .text(agent.area),
                                  .text(agent.families.joined(separator: ",")), .text(""), .int(now)])
            try await Self.audit(.agentAdded, agent: agent.id, detail: "\(agent.role.rawValue) \(agent.scope)", now: now, in: db)
        }
    }

    /// Moves an agent to another area (and, for PKH, another set of families). The old area is
    /// remembered: the agent's own changes made there before it learnt of the move are still accepted.
    func moveAgent(_ id: String, to area: String, families: [String]?, now: Int64) async throws -> AgentProfile {
        try await database.transaction { db in
            guard var agent = try await Self.agent(id, in: db) else { throw Self.noSuchAgent(id) }
            try await Self.checkRoleFree(agent.role, area: area, except: id, in: db)
            if agent.area != area && !agent.previousAreas.contains(agent.area) { agent.previousAreas.append(agent.area) }
            agent.area = area
            if let families { agent.families = families }
            try await db.execute("UPDATE agents SET area = ?, families = ?, previous_areas = ? WHERE id = ?",
                                 [.text(agent.area), .text(agent.families.joined(separator: ",")),
                                  .text(agent.previousAreas.joined(separator: ",")), .text(id)])
            try await Self.audit(.agentMoved, agent: id, detail: "now \(agent.scope)", now: now, in: db)
            return agent
        }
    }

    /// The roles a region has exactly one of (Peraturan Walikota Semarang 86/2020 on TKSK and
    /// PSM): one TKSK per kecamatan (Pasal 2) and one PSM coordinator per kelurahan where several
    /// PSM work (Pasal 4(1)). A second is refused, naming who holds the role; move that agent first.
    static func checkRoleFree(_ role: AgentRole, area: String, except id: String, in db: SQLConnection) async throws {
        guard role == .tksk || role == .psmCoordinator else { return }
        let holder = try await db.query("SELECT id, name FROM agents WHERE role = ? AND area = ? AND id <> ?",
                                        [.text(role.rawValue), .text(area), .text(id)]).first
        guard let holder else { return }
        let who = "\(try holder.text("name")) (\(try holder.text("id")))"
        let (what, whatEn, rule) = role == .tksk ? ("TKSK", "TKSK", "satu TKSK per kecamatan, Pasal 2")
                                                 : ("koordinator PSM", "PSM coordinator", "satu koordinator PSM per kelurahan, Pasal 4 ayat 1")
        throw ServerError(.roleTaken, .conflict,
                          id: "\(area) sudah punya \(what): \(who) (\(rule) Perwal Semarang 86/2020). Pindahkan petugas itu dulu (field-server agent move).",
                          en: "\(area) already has a \(whatEn): \(who) (one per \(role == .tksk ? "kecamatan, Pasal 2" : "kelurahan, Pasal 4(1)") of Perwal Semarang 86/2020). Move that agent first (field-server agent move).")
    }

    func agents() async throws -> [AgentProfile] {
        try await database.transaction { db in
            try await db.query("SELECT * FROM agents ORDER BY id").map(Self.agent(from:))
        }
    }

    func agent(_ id: String) async throws -> AgentProfile? {
        try await database.transaction { db in try await Self.agent(id, in: db) }
    }

    static func agent(_ id: String, in db: any SQLConnection) async throws -> AgentProfile? {
        try await db.query("SELECT * FROM agents WHERE id = ?", [.text(id)]).first.map(agent(from:))
    }

    static func agent(from row: SQLRow) throws -> AgentProfile {
        let list = { (text: String) in text.split(separator: ",").map(String.init) }
        return AgentProfile(id: try row.text("id"), name: try row.text("name"),
                            role: AgentRole(rawValue: try row.text("role")) ?? .psm, area: try row.text("area"),
                            families: list(try row.text("families")), previousAreas: list(try row.text("previous_areas")))
    }

    static func noSuchAgent(_ id: String) -> ServerError {
        ServerError(.unknownAgent, .notFound, id: "Tidak ada petugas \(id). Lihat daftar: field-server agent list",
                    en: "No agent \(id). See the list: field-server agent list")
    }

    // MARK: Enrolment and devices

    /// Issues a one-time enrolment code for an agent, valid until `now + validFor`. The agent's
    /// codes issued before and not used become void.
    func issueCode(for agentID: String, now: Int64, validFor: Int64 = 7 * 86_400_000) async throws -> String {
        let code = EnrolmentCode.random()
        try await database.transaction { db in
            guard try await Self.agent(agentID, in: db) != nil else { throw Self.noSuchAgent(agentID) }
            try await db.execute("UPDATE enrolments SET voided_at = ? WHERE agent_id = ? AND used_by IS NULL AND voided_at IS NULL",
                                 [.int(now), .text(agentID)])
            try await db.execute("INSERT INTO enrolments (code_hash, agent_id, expires_at, issued_at) VALUES (?, ?, ?, ?)",
                                 [.text(EnrolmentCode.hash(code)), .text(agentID), .int(now + validFor), .int(now)])
            try await Self.audit(.codeIssued, agent: agentID, detail: "code \(EnrolmentCode.hash(code).prefix(8)), valid until \(now + validFor)",
                                 now: now, in: db)
        }
        return code
    }

    /// An agent's codes that can still be used: not used, not void, not expired.
    func liveCodes(agent: String? = nil, now: Int64) async throws -> [(agent: String, fingerprint: String, issuedAt: Int64?, expiresAt: Int64)] {
        try await database.transaction { db in
            let filter = agent == nil ? "" : " AND agent_id = ?"
            return try await db.query("""
                SELECT agent_id, code_hash, issued_at, expires_at FROM enrolments
                WHERE used_by IS NULL AND voided_at IS NULL AND expires_at > ?\(filter) ORDER BY agent_id, expires_at
                """, [.int(now)] + (agent.map { [SQLValue.text($0)] } ?? [])).map {
                (try $0.text("agent_id"), String(try $0.text("code_hash").prefix(8)), $0["issued_at"].integer, try $0.int("expires_at"))
            }
        }
    }

    /// Uses up a code and registers the device's public key for its agent. Wrong codes are
    /// counted per source address (`checkEnrolmentLimit`) and recorded in the audit trail.
    func enroll(_ request: EnrollRequest, source: String, now: Int64) async throws -> EnrollResponse {
        guard let key = Data(base64Encoded: request.publicKey), (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw ServerError.badRequest(.badPublicKey, id: "Kunci publik bukan kunci Ed25519 (32 bita, base64).",
                                         en: "The public key is not an Ed25519 key (32 bytes, base64).")
        }
        try await checkEnrolmentLimit(source: source, now: now)
        do {
            return try await enrollChecked(request, source: source, now: now)
        } catch let error as ServerError where error.code == ServerError.invalidCode.code {
            try await audit(.codeFailed, source: source, detail: "wrong, expired, used or void code", now: now)
            throw error
        }
    }

    private func enrollChecked(_ request: EnrollRequest, source: String, now: Int64) async throws -> EnrollResponse {
        let deviceID = "DV-" + EnrolmentCode.random(length: 12)
        return try await database.transaction { db in
            let hash = EnrolmentCode.hash(request.code)
            guard let row = try await db.query("SELECT agent_id, expires_at, used_by, voided_at FROM enrolments WHERE code_hash = ?",
                                               [.text(hash)]).first,
                  row["used_by"] == .null, row["voided_at"] == .null, try row.int("expires_at") > now,
                  let agent = try await Self.agent(try row.text("agent_id"), in: db) else { throw ServerError.invalidCode }
            guard try await db.query("SELECT id FROM devices WHERE public_key = ?", [.text(request.publicKey)]).isEmpty else {
                throw ServerError(.keyInUse, .conflict, id: "Kunci perangkat ini sudah terdaftar.", en: "This device key is already enrolled.")
            }
            try await db.execute("UPDATE enrolments SET used_by = ? WHERE code_hash = ?", [.text(deviceID), .text(hash)])
            let device = DeviceAccount(id: deviceID, agentID: agent.id, publicKey: request.publicKey,
                                       name: String(request.deviceName.prefix(80)), replica: request.replica.rawValue, enrolledAt: now)
            try await db.execute("""
                INSERT INTO devices (id, agent_id, public_key, name, replica, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(device.id), .text(agent.id), .text(device.publicKey), .text(device.name), .text(device.replica), .int(now)])
            let certificate = try await self.register(request.replica, to: device, now: now, in: db)
            try await Self.audit(.enrolled, agent: agent.id, device: deviceID, source: source,
                                 detail: "code \(hash.prefix(8)), replica \(request.replica)", now: now, in: db)
            return EnrollResponse(device: deviceID, agent: agent, scope: agent.scope, authority: self.authority.publicKey,
                                  authorityProof: EnrolmentProof.make(code: request.code, authority: self.authority.publicKey),
                                  certificate: certificate,
                                  grant: try self.authority.grant(agent: agent.id, scope: agent.scope, issuedAt: now))
        }
    }

    func device(_ id: String) async throws -> DeviceAccount? {
        try await database.transaction { db in
            try await db.query("SELECT * FROM devices WHERE id = ?", [.text(id)]).first.map(Self.device(from:))
        }
    }

    func devices() async throws -> [DeviceAccount] {
        try await database.transaction { db in
            try await db.query("SELECT * FROM devices ORDER BY agent_id, enrolled_at").map(Self.device(from:))
        }
    }

    /// When the server last stored a change written by each device, by any path (its own syncs
    /// or a relay's), by device id.
    func newestChanges() async throws -> [String: Int64] {
        try await database.transaction { db in try await Self.newestChanges(in: db) }
    }

    static func newestChanges(in db: any SQLConnection) async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await db.query("SELECT device_id, MAX(last_change_at) AS newest FROM replicas GROUP BY device_id") {
            if let newest = row["newest"].integer { out[try row.text("device_id")] = newest }
        }
        return out
    }

    /// Revokes a device: it can no longer push or pull. Returns false when it was not enrolled.
    @discardableResult
    func revoke(_ id: String, now: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard let row = try await db.query("SELECT agent_id FROM devices WHERE id = ?", [.text(id)]).first else { return false }
            try await db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.int(now), .text(id)])
            try await Self.audit(.deviceRevoked, agent: try row.text("agent_id"), device: id, detail: "revoked", now: now, in: db)
            return true
        }
    }

    static func device(from row: SQLRow) throws -> DeviceAccount {
        DeviceAccount(id: try row.text("id"), agentID: try row.text("agent_id"), publicKey: try row.text("public_key"),
                      name: try row.text("name"), replica: try row.text("replica"), enrolledAt: try row.int("enrolled_at"),
                      revokedAt: row["revoked_at"].integer, lastSeenAt: row["last_seen_at"].integer)
    }
}

/// One-time enrolment codes: 12 characters of Crockford's base 32, shown as XXXX-XXXX-XXXX.
enum EnrolmentCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func random(length: Int = 12) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        guard length == 12 else { return raw }
        return stride(from: 0, to: 12, by: 4).map { String(Array(raw)[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// What is stored: the SHA-256 of the code as typed, ignoring case, spaces and dashes.
    static func hash(_ code: String) -> String {
        Data(SHA256.hash(data: Data(EnrolmentProof.normalised(code).utf8))).hex
    }
}

/// The wall clock, read only at the edges (handlers and commands) and passed inward.
enum Clock {
    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
