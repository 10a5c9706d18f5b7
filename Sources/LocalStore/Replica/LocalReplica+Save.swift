import FieldModels
import Foundation
import GRDB
import SyncEngine

/// What a save wrote: the changes appended to the log and the warnings that flag records.
public struct SaveResult: Sendable {
    public var changes: [Change]
    /// Rule warnings by record id; the records were saved and flagged.
    public var warnings: [String: [ValidationIssue]]
}

extension LocalReplica {
    /// Saves records in one transaction: a household with its members, or a single edit.
    ///
    /// Each record is checked against the agent's area, the imported regions and the rules;
    /// any error refuses the whole save and nothing is written. For each field whose value
    /// differs from the current one, one change is appended to the log, naming the values it
    /// replaces. A field in conflict is left alone unless the new value differs from the value
    /// shown for it. Warnings are saved with the record and flag it.
    @discardableResult
    public func save(_ records: [any FieldRecord], now: Date = Date()) throws -> SaveResult {
        try transaction { db in try save(records, now: now, in: db) }
    }

    /// `save` inside a transaction the caller holds (with other steps that stand or fall with it).
    func save(_ records: [any FieldRecord], now: Date, in db: Database) throws -> SaveResult {
        for record in records { try checkArea(record, in: db) }
        let context = try validationContext(for: records, now: now, in: db)
        let records = Self.withRegionCodes(records, context: context)
        var warnings: [String: [ValidationIssue]] = [:]
        var errors: [ValidationIssue] = []
        for record in records {
            let issues = record.validate(in: context)
            errors += issues.errors
            warnings[record.id] = issues.warnings
        }
        guard errors.isEmpty else {
            throw StoreError(.validation, LocalizedText(
                id: "Data belum disimpan. Perbaiki dulu:\n" + errors.map { "  - " + $0.text.id }.joined(separator: "\n"),
                en: "Nothing was saved. Fix these first:\n" + errors.map { "  - " + $0.text.en }.joined(separator: "\n")),
                issues: errors)
        }
        try checkDuplicateNIK(records.compactMap { $0 as? Person }, in: db)

        var writer = try ChangeWriter(replica: self, now: now, in: db)
        for record in records {
            let type = Swift.type(of: record).recordType
            let live = try liveValues(recordID: record.id, in: db)
            let fields = record.fields.mapValues { value in value.text.map { FieldValue.text(Grammar.normalised($0)) } ?? value }
            writer.add(MergeRules.edits(writing: fields, over: live), type: type, recordID: record.id, area: record.area)
        }
        let changes = try writer.commit(in: db)
        for record in records {
            try storeWarnings(warnings[record.id] ?? [], recordID: record.id, in: db)
        }
        return SaveResult(changes: changes, warnings: warnings.filter { !$0.value.isEmpty })
    }

    /// Marks a record deleted with a tombstone. Its history stays; nothing is erased.
    @discardableResult
    public func delete(id: String, now: Date = Date()) throws -> [Change] {
        try delete(ids: [id], now: now)
    }

    /// Marks records deleted together, in one transaction: all of them or none. Records already
    /// deleted are left as they are.
    @discardableResult
    public func delete(ids: [String], now: Date = Date()) throws -> [Change] {
        try transaction { db in try delete(ids: ids, now: now, in: db) }
    }

    /// `delete` inside a transaction the caller holds.
    func delete(ids: [String], now: Date, in db: Database) throws -> [Change] {
        var changes: [Change] = []
        for id in ids {
            guard let (_, area) = try typeAndArea(of: id, in: db) else { throw StoreError.notFound(id) }
            guard RegionPath.contains(agent.areaID, area) else { throw StoreError.outsideArea(area, agent: agent) }
            if MergeRules.status(try liveValues(recordID: id, in: db)) == .deleted { continue }
            // The tombstone replaces every version it saw, so an edit it did not see stays
            // current beside it: a delete-edit conflict, never a silent loss.
            changes += try tombstone(id, wallTime: ChangeWriter.millis(now), in: db)
        }
        return changes
    }

