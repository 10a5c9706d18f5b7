@testable import FieldModels
import Testing

/// NIKs of Kota Semarang (3374) and neighbours. Digits 7–12 are DDMMYY, 40 added to DD for women.
struct NIKCase: Sendable, CustomTestStringConvertible {
    var nik: String
    var sex: Sex?
    var birth: String?
    var kota: String?
    var errors: Set<String>
    var warnings: Set<String>
    var note: String
    var testDescription: String { note }
}

@Suite("NIK and No. KK rules")
struct IdentityRuleTests {
    static let today = CivilDate(year: 2026, month: 11, day: 22)!

    static let nikCases: [NIKCase] = [
        NIKCase(nik: "3374061505800003", sex: .l, birth: "1980-05-15", kota: "3374", errors: [], warnings: [],
                note: "man born 15-05-1980 in Banyumanik: clean"),
        NIKCase(nik: "3374065208850002", sex: .p, birth: "1985-08-12", kota: "3374", errors: [], warnings: [],
                note: "woman: day 52 is 12 + 40"),
        NIKCase(nik: "3374060101150001", sex: .l, birth: "2015-01-01", kota: "3374", errors: [], warnings: [],
                note: "child born 2015: two-digit year read as the latest year not after today"),
        NIKCase(nik: "3374067112400001", sex: .p, birth: "1940-12-31", kota: nil, errors: [], warnings: [],
                note: "woman born 31-12-1940, kota unknown: no prefix check"),
        NIKCase(nik: "3374065208850002", sex: .l, birth: "1985-08-12", kota: "3374", errors: [], warnings: ["nik.sex"],
                note: "female NIK recorded as a man: flagged like a birth date that differs, not refused"),
        NIKCase(nik: "3374061505800003", sex: .p, birth: nil, kota: "3374", errors: [], warnings: ["nik.sex"],
                note: "male NIK recorded as a woman"),
        NIKCase(nik: "3374061505800003", sex: .l, birth: "1980-05-16", kota: "3374", errors: [],
                warnings: ["nik.birthdate-mismatch"], note: "birth date one day off"),
        NIKCase(nik: "3322061505800003", sex: .l, birth: "1980-05-15", kota: "3374", errors: [], warnings: ["nik.region"],
                note: "issued in Kabupaten Semarang (3322), living in the kota"),
        NIKCase(nik: "337406150580000", sex: .l, birth: nil, kota: nil, errors: ["nik.format"], warnings: [],
                note: "15 digits"),
        NIKCase(nik: "33740615058000031", sex: .l, birth: nil, kota: nil, errors: ["nik.format"], warnings: [],
                note: "17 digits"),
        NIKCase(nik: "3374O61505800003", sex: .l, birth: nil, kota: nil, errors: ["nik.format"], warnings: [],
                note: "letter O for zero"),
        NIKCase(nik: "9974061505800003", sex: .l, birth: nil, kota: nil, errors: ["nik.province"], warnings: [],
                note: "99 is no province"),
        NIKCase(nik: "3374063102800003", sex: .l, birth: nil, kota: nil, errors: ["nik.birthdate"], warnings: [],
                note: "31 February"),
        NIKCase(nik: "3374067113800003", sex: .p, birth: nil, kota: nil, errors: ["nik.birthdate"], warnings: [],
                note: "month 13"),
        NIKCase(nik: "3374069205800003", sex: .p, birth: nil, kota: nil, errors: ["nik.birthdate"], warnings: [],
                note: "day 92 = 52 + 40: impossible"),
        NIKCase(nik: "3374062902000001", sex: .l, birth: "2000-02-29", kota: "3374", errors: [], warnings: [],
                note: "29 February 2000, a leap year"),
        NIKCase(nik: "3374062902010001", sex: .l, birth: nil, kota: nil, errors: ["nik.birthdate"], warnings: [],
                note: "29 February 2001 does not exist"),
        NIKCase(nik: "3374061505800000", sex: .l, birth: nil, kota: nil, errors: ["nik.serial"], warnings: [],
                note: "serial 0000"),
    ]

