@testable import FieldModels
import Testing

/// The fields the Dinas asks for beyond the family card's first page: their shapes, their rules
/// and their round trip through a record's fields.
@Suite("Person and household details")
struct PersonDetailTests {
    static let today = CivilDate(year: 2026, month: 11, day: 22)!
    static let kel = "33.74.11.1006"

    static func person(_ change: (inout Person) -> Void = { _ in }) -> Person {
        var person = Person(id: "P-TEST00000001", nik: "", name: "Dewi Lestari", sex: .p, birthDate: CivilDate("1990-03-04"),
                            relationship: .istri, householdID: "H-TEST00000001", kelurahanID: kel)
        change(&person)
        return person
    }

    static func codes(_ person: Person) -> (errors: [String], warnings: [String]) {
        let issues = person.validate(in: ValidationContext(today: today)).filter { !$0.code.hasPrefix("nik.") }
        return (issues.errors.map(\.code), issues.warnings.map(\.code))
    }

    @Test("Phone numbers are kept in the national form, however they were typed", arguments: [
        ("+62 812-3456-7890", "081234567890"), ("62 812 3456 7890", "081234567890"), ("0812.3456.7890", "081234567890"),
        ("(024) 7460123", "0247460123"), ("０８１２３４５６７８９０", "081234567890"),
    ])
    func phoneForms(_ typed: String, _ kept: String) {
        #expect(PhoneRules.normalised(typed) == kept)
        #expect(Self.person { $0.phone = typed }.phone == kept)
        #expect(PhoneRules.problem(kept, field: "phone") == nil)
    }

    @Test("A phone that is not a national number is an error naming the field", arguments: ["12345", "0812", "08123456789012345", "0812-ABC-789"])
    func badPhone(_ typed: String) {
        let codes = Self.codes(Self.person { $0.phone = typed })
        #expect(codes.errors == ["phone.format"])
        var household = Household(noKK: "", address: "Jl. Mawar 1", rt: "001", rw: "002", kelurahanID: Self.kel)
        household.phone = typed
        #expect(household.validate(in: ValidationContext(today: Self.today)).errors.map(\.field).contains("phone"))
    }

    @Test("A JKN/BPJS card number is 13 digits; separators typed in it are removed")
    func bpjs() {
        #expect(Self.codes(Self.person { $0.bpjsNumber = "0001 2345 6789 0" }).errors.isEmpty)
        #expect(Self.person { $0.bpjsNumber = "0001 2345 6789 0" }.bpjsNumber == "0001234567890")
        #expect(Self.codes(Self.person { $0.bpjsNumber = "000123456789" }).errors == ["bpjs.format"])
        #expect(Self.codes(Self.person { $0.bpjsNumber = "000123456789X" }).errors == ["bpjs.format"])
    }

    @Test("A date of death needs the status meninggal, comes after the birth and not after today; meninggal without it is flagged")
    func death() {
        #expect(Self.codes(Self.person { $0.deathDate = CivilDate("2026-10-01") }).errors == ["deathDate.status"])
        #expect(Self.codes(Self.person { $0.status = .meninggal; $0.deathDate = CivilDate("2026-10-01") }) == ([], []))
        #expect(Self.codes(Self.person { $0.status = .meninggal }).warnings == ["deathDate.missing"])
        #expect(Self.codes(Self.person { $0.status = .meninggal; $0.deathDate = CivilDate("1989-01-01") }).errors == ["deathDate.beforeBirth"])
        #expect(Self.codes(Self.person { $0.status = .meninggal; $0.deathDate = CivilDate("2026-11-23") }).errors == ["deathDate.future"])
    }

