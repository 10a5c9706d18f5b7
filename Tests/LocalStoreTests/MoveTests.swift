import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// Pecah KK on replica files: a person leaves one family card for another or a new one, keeping
/// its id and history, while another laptop edits the same person.
@Suite("Pecah KK: moving a person between households")
struct MoveTests {
    static func exchange(_ from: LocalReplica, _ to: LocalReplica) throws {
        try to.receive(try from.changes(notIn: try to.fullVersionVector()))
    }

    @Test("A grown child gets a card of its own: the old card loses the member, the new one has it as head, the history keeps the old household")
    func newCard() throws {
        let replica = try Fixture.replica(.file)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let child = people[2]
        let card = Household(noKK: "3374061203150099", address: household.address, rt: household.rt, rw: household.rw, kelurahanID: Fixture.kelurahan)
        let move = try replica.move(person: child.id, to: card, relationship: nil, now: Fixture.now)
        #expect(move.from == household.id && move.to == card.id)
        let moved = try #require(try replica.record(Person.self, id: child.id)?.record)
        #expect(moved.householdID == card.id && moved.relationship == .kepala)
        #expect(try replica.record(Household.self, id: household.id)?.record.members == [people[0].id, people[1].id])
        #expect(try replica.record(Household.self, id: card.id)?.record.members == [child.id])
        let households = try replica.history(of: child.id).filter { $0.field == "household" }.compactMap(\.value.text)
        #expect(households == [household.id, card.id], "the person's history keeps where it was")
    }

    @Test("A move on one laptop and an edit of the same person on another both survive, with no conflict")
    func moveAndEditMeanwhile() throws {
        let a = try Fixture.replica(.file)
        let b = try Fixture.replica(.file, agent: Agent(id: "A-PSM0000SRK2", name: "Rini", role: .psm, areaID: Fixture.kelurahan))
        let (household, people) = Fixture.family()
        var other = Household(noKK: "3374061203150042", address: "Jl. Melati 2", rt: "003", rw: "005", kelurahanID: Fixture.kelurahan)
        other.members = []
        try a.save([household, other] + people, now: Fixture.now)
        try Self.exchange(a, b)
        let wife = people[1]
        _ = try a.move(person: wife.id, to: try #require(try a.record(Household.self, id: other.id)?.record), relationship: .kepala, now: Fixture.now)
        var edited = try #require(try b.record(Person.self, id: wife.id)?.record)
        edited.name = "Sri Wahyuningsih"
        try b.save([edited], now: Fixture.now)
        try Self.exchange(a, b)
        try Self.exchange(b, a)
        for replica in [a, b] {
            let person = try #require(try replica.record(Person.self, id: wife.id))
            #expect(person.record.householdID == other.id && person.record.relationship == .kepala)
            #expect(person.record.name == "Sri Wahyuningsih")
            #expect(person.conflicts.isEmpty)
            #expect(try replica.record(Household.self, id: household.id)?.record.members.contains(wife.id) == false)
            #expect(try replica.record(Household.self, id: other.id)?.record.members == [wife.id])
        }
        #expect(try a.snapshot() == b.snapshot())
    }

    @Test("A move to the household the person is in, or to another kelurahan, is refused and changes nothing")
    func refused() throws {
        let replica = try Fixture.replica(.file)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let before = try replica.fullVersionVector()
        #expect(throws: StoreError.self) { try replica.move(person: people[0].id, to: household, relationship: nil) }
        let elsewhere = Household(noKK: "3374061203150043", address: "Jl. Lain", rt: "001", rw: "001", kelurahanID: "33.74.11.1007")
        #expect(throws: StoreError.self) { try replica.move(person: people[0].id, to: elsewhere, relationship: nil) }
        #expect(try replica.fullVersionVector() == before)
    }
}

/// The identity conflict settled by merging: the same person recorded on two laptops.
@Suite("Merging a duplicate person into the one kept")
struct MergeTests {
    @Test("Two laptops recorded one person twice; merging moves the PMKS entry and the visit, fills empty fields, removes the duplicate, and both laptops converge")
    func mergeDuplicate() throws {
        let a = try Fixture.replica(.file)
        let b = try Fixture.replica(.file, agent: Agent(id: "A-PSM0000SRK2", name: "Rini", role: .psm, areaID: Fixture.kelurahan))
        let (household, people) = Fixture.family()
        var kept = people[0]
        kept.healthNotes = ""
        try a.save([household, kept], now: Fixture.now)
        let entry = SocialMapEntry(kind: .pmks, category: PMKSCategory.penyandangDisabilitas.rawValue, personID: kept.id,
                                   assessmentDate: CivilDate("2026-11-20"), kelurahanID: Fixture.kelurahan)
        try a.save([entry], now: Fixture.now)
        // The other laptop records the same man (same NIK) in a household of its own, with a note and a visit.
        var other = Household(noKK: "3374061203150042", address: "Jl. Melati 2", rt: "003", rw: "005", kelurahanID: Fixture.kelurahan)
        let duplicate = Person(nik: kept.nik, name: "Budi S.", sex: .l, birthDate: kept.birthDate, relationship: .kepala,
                               householdID: other.id, kelurahanID: Fixture.kelurahan, healthNotes: "Tuna daksa")
        other.members = [duplicate.id]
        let visit = HomeVisit(date: CivilDate("2026-11-21"), agentID: "A-PSM0000SRK2", householdID: other.id, personID: duplicate.id,
                              purpose: "Asesmen", kelurahanID: Fixture.kelurahan)
        try b.save([other, duplicate, visit], now: Fixture.now)
        try MoveTests.exchange(b, a)
        #expect(try a.snapshot().conflicts.contains { $0.kind == .identity })

        let merge = try a.merge(person: duplicate.id, into: kept.id, now: Fixture.now)
        #expect(merge.moved == [visit.id])
        try MoveTests.exchange(a, b)
        try MoveTests.exchange(b, a)
        for replica in [a, b] {
            #expect(!(try replica.snapshot().conflicts.contains { $0.kind == .identity }))
            let person = try #require(try replica.record(Person.self, id: kept.id)?.record)
            #expect(person.name == "Budi Santoso" && person.healthNotes == "Tuna daksa", "the kept record keeps its name and gains the note")
            #expect(try replica.record(Person.self, id: duplicate.id)?.deleted == true)
            #expect(try replica.record(HomeVisit.self, id: visit.id)?.record.personID == kept.id)
            #expect(try replica.record(SocialMapEntry.self, id: entry.id)?.record.personID == kept.id)
            #expect(try replica.record(Household.self, id: other.id)?.record.members.isEmpty == true)
        }
        #expect(try a.snapshot() == b.snapshot())
        #expect(throws: StoreError.self) { try a.merge(person: people[1].id, into: kept.id) }
    }
}
