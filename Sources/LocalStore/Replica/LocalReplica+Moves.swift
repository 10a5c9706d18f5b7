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
            throw StoreError(.validation, id: "\(household.id) ada di kelurahan lain. Pindah antarkelurahan belum dapat dicatat di sini; catat status orang ini 'pindah' dan tambahkan di kelurahan barunya.",
                             en: "\(household.id) is in another kelurahan. A move between kelurahan cannot be recorded here yet; set this person's status to 'pindah' and add them in the new kelurahan.")
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