    @Test("A married person under 19 is saved and flagged (UU 16/2019); 19 and over, or never married, is not")
    func childMarriage() {
        #expect(Self.codes(Self.person { $0.birthDate = CivilDate("2010-01-01"); $0.maritalStatus = .kawin }).warnings == ["marital.child"])
        #expect(Self.codes(Self.person { $0.birthDate = CivilDate("2010-01-01"); $0.maritalStatus = .belumKawin }).warnings.isEmpty)
        #expect(Self.codes(Self.person { $0.birthDate = CivilDate("2007-11-22"); $0.maritalStatus = .kawinTercatat }).warnings.isEmpty)
    }

    @Test("Every detail survives a round trip through the record's fields")
    func roundTrip() {
        let person = Self.person {
            $0.birthPlace = "Semarang"; $0.maritalStatus = .ceraiMati; $0.occupation = "Buruh harian lepas"; $0.education = .sltp
            $0.dtksID = "3374-0012345"; $0.programmes = [.pkh, .pbiJK]; $0.bpjsNumber = "0001234567890"; $0.phone = "081234567890"
            $0.disabilities = [.sensorikNetra, .fisik]; $0.status = .meninggal; $0.deathDate = CivilDate("2026-01-02")
        }
        #expect(Person(id: person.id, fields: person.fields) == person)
        #expect(person.fields["disability"] == .text("fisik,sensorik-netra"), "one sealed value, codes sorted")
        #expect(person.fields["programmes"] == .text("pbi-jk,pkh"))
        var household = Household(noKK: "3374061203150007", address: "Jl. Mawar 1", rt: "001", rw: "002", kelurahanID: Self.kel)
        household.regionCode = "33.74.11.1006"; household.dtksID = "DTKS-77"; household.phone = "+62 24 7460123"
        #expect(Household(id: household.id, fields: household.fields) == household)
        for field in ["disability", "bpjs", "phone", "dtks"] { #expect(Person.sensitiveFields.contains(field)) }
        for field in ["phone", "dtks"] { #expect(Household.sensitiveFields.contains(field)) }
    }

    @Test("The schema accepts only known codes for the choice fields, one for a single choice, sorted and once each for a list")
    func schema() {
        let person = RecordType.person.schema
        func fits(_ field: String, _ text: String) -> Bool {
            FieldSchemaCheck.problem(.text(text), person.spec(for: field)!) == nil
        }
        #expect(fits("disability", "fisik,sensorik-netra"))
        #expect(fits("disability", ""), "empty clears it")
        #expect(!fits("disability", "sensorik-netra,fisik"), "not sorted: another replica's encoding would differ")
        #expect(!fits("disability", "fisik,fisik"))
        #expect(!fits("disability", "terbang"))
        #expect(!fits("disability", "fisik,"))
        #expect(fits("marital", "cerai-hidup"))
        #expect(!fits("marital", "cerai-hidup,kawin"), "a single choice")
        #expect(!fits("education", "sma"))
        #expect(fits("programmes", "pbi-jk,pkh"))
    }

    @Test("A household's region code must be its kelurahan's, and a desa/kelurahan of the catalogue")
    func regionCode() {
        var household = Household(noKK: "", address: "Jl. Mawar 1", rt: "001", rw: "002", kelurahanID: Self.kel)
        func codes(kelurahanCode: String?) -> [String] {
            household.validate(in: ValidationContext(today: Self.today, regionCodeOf: { _ in kelurahanCode })).errors.map(\.code)
                .filter { $0.hasPrefix("regionCode.") }
        }
        household.regionCode = "33.74.11.1006"
        #expect(codes(kelurahanCode: "33.74.11.1006").isEmpty)
        #expect(codes(kelurahanCode: "33.74.11.1005") == ["regionCode.kelurahan"])
        household.regionCode = "33.74.11.9999"
        if RegionDirectory.shipped != nil { #expect(codes(kelurahanCode: nil) == ["regionCode.unknown"]) }
        household.regionCode = "33.74.11"
        if RegionDirectory.shipped != nil { #expect(codes(kelurahanCode: nil) == ["regionCode.unknown"], "a kecamatan is not a kelurahan") }
    }
}
