import FieldModels
import Testing

/// The SPM counting rule (`SPMTally`): who needs each basic service (PMKS category and the age
/// rule) and who of them was served with basic needs met that year (a visit saying so, or a
/// completed service case), per area.
@Suite("SPM indicators: the counting rule")
struct SPMRuleTests {
    static let srondol = "33.74.11.1006", pudak = "33.74.11.1001", tembalang = "33.74.10.1004"
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    static func entry(_ category: PMKSCategory, person: String? = nil, household: String? = nil, in area: String = srondol) -> SocialMapEntry {
        SocialMapEntry(kind: .pmks, category: category.rawValue, personID: person, householdID: household, assessmentDate: day("2026-02-01"),
                       kelurahanID: area)
    }

    static func visit(_ person: String?, household: String? = nil, on date: String, met: Bool, in area: String = srondol) -> HomeVisit {
        var visit = HomeVisit(date: day(date), agentID: "A-SITI", householdID: household, personID: person, purpose: "Kunjungan", kelurahanID: area)
        visit.needsMet = met
        return visit
    }

    @Test("Y by category and age on 1 January; X by a visit with needs met that year or a completed case; a household visit serves its members; areas add up")
    func counting() {
        let births = ["P-MBAH": Self.day("1950-03-01"), "P-MUDA": Self.day("1990-01-01"), "P-ANAK": Self.day("2015-05-05"),
                      "P-REMAJA": Self.day("2008-01-01"), "P-NENEK": Self.day("1960-12-31"), "P-KAKEK": Self.day("1955-06-01")]
        let entries = [
            Self.entry(.lanjutUsiaTelantar, person: "P-MBAH"), Self.entry(.lanjutUsiaTelantar, person: "P-MUDA"),
            Self.entry(.lanjutUsiaTelantar, person: "P-NENEK"), Self.entry(.lanjutUsiaTelantar, person: "P-KAKEK", in: Self.tembalang),
            Self.entry(.anakTelantar, person: "P-ANAK"), Self.entry(.anakJalanan, person: "P-REMAJA"),
            Self.entry(.korbanBencanaAlam, household: "H-BANJIR", in: Self.pudak),
            Self.entry(.fakirMiskin, person: "P-MBAH"),
            SocialMapEntry(kind: .psks, category: "karang-taruna", assessmentDate: nil, kelurahanID: Self.srondol),
        ]
        let visits = [
            Self.visit("P-MBAH", on: "2026-03-01", met: true),
            Self.visit("P-NENEK", on: "2025-12-30", met: true),                      // last year
            Self.visit(nil, household: "H-KAKEK", on: "2026-04-01", met: true, in: Self.tembalang),   // his household
            Self.visit("P-ANAK", on: "2026-04-01", met: false),
        ]
        let closed = ServiceCase(service: .rujukan, personID: "P-ANAK", receivedBy: "A-SITI",
                                 completeAt: LocalMoment(date: Self.day("2026-05-02"), hour: 9), status: .selesai, kelurahanID: Self.srondol)
        let open = ServiceCase(service: .kedaruratan, householdID: "H-BANJIR", receivedBy: "A-SITI",
                               completeAt: LocalMoment(date: Self.day("2026-05-02"), hour: 9), status: .asesmen, kelurahanID: Self.pudak)
        let tally = SPMTally(year: 2026, entries: entries, birthDates: births, households: ["P-KAKEK": "H-KAKEK"],
                             visits: visits, cases: [closed, open])

        #expect(tally.indicator(.lansia) == (x: 2, y: 3), "Mbah visited with needs met, Kakek through his household; Nenek's visit was last year")
        #expect(tally.excluded[.lansia]?.map(\.entry) == [entries[1].id], "aged 36 is not elderly")
        #expect(tally.indicator(.lansia, area: "33.74.11") == (x: 1, y: 2) && tally.indicator(.lansia, area: Self.tembalang) == (x: 1, y: 1))
        // Nenek turns 66 in 2026 but was 65 on 1 January: counted. The remaja was 18 on 1 January: not a child.
        #expect(tally.indicator(.anak) == (x: 1, y: 1), "a visit without needs met does not count; the completed case does")
        #expect(tally.excluded[.anak]?.count == 1)
        #expect(tally.indicator(.bencana) == (x: 0, y: 1), "a household entry is one subject; an open case serves nobody yet")
        #expect(tally.indicator(.disabilitas) == (x: 0, y: 0) && tally.indicator(.gelandanganPengemis) == (x: 0, y: 0))
        #expect(SPMTally(year: 2025, entries: entries, birthDates: births, households: [:], visits: visits, cases: [closed]).indicator(.lansia).x == 1,
                "in 2025 only Nenek's visit counts")
        #expect(SPMBasicService.lansia.rule.id.contains("60 tahun ke atas") && SPMBasicService.anak.rule.id.contains("di bawah 18 tahun"))
    }
}
