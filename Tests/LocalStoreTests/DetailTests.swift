import FieldModels
import Foundation
@testable import LocalStore
import Testing

/// The person and household details in a replica: the household's official region code, and
/// search by every number a Dinas officer may have in hand.
@Suite("Details in the replica")
struct DetailTests {
    static let codedCatalog: RegionCatalog = {
        let csv = """
            kecamatan,kelurahan,kodepos,kode
            Banyumanik,Srondol Kulon,50263,33.74.11.1006
            Banyumanik,Srondol Wetan,50263,33.74.11.1007
            Tembalang,Bulusan,50277,33.74.10.1004
            """
        return try! RegionCatalog.parse(csv: csv, kota: Kota(code: "3374", name: "Kota Semarang"))
    }()

    @Test("A household takes its kelurahan's Kemendagri code when the replica knows it; a code typed against it is replaced", arguments: StoreKind.allCases)
    func regionCode(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        try replica.importRegions(Self.codedCatalog)
        #expect(try replica.region(id: Fixture.kelurahan)?.code == "33.74.11.1006")
        #expect(try replica.resolveRegion("33.74.11.1006").id == Fixture.kelurahan, "a code names the kelurahan")
        #expect(try replica.resolveRegion("3374111006").id == Fixture.kelurahan, "with or without dots")
        var (household, people) = Fixture.family()
        household.regionCode = "33.74.10.1004"
        try replica.save([household] + people, now: Fixture.now)
        #expect(try replica.existing(Household.self, id: household.id).record.regionCode == "33.74.11.1006")
    }

    @Test("Search finds a person by BPJS card, phone or DTKS id, and a household by its phone, however the number is typed", arguments: StoreKind.allCases)
    func searchByNumber(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        var (household, people) = Fixture.family()
        household.phone = "(024) 7460123"
        household.dtksID = "DTKS-3374-77"
        var wife = people[1]
        wife.bpjsNumber = "0001234567890"
        wife.phone = "+62 812-3456-7890"
        wife.dtksID = "3374061203150007001"
        try replica.save([household, people[0], wife, people[2]], now: Fixture.now)

        func found(_ query: String) throws -> [String] { try replica.search(query).map(\.id) }
        #expect(try found("0001 2345 6789 0") == [wife.id])
        #expect(try found("0812-3456-7890") == [wife.id])
        #expect(try found("6281234567890") == [wife.id])
        #expect(try replica.search("081234567890").map(\.matchedOn) == ["phone"])
        #expect(try found("3374061203150007001") == [wife.id])
        #expect(try found("024 7460123") == [household.id])
        #expect(try found("DTKS-3374-77") == [household.id])
        #expect(try found("3374 0652 0885 0002") == [wife.id], "a NIK typed in groups")
        #expect(try found("0001234567899").isEmpty)
        #expect(try found("Gg. Mawar 12") == [household.id], "an address with a number is still searched by its words")
    }
}

/// Many families at once (a spreadsheet import): each whole or not at all, and the batch all,
/// the accepted part, or nothing.
@Suite("Saving families in groups")
struct GroupSaveTests {
    static func groups() -> [[any FieldRecord]] {
        let (first, firstPeople) = Fixture.family()
        var (second, secondPeople) = Fixture.family()
        second.noKK = "3374061203150008"
        var refused = secondPeople.map { person -> Person in
            var copy = person
            copy.nik = ""
            return copy
        }
        refused[0].birthDate = CivilDate("2031-01-01")
        second.members = Set(refused.map(\.id))
        var (third, thirdPeople) = Fixture.family()
        third.noKK = "3374061203150009"
        thirdPeople = thirdPeople.map { person in
            var copy = person
            copy.nik = ""
            return copy
        }
        return [[first] + firstPeople, [second] + refused, [third] + thirdPeople]
    }

    @Test("All or nothing: one refused family leaves the replica as it was, and says which", arguments: StoreKind.allCases)
    func all(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let outcome = try replica.saveGroups(Self.groups(), mode: .all, now: Fixture.now)
        #expect(!outcome.written && Set(outcome.refused.keys) == [1])
        #expect(outcome.refused[1]?.issues.map(\.code) == ["birthDate.future"])
        #expect(try replica.records(Household.self).isEmpty && replica.records(Person.self).isEmpty)
        let checked = try replica.saveGroups(Self.groups(), mode: .check, now: Fixture.now)
        #expect(!checked.written && Set(checked.refused.keys) == [1] && Set(checked.saved.keys) == [0, 2])
        #expect(try replica.records(Household.self).isEmpty)
    }

    @Test("Partial: the accepted families are written whole, the refused one not at all; the replica reopens with no restore alarm",
          arguments: StoreKind.allCases)
    func partial(kind: StoreKind) throws {
        let path = Fixture.temporaryPath()
        let replica = try Fixture.replica(kind, path: path)
        let groups = Self.groups()
        let outcome = try replica.saveGroups(groups, mode: .partial, now: Fixture.now)
        #expect(outcome.written && Set(outcome.refused.keys) == [1] && Set(outcome.saved.keys) == [0, 2])
        #expect(Set(try replica.records(Household.self).map(\.record.id)) == [groups[0][0].id, groups[2][0].id])
        #expect(try replica.records(Person.self).count == 6)
        guard kind == .file else { return }
        let reopened = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
        #expect(try reopened.records(Person.self).count == 6)
    }
}
