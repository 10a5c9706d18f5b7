import FieldModels
import Foundation
import GRDB
import SyncEngine

/// The life of a household: a person leaving one family card for another (pecah KK: a grown
/// child or a divorced spouse gets a card of their own, or joins another family). The person
/// keeps its id and its whole history; only its household, its relationship and the two cards'
/// member lists change, each a field of its own, so an edit made meanwhile on another laptop
/// (a new phone number, a corrected name) survives the move.
extension LocalReplica {
    public struct Move: Sendable {
        public var person: String
        public var from: String
        public var to: String
        public var result: SaveResult
    }

    /// Moves `personID` to `household` (recorded already, or new: saved with the move), with its
    /// relationship there (`kepala` when it founds a new household and none is given), in one
    /// transaction. Refuses a move to the household it is in, or out of the agent's area.
    public func move(person personID: String, to household: Household, relationship: FamilyRelationship?,
                     now: Date = Date()) throws -> Move {
        var person = try existing(Person.self, id: personID).record
        let from = person.householdID
        guard from != household.id else {
            throw StoreError(.validation, id: "\(personID) sudah menjadi anggota \(household.id).",
                             en: "\(personID) is already a member of \(household.id).")
        }
        guard household.kelurahanID == person.kelurahanID else {
            throw StoreError(.validation, id: "\(household.id) ada di kelurahan lain. Pindahkan dulu orangnya ke KK baru di kelurahan ini (--new-household), lalu pindahkan KK itu: field household move H --to KELURAHAN",
                             en: "\(household.id) is in another kelurahan. First move the person to a new card in this kelurahan (--new-household), then move that card: field household move H --to KELURAHAN")
        }
        var target = household
        let founding = try record(Household.self, id: household.id) == nil
        target.members.insert(person.id)
        person.householdID = target.id
        person.relationship = relationship ?? (founding ? .kepala : person.relationship)
        var records: [any FieldRecord] = [person, target]
        if var old = try record(Household.self, id: from)?.record {
            old.members.remove(person.id)
            records.append(old)
        }
        return Move(person: person.id, from: from, to: target.id, result: try save(records, now: now))
    }
}

/// Two records of one person (the identity conflict: the same NIK entered on two laptops, or
/// twice): the duplicate is merged into the one kept.
extension LocalReplica {
    public struct Merge: Sendable {
        public var kept: String
        public var removed: String
        /// PMKS/PSKS entries and home visits now pointing at the kept person.
        public var moved: [String]
        public var changes: Int
    }

    /// Merges `duplicateID` into `keepID`, in one transaction: PMKS and PSKS entries and home
    /// visits of the duplicate move to the kept person, fields the kept record lacks are filled
    /// from the duplicate, the duplicate leaves its household's members and is deleted (a
    /// tombstone: its history stays). Both must be living records with the same NIK.
    public func merge(person duplicateID: String, into keepID: String, now: Date = Date()) throws -> Merge {
        try transaction { db in
            guard let duplicate = try stored(Person.self, id: duplicateID, in: db), !duplicate.deleted else { throw StoreError.notFound(duplicateID) }
            guard let kept = try stored(Person.self, id: keepID, in: db), !kept.deleted else { throw StoreError.notFound(keepID) }
            guard duplicateID != keepID, !kept.record.nik.isEmpty, kept.record.nik == duplicate.record.nik else {
                throw StoreError(.validation, id: "\(duplicateID) dan \(keepID) bukan dua catatan dengan NIK yang sama; hanya catatan ganda yang digabung.",
                                 en: "\(duplicateID) and \(keepID) are not two records with the same NIK; only duplicates are merged.")
            }
            var fields = kept.record.fields
            for (field, value) in duplicate.record.fields where !["household", "kelurahan"].contains(field) && !value.isEmptyValue {
                if fields[field]?.isEmptyValue ?? true { fields[field] = value }
            }
            var records: [any FieldRecord] = [Person(id: keepID, fields: fields)]
            var moved: [String] = []
            for var entry in try all(SocialMapEntry.self, in: db) where entry.personID == duplicateID {
                entry.personID = keepID
                records.append(entry)
                moved.append(entry.id)
            }
            for var visit in try all(HomeVisit.self, in: db) where visit.personID == duplicateID {
                visit.personID = keepID
                records.append(visit)
                moved.append(visit.id)
            }
            if var household = try stored(Household.self, id: duplicate.record.householdID, in: db)?.record,
               household.members.contains(duplicateID) {
                household.members.remove(duplicateID)
                records.append(household)
            }
            // The duplicate goes first, so the kept record's NIK is no longer held twice.
            let removed = try delete(ids: [duplicateID], now: now, in: db)
            let saved = try save(records, now: now, in: db)
            return Merge(kept: keepID, removed: duplicateID, moved: moved.sorted(), changes: removed.count + saved.changes.count)
        }
    }

    /// Every living record of a type, in this transaction.
    private func all<R: FieldRecord>(_ type: R.Type, in db: Database) throws -> [R] {
        try String.fetchAll(db, sql: "SELECT id FROM record WHERE type = ? AND deleted = 0 ORDER BY id", arguments: [R.recordType.rawValue])
            .compactMap { try stored(type, id: $0, in: db)?.record }
    }
}

