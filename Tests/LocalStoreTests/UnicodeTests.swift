import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// Text is stored and searched in one Unicode normalization (NFC): a name typed decomposed (NFD,
/// as some keyboards and text copied from PDFs give it) is the same name as the usual form, and
/// text in another form from elsewhere is refused at the door.
@Suite("One normalization for text: NFD typed or received is found and compared as NFC")
struct UnicodeTests {
    /// "Rénata Ayu" with the accent as its own code point.
    static let decomposed = "Re\u{0301}nata Ayu"
    static let composed = "R\u{00E9}nata Ayu"

    /// A replica file holding a household and one member saved with `name` as typed.
    static func member(named name: String) throws -> (LocalReplica, Person) {
        let replica = try Fixture.replica(.file)
        let (household, people) = Fixture.family()
        var person = people[1]
        person.name = name
        try replica.save([household, person], now: Fixture.now)
        return (replica, person)
    }

    @Test("A name saved decomposed is stored composed, and found by either form")
    func savedDecomposed() throws {
        let (replica, person) = try Self.member(named: Self.decomposed)
        let stored = try #require(try replica.record(Person.self, id: person.id)?.record.name)
        #expect(Array(stored.unicodeScalars) == Array(Self.composed.unicodeScalars), "stored as NFC")
        #expect(try replica.search(Self.composed).map(\.id) == [person.id])
        #expect(try replica.search(Self.decomposed).map(\.id) == [person.id])
        #expect(try replica.search("re\u{0301}na").map(\.id) == [person.id], "a decomposed prefix too")
    }

    @Test("A decomposed name sent by another laptop is refused at the door, so every replica holds NFC; typing the name decomposed again changes nothing")
    func receivedDecomposed() throws {
        let (replica, saved) = try Self.member(named: Self.composed)
        var person = saved
        // Another tool wrote the name without normalizing.
        let peer = MemoryReplica(ReplicaID("peerlaptop"), agent: Fixture.agent.id)
        try peer.receive(try replica.changes(notIn: VersionVector()))
        _ = try peer.write(person.id, type: .person, area: Fixture.kelurahan, fields: ["name": .text("Dewi Re\u{0301}na")], wallTime: 2)
        let before = try replica.fullVersionVector()
        #expect {
            try replica.receive(try peer.changes(notIn: before))
        } throws: { (($0 as? StoreError)?.cause as? Refusal)?.code == .badValue }
        #expect(try replica.fullVersionVector() == before)
        person.name = Self.decomposed
        #expect(try replica.save([person], now: Fixture.now).changes.isEmpty, "the same name in another form is no change")
        #expect(try replica.search(Self.decomposed).map(\.id) == [person.id])
    }
}
