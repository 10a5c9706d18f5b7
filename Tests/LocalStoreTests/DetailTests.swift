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

    @Test("Without codes in the region file, a typed code must be a real desa/kelurahan", arguments: StoreKind.allCases)
    func typedCode(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        var (household, people) = Fixture.family()
        household.regionCode = "33.74.11.9999"
        #expect { try replica.save([household] + people, now: Fixture.now) } throws: { error in
            (error as? StoreError)?.issues.map(\.code) == ["regionCode.unknown"]
        }
        household.regionCode = "33.74.11.1006"
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