/// A household moving to another kelurahan (pindah domisili): the household, its members,
/// and their PMKS/PSKS entries and home visits take the new kelurahan, each through a change of
/// its place field stating the new area (`Placement`). Nothing else is rewritten: histories stay
/// whole, and an edit made meanwhile on another laptop of the old kelurahan survives and follows
/// the household. After the server holds it, the new kelurahan's laptops receive the records
/// with their histories, and this laptop keeps only where they went (`forget(outside:heldBy:)`).
extension LocalReplica {
    public struct HouseholdMove: Sendable {
        public var household: String
        public var from: String
        public var to: String
        /// Every record that moved, the household first.
        public var records: [String]
        public var changes: [Change]
    }

    /// Moves household `householdID` and the living records of its family to kelurahan `target`
    /// (a kelurahan id of the region table), in one transaction. Refuses a household outside the
    /// agent's area, a move to the kelurahan it is in, or to an unknown one.
    public func move(household householdID: String, to target: String, now: Date = Date()) throws -> HouseholdMove {
        try transaction { db in
            guard let household = try stored(Household.self, id: householdID, in: db), !household.deleted else {
                throw StoreError.notFound(householdID)
            }
            let from = household.record.kelurahanID
            guard RegionPath.contains(agent.areaID, from) else { throw StoreError.outsideArea(from, agent: agent) }
            guard try String.fetchOne(db, sql: "SELECT level FROM region WHERE id = ?", arguments: [target]) == "kelurahan" else {
                throw StoreError(.unknownRegion, id: "Kelurahan '\(target)' tidak dikenal. Lihat daftarnya dengan: field region list",
                                 en: "Unknown kelurahan '\(target)'. See the list with: field region list")
            }
            guard target != from else {
                throw StoreError(.validation, id: "\(householdID) sudah di kelurahan \(target).", en: "\(householdID) is in \(target) already.")
            }
            let members = try familyRecords(of: householdID, members: household.record.members, in: db)
            var writer = try ChangeWriter(replica: self, now: now, in: db)
            var moved: [String] = []
            for (id, type) in [(householdID, RecordType.household)] + members {
                let live = try liveValues(recordID: id, in: db)
                try addMove(id, type: type, from: Placement.area(of: live) ?? from, to: target,
                            place: MergeRules.edits(writing: [Placement.field: .text(target)], over: live, removingAbsentSetElements: false),
                            live: live, into: &writer, in: db)
                moved.append(id)
            }
            return HouseholdMove(household: householdID, from: from, to: target, records: moved, changes: try writer.commit(in: db))
        }
    }

    /// Writes one record's move to kelurahan `target` into `writer`: its departure, stating
    /// `from` (none when it is there already), its new place (`place`, the edits of its
    /// kelurahan over `live`), and for a household the region code that follows (empty when
    /// the region table has none). Used by a move and by settling two moves that met.
    func addMove(_ id: String, type: RecordType, from: String, to target: String, place: [MergeRules.Edit],
                 live: [String: [FieldVersion]], into writer: inout ChangeWriter, in db: Database) throws {
        if from != target {
            writer.add(MergeRules.edits(writing: [Placement.departureField: .text(target)], over: live, removingAbsentSetElements: false),
                       type: type, recordID: id, area: from)
        }
        writer.add(place, type: type, recordID: id, area: target)
        if type == .household {
            let code = try String.fetchOne(db, sql: "SELECT code FROM region WHERE id = ?", arguments: [target]) ?? ""
            writer.add(MergeRules.edits(writing: ["regionCode": .text(code)], over: live, removingAbsentSetElements: false),
                       type: type, recordID: id, area: target)
        }
    }

    /// The living records of a household's family: its members (listed, or naming it), and the
    /// PMKS/PSKS entries and home visits of the household or of those members.
    private func familyRecords(of householdID: String, members listed: Set<String>, in db: Database) throws -> [(String, RecordType)] {
        let reference = { (id: String) in ValueCoding.encode(.text(id))! }
        var persons = listed
        persons.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT record_id FROM field_value WHERE field = 'household' AND value = ?",
                                              arguments: [reference(householdID)]))
        var out: [(String, RecordType)] = []
        var seen = Set<String>()
        func add(_ id: String) throws {
            guard !seen.contains(id), let row = try Row.fetchOne(db, sql: "SELECT type FROM record WHERE id = ? AND deleted = 0", arguments: [id]),
                  let type = RecordType(rawValue: row["type"]), type != .household else { return }
            seen.insert(id)
            out.append((id, type))
        }
        for person in persons.sorted() { try add(person) }
        let linked = [reference(householdID)] + persons.sorted().map(reference)
        for chunk in stride(from: 0, to: linked.count, by: 500).map({ Array(linked[$0..<min($0 + 500, linked.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for id in try String.fetchAll(db, sql: """
                SELECT DISTINCT record_id FROM field_value WHERE field IN ('household', 'person') AND value IN (\(marks)) ORDER BY record_id
                """, arguments: StatementArguments(chunk)) {
                try add(id)
            }
        }
        return out
    }
}
