import FieldModels
import Foundation
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