    @Test("checkNIK", arguments: nikCases)
    func checkNIK(_ c: NIKCase) {
        let issues = IdentityRules.checkNIK(c.nik, sex: c.sex, birthDate: c.birth.flatMap(CivilDate.init), kotaCode: c.kota,
                                            today: Self.today)
        #expect(Set(issues.errors.map(\.code)) == c.errors)
        #expect(Set(issues.warnings.map(\.code)) == c.warnings)
        for issue in issues {
            #expect(!issue.text.id.isEmpty && !issue.text.en.isEmpty)
            #expect(!issue.text.id.contains(c.nik) && !issue.text.en.contains(c.nik), "messages never quote a whole NIK")
            #expect(["nik", "sex", "birthDate"].contains(issue.field))
        }
    }

    @Test("Spaces, dots, dashes and full-width digits typed into a NIK or KK are removed before checking and storing",
          arguments: ["3374 0615 0580 0003", "3374.0615.0580.0003", "3374-061505-800003", "3374\u{2013}0615\u{2013}0580\u{2013}0003",
                      "３３７４０６１５０５８００００３", " 3374061505800003\u{00A0}", "3374\u{200B}061505800003"])
    func separatorsRemoved(_ typed: String) {
        #expect(IdentityRules.cleaned(typed) == "3374061505800003")
        #expect(IdentityRules.checkNIK(typed, sex: .l, birthDate: CivilDate("1980-05-15"), kotaCode: "3374", today: Self.today).isEmpty)
        #expect(IdentityRules.checkKK(typed, kotaCode: "3374").isEmpty)
        #expect(Person(nik: typed, name: "Budi", sex: .l, birthDate: nil, relationship: .kepala, householdID: "H-1", kelurahanID: "x").nik
                == "3374061505800003")
        var household = Household(noKK: typed, address: "Jl. A", rt: "001", rw: "001", kelurahanID: "x")
        #expect(household.noKK == "3374061505800003")
        household.noKK = typed
        #expect(household.noKK == "3374061505800003", "an edit is made plain too")
    }

    @Test("Letters and other junk in a NIK are not removed: the format check names them")
    func junkStays() {
        #expect(IdentityRules.cleaned("3374O61505800003") == "3374O61505800003")
        #expect(IdentityRules.checkNIK("3374O61505800003", sex: nil, birthDate: nil, kotaCode: nil, today: Self.today).map(\.code) == ["nik.format"])
        #expect(IdentityRules.checkNIK("3374 0615 0580 000", sex: nil, birthDate: nil, kotaCode: nil, today: Self.today).map(\.code) == ["nik.format"])
    }

    @Test("parseNIK reads region, birth date and sex")
    func parse() throws {
        let parts = try #require(IdentityRules.parseNIK("3374065208850002", today: Self.today))
        #expect(parts.kotaCode == "3374" && parts.kecamatanCode == "337406" && parts.provinceCode == "33")
        #expect(parts.birthDate == CivilDate("1985-08-12") && parts.sex == .p && parts.serial == "0002")
        let young = try #require(IdentityRules.parseNIK("3374061011250001", today: Self.today))
        #expect(young.birthDate == CivilDate("2025-11-10"))
        let old = try #require(IdentityRules.parseNIK("3374061012260001", today: Self.today))
        #expect(old.birthDate == CivilDate("1926-12-10"), "a date after today belongs to the previous century")
    }

    @Test("checkKK", arguments: [
        ("3374061203150007", "3374", [String]()),
        ("3374061203150007", nil, []),
        ("3322061203150007", "3374", ["kk.region"]),
        ("337406120315000", "3374", ["kk.format"]),
        ("3374-0612-0315-0007", "3374", []),  // dashes typed between groups are removed
        ("3374-0612-0315-000A", "3374", ["kk.format"]),
        ("0074061203150007", nil, ["kk.province"]),
        ("", "3374", ["kk.format"]),
    ] as [(String, String?, [String])])
    func checkKK(_ kk: String, _ kota: String?, _ codes: [String]) {
        let issues = IdentityRules.checkKK(kk, kotaCode: kota)
        #expect(issues.map(\.code) == codes)
        #expect(issues.allSatisfy { $0.field == "noKK" && ($0.code == "kk.region") == ($0.severity == .warning) })
    }

    @Test("masked keeps only the ends of a number")
    func masking() {
        #expect(IdentityRules.masked("3374061505800003") == "3374…0003")
        #expect(IdentityRules.masked("12345") == "•••••")
    }
}