    private func checkArea(_ record: any FieldRecord, in db: Database) throws {
        let type = Swift.type(of: record).recordType
        guard type != .agent else { return }
        let area = record.area
        guard !area.isEmpty else {
            throw StoreError(.validation, id: "\(type.name.id) \(record.id) belum punya kelurahan (--kelurahan).",
                             en: "\(type.name.en) \(record.id) has no kelurahan (--kelurahan).")
        }
        let regionsKnown = try db.one(Bool.self, "SELECT 1 FROM region LIMIT 1") == true
        let level = try db.one(String.self, "SELECT level FROM region WHERE id = ?", [area])
        if regionsKnown, !type.areaLevels.contains(level ?? "") {
            throw StoreError(.unknownRegion,
                             id: "Kelurahan '\(area)' tidak dikenal. Lihat daftarnya dengan: field region list",
                             en: "Unknown kelurahan '\(area)'. See the list with: field region list")
        }
        guard RegionPath.contains(agent.areaID, area) else { throw StoreError.outsideArea(area, agent: agent) }
        // A record changes kelurahan only through a move, which takes its family along.
        if let held = try db.row("SELECT area FROM record WHERE id = ? AND deleted = 0", [record.id]),
           let heldArea = held["area"] as String?, !heldArea.isEmpty, heldArea != area {
            throw StoreError(.validation,
                             id: "\(record.id) tercatat di \(heldArea); kelurahannya tidak diubah lewat sunting. Pindahkan rumah tangganya: field household move H --to KELURAHAN",
                             en: "\(record.id) is recorded in \(heldArea); its kelurahan is not changed by an edit. Move its household: field household move H --to KELURAHAN")
        }
    }

    private func validationContext(for records: [any FieldRecord], now: Date, in db: Database) throws -> ValidationContext {
        // The kelurahan of the records saved (a record's kelurahan is its area), not all of them.
        var kota: [String: String] = [:], codes: [String: String] = [:]
        for area in Set(records.map(\.area)) {
            guard let row = try db.row("SELECT kota_code, code FROM region WHERE id = ? AND level = 'kelurahan'", [area]) else { continue }
            kota[area] = row["kota_code"]
            codes[area] = row["code"]
        }
        var persons: [String: Person] = [:]
        for record in records {
            if let person = record as? Person { persons[person.id] = person }
        }
        for record in records {
            guard let entry = record as? SocialMapEntry, let personID = entry.personID, persons[personID] == nil else { continue }
            if let fields = try currentFields(recordID: personID, in: db) { persons[personID] = Person(id: personID, fields: fields) }
        }
        // The families of group service cases (KUBE, RST): each household's kelurahan and head.
        var families: [String: GroupRules.Family] = [:]
        for id in Set(records.compactMap { $0 as? ServiceCase }.flatMap(\.families)) {
            guard let fields = try currentFields(recordID: id, in: db), RecordID.type(of: id) == .household else { continue }
            let household = Household(id: id, fields: fields)
            var head: Person?
            for member in household.members.sorted() {
                guard let memberFields = try currentFields(recordID: member, in: db) else { continue }
                let person = Person(id: member, fields: memberFields)
                if person.relationship == .kepala { head = person; break }
            }
            families[id] = GroupRules.Family(kelurahanID: household.kelurahanID, head: head)
        }
        // Located households: the other located households of their kelurahan, for the distance rule.
        var located: [String: [(id: String, point: GeoPoint)]] = [:]
        for area in Set(records.compactMap { ($0 as? Household)?.location == nil ? nil : $0.area }) {
            located[area] = try householdLocations(in: area, db: db)
        }
        let kotaByArea = kota, personByID = persons, codeByArea = codes, locatedByArea = located, familyByID = families
        // "Today" for the not-in-the-future rules: the laptop's date, or Jakarta's when that is
        // later (a report's dates are Jakarta dates; a laptop set to UTC is hours behind).
        return ValidationContext(today: max(CivilDate(now), CivilDate.jakartaDay(now)), kotaCodeOf: { kotaByArea[$0] }, person: { personByID[$0] },
                                 regionCodeOf: { codeByArea[$0] },
                                 householdLocations: { area, id in (locatedByArea[area] ?? []).filter { $0.id != id }.map(\.point) },
                                 family: { familyByID[$0] })
    }

