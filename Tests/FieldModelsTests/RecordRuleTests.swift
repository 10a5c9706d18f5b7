@testable import FieldModels
import Testing

@Suite("Category, age, required-field and date rules")
struct RecordRuleTests {
    static let today = CivilDate(year: 2026, month: 11, day: 22)!
    static let kel = "33.74.11.1006"

    static func person(born: String, relationship: FamilyRelationship = .anak, sex: Sex = .l) -> Person {
        Person(id: "P-TEST00000001", nik: "", name: "Dewi", sex: sex, birthDate: CivilDate(born), relationship: relationship,
               householdID: "H-TEST00000001", kelurahanID: kel)
    }

    /// (category, birth date, relationship, expected error codes, expected warning codes)
    static let ageCases: [(PMKSCategory, String, FamilyRelationship, [String], [String])] = [
        (.anakTelantar, "2009-11-23", .anak, [], []),                      // 17 the day before turning 18
        (.anakTelantar, "2008-11-22", .anak, ["category.age"], []),        // 18 today: no longer anak
        (.anakJalanan, "2020-01-01", .anak, [], []),
        (.anakBalitaTelantar, "2022-11-23", .anak, [], []),                // 4
        (.anakBalitaTelantar, "2021-11-22", .anak, ["category.age"], []),  // 5
        (.lanjutUsiaTelantar, "1966-11-22", .kepala, [], []),              // 60 today
        (.lanjutUsiaTelantar, "1966-11-23", .kepala, ["category.age"], []), // 59
        (.gelandangan, "1990-01-01", .kepala, [], []),                      // 36, head
        (.gelandangan, "2007-11-23", .kepala, [], ["spm.gepeng-age"]),      // 18, head: outside 19–60
        (.pengemis, "1960-01-01", .kepala, [], ["spm.gepeng-age"]),         // 66, head
        (.pengemis, "1960-01-01", .orangTua, [], ["spm.gepeng-age"]),       // 66, served alone (perseorangan): Pasal 4(3)a
        (.gelandangan, "2010-01-01", .lainnya, [], ["spm.gepeng-age"]),     // 16, served alone
        (.pengemis, "1960-01-01", .istri, [], []),                          // the head's wife, served with him: Pasal 4(4)
        (.gelandangan, "2015-01-01", .anak, [], []),                        // the head's child, served with him
        (.penyandangDisabilitas, "1950-01-01", .kepala, [], []),           // no age bound
    ]

    @Test("PMKS categories and age", arguments: ageCases.indices)
    func categoryAge(_ index: Int) {
        let (category, born, relationship, errors, warnings) = Self.ageCases[index]
        let subject = Self.person(born: born, relationship: relationship)
        let entry = SocialMapEntry(kind: .pmks, category: category.rawValue, personID: subject.id,
                                   assessmentDate: Self.today, kelurahanID: Self.kel)
        let issues = entry.validate(in: ValidationContext(today: Self.today, person: { $0 == subject.id ? subject : nil }))
        #expect(issues.errors.map(\.code) == errors, "\(category) born \(born)")
        #expect(issues.warnings.map(\.code) == warnings, "\(category) born \(born)")
        #expect(issues.allSatisfy { $0.field == "category" && $0.text.id.contains("Dewi") })
    }

    @Test("Entry rules: subject, category, dates", arguments: [
        (SocialMapEntry(kind: .pmks, category: "odha", assessmentDate: today, kelurahanID: kel), ["subject.required"]),
        (SocialMapEntry(kind: .pmks, category: "odha", householdID: "H-X", assessmentDate: today, kelurahanID: kel), ["subject.person"]),
        (SocialMapEntry(kind: .pmks, category: "fakir-miskin", householdID: "H-X", assessmentDate: today, kelurahanID: kel), []),
        (SocialMapEntry(kind: .pmks, category: "miskin", personID: "P-X", assessmentDate: today, kelurahanID: kel), ["category.unknown"]),
        (SocialMapEntry(kind: .pmks, category: "odha", personID: "P-X", assessmentDate: nil, kelurahanID: kel), ["assessmentDate.required"]),
        (SocialMapEntry(kind: .pmks, category: "odha", personID: "P-X", assessmentDate: CivilDate("2026-11-23"), kelurahanID: kel),
         ["assessmentDate.future"]),
        (SocialMapEntry(kind: .psks, category: "karang-taruna", label: "Karang Taruna RW 05", assessmentDate: today, kelurahanID: kel), []),
        (SocialMapEntry(kind: .psks, category: "karang-taruna", assessmentDate: today, kelurahanID: kel), ["label.required"]),
        (SocialMapEntry(kind: .psks, category: "odha", label: "X", assessmentDate: today, kelurahanID: kel), ["category.unknown"]),
    ])
    func entryRules(_ entry: SocialMapEntry, _ codes: [String]) {
        #expect(entry.validate(in: ValidationContext(today: Self.today)).errors.map(\.code) == codes)
    }

    @Test("Household and person required fields name the flag to use")
    func requiredFields() {
        let household = Household(noKK: "3374061203150007", address: " ", rt: "0", rw: "1234", kelurahanID: "")
        let issues = household.validate(in: ValidationContext(today: Self.today))
        #expect(Set(issues.errors.map(\.code)) == ["address.required", "kelurahan.required", "rt.format", "rw.format"])
        #expect(issues.first { $0.code == "address.required" }?.text.id.contains("--address") == true)

        let nobody = Person(nik: "", name: "", sex: nil, birthDate: CivilDate("2027-01-01"), relationship: nil,
                            householdID: "", kelurahanID: Self.kel)
        let personIssues = nobody.validate(in: ValidationContext(today: Self.today))
        #expect(Set(personIssues.errors.map(\.code)) == ["name.required", "sex.required", "birthDate.future"])
        #expect(personIssues.warnings.map(\.code) == ["nik.missing"])
    }

