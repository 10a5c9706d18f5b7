import Crypto
import FieldModels
import Foundation
import SyncEngine

/// The server as a writer. What the Dinas decides at the server (a regional holiday now; the
/// Dinas view's settled conflicts later) is written as changes of the server's own replica,
/// sealed with the authority key, and stored through the same door as a laptop's push, so it is
/// judged, filed and pulled like any other change, and any laptop can check where it came from
/// (`Admission.checkCityWide`).
extension ServerStore {
    static let ownDeviceID = "DV-SERVER"
    static let ownAgentID = "A-SERVER"

    /// The server's replica id, derived from the authority key: every server process over one
    /// store names the same one without asking another.
    var ownReplica: ReplicaID { ReplicaID("S" + Data(SHA256.hash(data: authority.publicKey)).hex.prefix(15)) }

    /// Registers the server's device, agent and replica, once (later calls find them).
    private func ownIdentity(now: Int64, in db: any SQLConnection) async throws -> (DeviceAccount, AgentProfile) {
        let kota = try await db.query("SELECT id FROM regions WHERE level = 'kota' ORDER BY id").first.map { try $0.text("id") } ?? ""
        try await db.execute("""
            INSERT INTO agents (id, name, role, area, families, previous_areas, created_at) VALUES (?, ?, ?, ?, '', '', ?)
            ON CONFLICT (id) DO NOTHING
            """, [.text(Self.ownAgentID), .text("Server Dinas Sosial"), .text(AgentRole.dinas.rawValue), .text(kota), .int(now)])
        try await db.execute("""
            INSERT INTO devices (id, agent_id, public_key, name, replica, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """, [.text(Self.ownDeviceID), .text(Self.ownAgentID), .text(authority.publicKey.base64EncodedString()),
                  .text("field-server"), .text(ownReplica.rawValue), .int(now)])
        guard let device = try await db.query("SELECT * FROM devices WHERE id = ?", [.text(Self.ownDeviceID)]).first.map(Self.device(from:)),
              let agent = try await Self.agent(Self.ownAgentID, in: db) else {
            throw ServerError.internalFailure("the server's own device or agent could not be registered")
        }
        _ = try await register(ownReplica, to: device, now: now, in: db)
        return (device, agent)
    }

    /// Every change the store holds of record `id`, read back.
    func heldChanges(of id: String, in db: any SQLConnection) async throws -> [Change] {
        try await db.query("""
            SELECT c.replica, c.counter, c.body FROM records r JOIN changes c ON c.region = r.region AND c.record_id = r.record_id
            WHERE r.record_id = ?
            """, [.text(id)]).map { row in
            try self.change(fromBody: try row.text("body"), dot: Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter"))))
        }
    }

    /// What the server writes of one record.
    enum OwnWrite: Sendable {
        /// These fields, over what is current (a deleted record written again comes back).
        case fields(FieldMap)
        /// A tombstone over every current version.
        case delete
        /// A conflict settled: `field` to `value`, superseding exactly the versions now current
        /// (`_deleted` false keeps a record deleted on one side and edited on another).
        case resolve(field: String, value: FieldValue)
    }

    /// Writes `write` on record `id` as the server, over the versions the store holds of it,
    /// through `push`, and notes `audit` in the audit trail when anything was written. Returns
    /// the changes written: none when the record already says so.
    @discardableResult
    func writeOwn(_ id: String, type: RecordType, area: String, _ write: OwnWrite, audit: String, now: Int64) async throws -> [Change] {
        let (device, agent) = try await database.transaction { db in try await self.ownIdentity(now: now, in: db) }
        let signer = OriginSigner(key: authority.key)
        for attempt in 1... {
            let (held, counter) = try await database.transaction { db in
                (try await self.heldChanges(of: id, in: db),
                 UInt64(try await db.query("SELECT MAX(counter) AS n FROM dots WHERE replica = ?", [.text(self.ownReplica.rawValue)])[0]["n"].integer ?? 0))
            }
            let live = MergeRules.live(held)
            let edits: [MergeRules.Edit]
            switch write {
            case .fields(let fields):
                var target = fields
                if MergeRules.status(live) != .alive { target[Change.deletedField] = .bool(false) }
                edits = MergeRules.edits(writing: target, over: live, removingAbsentSetElements: false)
            case .delete:
                edits = live.isEmpty || MergeRules.status(live) == .deleted ? [] : MergeRules.tombstone(over: live)
            case .resolve(let field, let value):
                let byDot = Dictionary(held.map { ($0.dot, $0) }, uniquingKeysWith: { first, _ in first })
                edits = MergeRules.isConflict(field, live[field] ?? []) || (field == Change.deletedField && MergeRules.status(live) == .deleteConflict)
                    ? Placement.settled(MergeRules.resolution(of: field, to: value, over: live) { byDot[$0] }, area: area) : []
            }
            guard !edits.isEmpty else { return [] }
            let lamport = (held.map(\.lamport).max() ?? 0) + 1
            let first = Dot(ownReplica, counter + 1)
            let changes = edits.enumerated().map { offset, edit in
                Change(dot: Dot(ownReplica, counter + 1 + UInt64(offset)), transaction: first, recordType: type, recordID: id, area: area,
                       field: edit.field, value: edit.value, supersedes: edit.supersedes, lamport: lamport, wallTime: now, agent: agent.id)
            }
            let request = PushRequest(batch: "server-" + UUID().uuidString, changes: changes, seals: [try signer.seal(changes).wire(sending: changes)])
            do {
                _ = try await push(request, device: device, agent: agent, now: now)
                try await database.transaction { db in
                    try await Self.audit(.ownChange, agent: Self.ownAgentID, device: Self.ownDeviceID, detail: audit, now: now, in: db)
                }
                return changes
            } catch let refusal as Refusal where refusal.code == .dotReused && attempt < 5 {
                continue // another server process took the counter a moment before: count again
            }
        }
        return []
    }

    /// The regional holidays the store holds (removed ones left out), by date.
    func regionalHolidays() async throws -> [RegionalHoliday] {
        try await mergedRecords(RegionalHoliday.self, opening: []).sorted { ($0.date?.description ?? "", $0.id) < ($1.date?.description ?? "", $1.id) }
    }

    /// Declares (or renames) a regional holiday of `kota`, as the server. Returns whether anything changed.
    func declareHoliday(_ holiday: RegionalHoliday, now: Int64) async throws -> Bool {
        try await !writeOwn(holiday.id, type: .holiday, area: holiday.kota, .fields(holiday.fields),
                            audit: "regional holiday \(holiday.id) declared", now: now).isEmpty
    }

    /// Removes a regional holiday, as the server. Returns whether there was one to remove.
    func removeHoliday(_ id: String, kota: String, now: Int64) async throws -> Bool {
        try await !writeOwn(id, type: .holiday, area: kota, .delete, audit: "regional holiday \(id) removed", now: now).isEmpty
    }
}