    /// The shown location of every live household of a kelurahan that has one (unsealed here,
    /// in memory only).
    func householdLocations(in area: String, db: Database) throws -> [(id: String, point: GeoPoint)] {
        var out: [String: (lamport: Int64, point: GeoPoint)] = [:]
        for row in try db.rows("""
            SELECT f.record_id, f.lamport, f.value, f.sealed FROM record r JOIN field_value f ON f.record_id = r.id
            WHERE r.type = 'household' AND r.area = ? AND r.deleted = 0 AND f.field = 'location'
            """, [area]) {
            let id: String = row["record_id"], lamport: Int64 = row["lamport"]
            guard let point = try decodeFromRest(text: row["value"], sealed: row["sealed"], recordID: id, field: "location").geoPoint,
                  lamport >= out[id]?.lamport ?? .min else { continue }
            out[id] = (lamport, point)
        }
        return out.map { ($0.key, $0.value.point) }
    }

    /// Households carry their kelurahan's Kemendagri code, filled in (and kept in step when the
    /// household changes kelurahan) wherever the replica knows it: from the region codes the
    /// validation context has read already.
    private static func withRegionCodes(_ records: [any FieldRecord], context: ValidationContext) -> [any FieldRecord] {
        records.map { record in
            guard var household = record as? Household, let code = context.regionCodeOf(household.kelurahanID) else { return record }
            household.regionCode = code
            return household
        }
    }

    /// Refuses a NIK that another person in this replica (or in the same save) already has.
    private func checkDuplicateNIK(_ persons: [Person], in db: Database) throws {
        var inBatch: [String: Person] = [:]
        for person in persons where !person.nik.isEmpty {
            if let other = inBatch[person.nik], other.id != person.id {
                throw StoreError.duplicateNIK(person.nik, existing: other, kelurahan: other.kelurahanID)
            }
            inBatch[person.nik] = person
            let holder = try db.one(String.self, """
                SELECT b.record_id FROM blind_index b JOIN record r ON r.id = b.record_id
                WHERE b.kind = 'nik' AND b.digest = ? AND r.deleted = 0 AND b.record_id <> ?
                """, [vault.blindIndex(kind: "nik", person.nik), person.id])
            if let holder, let fields = try currentFields(recordID: holder, in: db) {
                let existing = Person(id: holder, fields: fields)
                throw StoreError.duplicateNIK(person.nik, existing: existing, kelurahan: existing.kelurahanID)
            }
        }
    }

    /// The shown value of every field of a record, or nil when the replica has no such record.
    func currentFields(recordID: String, in db: Database) throws -> FieldMap? {
        let live = try liveValues(recordID: recordID, in: db)
        return live.isEmpty ? nil : MergeRules.fields(live)
    }

    private func storeWarnings(_ warnings: [ValidationIssue], recordID: String, in db: Database) throws {
        let sealed = warnings.isEmpty ? nil : try vault.seal(try JSONEncoder().encode(warnings), place: recordID + "/_warnings")
        try db.run("UPDATE record SET warnings = ? WHERE id = ?", [sealed, recordID])
    }

    func warnings(recordID: String, in db: Database) throws -> [ValidationIssue] {
        guard let sealed = try Data.fetchOne(db, sql: "SELECT warnings FROM record WHERE id = ?", arguments: [recordID]) else {
            return []
        }
        return try JSONDecoder().decode([ValidationIssue].self, from: vault.open(sealed, place: recordID + "/_warnings"))
    }
}

/// Mints the changes of one local transaction: one Lamport tick for all of them, consecutive
/// counters, and the transaction named by its first dot.
struct ChangeWriter {
    private let replica: LocalReplica
    private let lamport: UInt64
    private let wallTime: Int64
    private var counter: UInt64
    private var changes: [Change] = []