    @Test("Home visit rules")
    func visitRules() {
        var visit = HomeVisit(date: Self.today, agentID: "A-1", householdID: "H-1", purpose: "Asesmen awal", kelurahanID: Self.kel)
        #expect(visit.validate(in: ValidationContext(today: Self.today)).isEmpty)
        visit.followUpDate = CivilDate("2026-11-01")
        visit.referralStatus = .diajukan
        visit.householdID = nil
        visit.date = CivilDate("2026-12-01")
        let codes = Set(visit.validate(in: ValidationContext(today: Self.today)).map(\.code))
        #expect(codes == ["followUpDate.before", "referral.required", "subject.required", "date.future"])
    }

    @Test("Agent rules: area level by role, NTR validity")
    func agentRules() {
        let psm = Agent(name: "Siti", role: .psm, areaID: "33.74.11", ntrNumber: "1",
                        ntrValidFrom: CivilDate("2024-01-01"), ntrValidUntil: CivilDate("2025-12-31"))
        let issues = psm.validate(in: ValidationContext(today: Self.today))
        #expect(issues.errors.map(\.code) == ["area.depth"])
        #expect(issues.warnings.map(\.code) == ["ntr.expired"])
        let tksk = Agent(name: "Agus", role: .tksk, areaID: "33.74.11")
        #expect(tksk.validate(in: ValidationContext(today: Self.today)).isEmpty)
    }

    /// (kind, valid from, valid until, refused): NTR 3 years for TKS and Penyuluh, 2 for Relawan,
    /// STR 5 for a Pekerja Sosial (seed 001 Pasal 14(1) and the STR's validity).
    static let registrationCases: [(RegistrationKind, String, String, Bool)] = [
        (.tks, "2025-01-01", "2028-01-01", false),       // exactly 3 years
        (.tks, "2025-01-01", "2028-01-02", true),
        (.penyuluh, "2024-06-15", "2027-06-15", false),
        (.relawan, "2025-01-01", "2027-01-01", false),   // exactly 2 years
        (.relawan, "2025-01-01", "2027-06-01", true),    // a Relawan's NTR with a TKS's term
        (.str, "2024-02-29", "2029-02-28", false),       // from a leap day: 5 years end on 28 February
        (.str, "2024-02-29", "2029-03-01", true),
    ]

    @Test("Registration validity by kind: NTR 3 years (TKS, Penyuluh) or 2 (Relawan), STR 5", arguments: registrationCases.indices)
    func registrationPeriod(_ index: Int) {
        let (kind, from, until, refused) = Self.registrationCases[index]
        let agent = Agent(name: "Siti", role: .psm, areaID: "33.74.11.1006", ntrNumber: "NTR-1",
                          ntrValidFrom: CivilDate(from), ntrValidUntil: CivilDate(until), registration: kind)
        let codes = agent.validate(in: ValidationContext(today: Self.today)).errors.map(\.code)
        #expect(codes == (refused ? ["ntr.period"] : []), "\(kind) \(from)…\(until)")
        if refused {
            #expect(agent.validate(in: ValidationContext(today: Self.today)).errors.first?.text.id.contains("\(kind.validYears) tahun") == true)
        }
    }

    @Test("Dates parse from forms and reject impossible days", arguments: [
        ("2026-11-22", "2026-11-22"), ("22-11-2026", "2026-11-22"), ("22/11/2026", "2026-11-22"),
        ("2024-02-29", "2024-02-29"), ("2023-02-29", nil), ("2026-13-01", nil), ("22-11-26", nil), ("", nil),
    ] as [(String, String?)])
    func dates(_ text: String, _ expected: String?) {
        #expect(CivilDate(text)?.description == expected)
    }

    @Test("Monthly report rules: period, parts once submitted, the Dinas's decision, dates", arguments: [
        (MonthlyReport(agentID: "A-1", period: "2026-10", lastMonth: "12 kunjungan", nextMonthPlan: "Pendataan RW 05",
                       evaluation: "Baik", kelurahanID: kel), [String]()),
        (MonthlyReport(agentID: "A-1", period: "2026-13", kelurahanID: kel), ["period.format"]),
        (MonthlyReport(agentID: "A-1", period: "Oktober", kelurahanID: kel), ["period.format"]),
        (MonthlyReport(agentID: "A-1", period: "2026-10", lastMonth: "12 kunjungan", status: .submitted, kelurahanID: kel),
         ["report.part.b", "report.part.c"]),
        (MonthlyReport(agentID: "A-1", period: "2026-10", lastMonth: "x", nextMonthPlan: "y", evaluation: "z", status: .returned,
                       kelurahanID: kel), ["decidedBy.required", "decisionReason.required"]),
        ({ var report = MonthlyReport(agentID: "A-1", period: "2026-10", kelurahanID: kel); report.approvedOn = CivilDate("2026-12-01"); return report }(),
         ["approvedOn.future"]),
        (MonthlyReport(id: "R-202609X1", fields: MonthlyReport(agentID: "A-1", period: "2026-10", kelurahanID: kel).fields), ["report.id"]),
    ])
    func reportRules(_ report: MonthlyReport, _ codes: [String]) {
        #expect(report.validate(in: ValidationContext(today: Self.today)).errors.map(\.code) == codes)
        #expect(MonthlyReport(id: report.id, fields: report.fields) == report, "fields round-trip")
    }
}