    init(replica: LocalReplica, now: Date, in db: Database) throws {
        try self.init(replica: replica, wallTime: Self.millis(now), in: db)
    }

    init(replica: LocalReplica, wallTime: Int64, in db: Database) throws {
        self.replica = replica
        self.lamport = try Meta.integer(db, "lamport") + 1
        self.counter = try Meta.integer(db, "counter")
        self.wallTime = wallTime
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    mutating func add(_ edits: [MergeRules.Edit], type: RecordType, recordID: String, area: String) {
        for edit in edits {
            counter += 1
            let dot = Dot(replica.replicaID, counter)
            changes.append(Change(dot: dot, transaction: changes.first?.dot ?? dot, recordType: type, recordID: recordID,
                                  area: area, field: edit.field, value: edit.value, supersedes: edit.supersedes,
                                  lamport: lamport, wallTime: wallTime, agent: replica.agent.id))
        }
    }

    /// Checks the changes against the grammar every door applies (so nothing is written that
    /// the server or a peer would refuse), seals them with the device key and applies them.
    func commit(in db: Database) throws -> [Change] {
        guard !changes.isEmpty else { return [] }
        do {
            try Admission.checkGrammar(changes)
            try replica.checkAnswers(changes, in: db)
        } catch let refusal as Refusal {
            throw StoreError(.validation, refusal.text, cause: refusal)
        }
        // A regional holiday is the server's to write (`Admission.checkCityWide`).
        if let change = changes.first(where: { $0.recordType.isCityWide }) {
            throw StoreError(.validation, id: "Tidak disimpan: \(change.recordType.name.id) ditetapkan Dinas Sosial di server (field-server holiday add), lalu sampai ke laptop lewat sinkronisasi.",
                             en: "Not saved: a \(change.recordType.name.en.lowercased()) is declared by the Dinas Sosial on the server (field-server holiday add) and reaches laptops by sync.")
        }
        // A monthly report's fields by role, as the server judges them: a PSM cannot settle
        // its own report's status conflict as "approved", nor the Dinas rewrite its content.
        for change in changes where change.recordType == .report {
            if let problem = ReportRights.problem(id: change.recordID, field: change.field, value: change.value,
                                                  writer: change.agent, role: replica.agent.role) {
                throw StoreError(.validation, id: "Tidak disimpan: \(problem.id).", en: "Not saved: \(problem.en).")
            }
        }
        try replica.storeSeal(try replica.signer.seal(changes), in: db)
        try replica.apply(changes, in: db)
        try Meta.set(db, "counter", String(counter))
        // The high-water mark is raised when changes leave the laptop (`sealed`), not here: a
        // dot that never left cannot be held elsewhere with other content.
        return changes
    }
}

extension StoreError {
    static func notFound(_ id: String) -> StoreError {
        StoreError(.notFound, id: "Data '\(id)' tidak ditemukan. Cari dulu dengan: field search NAMA",
                   en: "No record '\(id)'. Find it first with: field search NAME")
    }

    static func outsideArea(_ area: String, agent: Agent) -> StoreError {
        StoreError(.outsideArea,
                   id: "'\(area)' di luar wilayah tugas Anda (\(agent.areaID)). Data hanya boleh dicatat di wilayah sendiri.",
                   en: "'\(area)' is outside your assigned area (\(agent.areaID)). You can only record data in your own area.")
    }

    static func duplicateNIK(_ nik: String, existing: Person, kelurahan: String) -> StoreError {
        StoreError(.duplicateNIK,
                   id: "NIK \(IdentityRules.masked(nik)) sudah terdaftar atas nama \(existing.name) (\(existing.id), \(kelurahan)). Tidak disimpan. Ubah data orang itu dengan: field person edit \(existing.id)",
                   en: "NIK \(IdentityRules.masked(nik)) is already recorded for \(existing.name) (\(existing.id), \(kelurahan)). Not saved. Edit that person instead: field person edit \(existing.id)")
    }
}
