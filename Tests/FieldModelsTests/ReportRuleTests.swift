import FieldModels
import Testing

/// The monthly report's rules without a replica: its id, period and deadline, the counts'
/// stored form, the path its status takes and who may move it, and the kecamatan combination.
@Suite("Monthly report rules")
struct ReportRuleTests {
    static let srondol = "33.74.11.1006", pudak = "33.74.11.1001", kecamatan = "33.74.11"
    static let siti = ReportActor(agentID: "A-SITI", name: "Siti Aminah", role: .psm)
    static let dinas = ReportActor(agentID: "A-DINAS", name: "Rina (Dinas)", role: .dinas)

    static func complete(_ agent: String = "A-SITI", area: String = srondol, visits: Int = 3) -> MonthlyReport {
        var tally = ReportTally()
        tally.add("visits", visits)
        return MonthlyReport(agentID: agent, period: "2026-11", figures: tally, nextMonthPlan: "Pendataan RW 05",
                             evaluation: "Target tercapai", kelurahanID: area)
    }

    @Test("A report's id names its agent and month, both ways; a period is YYYY-MM only")
    func identity() throws {
        #expect(MonthlyReport.id(agent: "A-SITI", period: "2026-11") == "R-202611SITI")
        let owner = try #require(MonthlyReport.authorship(of: "R-202611SITI"))
        #expect(owner.agent == "A-SITI" && owner.period.description == "2026-11")
        for bad in ["R-2026SITI", "R-202613SITI", "R-202611", "H-202611SITI", "R-20261"] { #expect(MonthlyReport.authorship(of: bad) == nil, "\(bad)") }
        #expect(MonthlyReport.id(agent: "A-" + String(repeating: "X", count: 27), period: "2026-11") == nil, "too long to fit")
        for bad in ["2026-1", "2026/11", "26-11", "2026-00", "2026-11-01", "２０２６-11", "1999-12"] { #expect(ReportPeriod(bad) == nil, "\(bad)") }
        #expect(ReportPeriod("2026-12")?.deadline == CivilDate("2027-01-15"), "the year turns")
        #expect(ReportPeriod("2026-11")?.deadline == CivilDate("2026-12-15"))
        #expect(ReportPeriod("2028-02")?.last == CivilDate("2028-02-29"))
    }

    @Test("Counts are stored in one canonical form; anything else is refused", arguments: [
        ("visits:3", true), ("pmks.fakir-miskin:1,visits:3", true), ("visits:3,pmks.fakir-miskin:1", false), ("visits:0", false),
        ("visits:03", false), ("Visits:3", false), ("visits:3,visits:4", false), ("visits", false), ("visits:-1", false),
        ("visits:10000001", false), ("", true),
    ])
    func tally(_ text: String, _ canonical: Bool) {
        #expect((ReportTally(text)?.description == text) == canonical)
        #expect(FieldSchemaCheck.problem(text.isEmpty ? .null : .text(text), RecordType.report.schema.spec(for: "figures")!) == nil || !canonical)
    }

    @Test("Submitting names the missing part, then the missing signature; the path is draft → submitted → returned → resubmitted → approved")
    func path() throws {
        var report = Self.complete()
        report.evaluation = ""
        #expect(throws: ReportRefusal.self) { try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-02")!) }
        do { _ = try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-02")!) } catch { #expect(error.code == "report.part.c") }
        report.figures = ReportTally()
        #expect(ReportWorkflow.missingParts(report).map(\.code) == ["report.part.a", "report.part.c"])
        report = Self.complete()
        do { _ = try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-02")!) } catch { #expect(error.code == "report.signature") }
        report = try ReportWorkflow.sign(report, by: Self.siti, name: "Drs. Mulyono", nipOrPosition: "196805121990031004", on: CivilDate("2026-12-01")!)
        #expect(throws: ReportRefusal.self, "only Dinas decides") {
            try ReportWorkflow.decide(report, approve: true, reason: "", by: Self.dinas, today: CivilDate("2026-12-02")!)
        }
        report = try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-02")!)
        #expect(report.status == .submitted && report.submittedOn == CivilDate("2026-12-02"))
        #expect(throws: ReportRefusal.self, "not twice") { try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-02")!) }
        #expect(throws: ReportRefusal.self, "content is frozen") { try ReportWorkflow.checkEditable(report) }
        #expect(throws: ReportRefusal.self, "a PSM does not decide") {
            try ReportWorkflow.decide(report, approve: true, reason: "", by: Self.siti, today: CivilDate("2026-12-03")!)
        }
        #expect(throws: ReportRefusal.self, "a return needs its reason") {
            try ReportWorkflow.decide(report, approve: false, reason: "  ", by: Self.dinas, today: CivilDate("2026-12-03")!)
        }
        report = try ReportWorkflow.decide(report, approve: false, reason: "Kunjungan tidak sesuai", by: Self.dinas, today: CivilDate("2026-12-03")!)
        #expect(report.status == .returned && report.decidedBy == "Rina (Dinas)")
        try ReportWorkflow.checkEditable(report)
        #expect(throws: ReportRefusal.self, "another agent's report") {
            try ReportWorkflow.submit(report, by: ReportActor(agentID: "A-DEWI", name: "Dewi", role: .psm), today: CivilDate("2026-12-04")!)
        }
        report = try ReportWorkflow.submit(report, by: Self.siti, today: CivilDate("2026-12-10")!)
        #expect(report.status == .resubmitted && !ReportWorkflow.isLate(report, today: CivilDate("2027-03-01")!))
        report = try ReportWorkflow.decide(report, approve: true, reason: "", by: Self.dinas, today: CivilDate("2026-12-11")!)
        #expect(report.status == .approved)
    }

    @Test("Late: submitted after the 15th of the next month, or not submitted once it has passed")
    func lateness() {
        var report = Self.complete()
        #expect(!ReportWorkflow.isLate(report, today: CivilDate("2026-12-15")!))
        #expect(ReportWorkflow.isLate(report, today: CivilDate("2026-12-16")!), "a draft past the deadline")
        report.status = .resubmitted
        report.submittedOn = CivilDate("2026-12-16")
        #expect(ReportWorkflow.isLate(report, today: CivilDate("2026-12-16")!))
        report.status = .approved
        #expect(ReportWorkflow.isLate(report, today: CivilDate("2027-01-20")!), "approval does not undo lateness")
        report.submittedOn = CivilDate("2026-12-15")
        #expect(!ReportWorkflow.isLate(report, today: CivilDate("2027-01-20")!))
    }

    @Test("Who may write which field: the author its content and submission, the Dinas its decision", arguments: [
        ("status", "submitted", "A-SITI", AgentRole.psm, true), ("status", "approved", "A-SITI", .psm, false),
        ("status", "returned", "A-BAMBANG", .tksk, false), ("status", "returned", "A-DINAS", .dinas, true),
        ("status", "resubmitted", "A-DINAS", .dinas, false), ("decisionReason", "x", "A-SITI", .psm, false),
        ("decidedBy", "x", "A-DINAS", .dinas, true), ("evaluation", "x", "A-DEWI", .psm, false),
        ("evaluation", "x", "A-SITI", .psm, true), ("approvedBy", "Lurah", "A-BAMBANG", .tksk, false),
        ("evaluation", "x", "A-DINAS", .dinas, false),
    ])
    func rights(field: String, value: String, writer: String, role: AgentRole, allowed: Bool) {
        #expect((ReportRights.problem(id: "R-202611SITI", field: field, value: .text(value), writer: writer, role: role) == nil) == allowed)
    }

    @Test("The id, agent and period of a report agree at every door")
    func grammar() {
        #expect(ReportRights.grammarProblem(id: "R-202611SITI", field: "agent", value: .text("A-SITI")) == nil)
        #expect(ReportRights.grammarProblem(id: "R-202611SITI", field: "agent", value: .text("A-DEWI")) != nil)
        #expect(ReportRights.grammarProblem(id: "R-202611SITI", field: "period", value: .text("2026-10")) != nil)
        #expect(ReportRights.grammarProblem(id: "R-7KQ2M9X4TD1B", field: "evaluation", value: .text("x")) != nil)
    }

    @Test("Combining: signed, submitted PSM reports are included and totalled; every other kelurahan is missing, with why")
    func combination() throws {
        var own = Self.complete("A-BAMBANG", area: Self.kecamatan, visits: 1)
        own.figures.add("pmks.fakir-miskin", 2)
        var siti = Self.complete()
        siti.approvedBy = "Drs. Mulyono"
        siti.status = .submitted
        var dewi = Self.complete("A-DEWI", area: Self.pudak, visits: 5)
        dewi.status = .returned
        dewi.approvedBy = "Lurah Pudakpayung"
        var ayu = Self.complete("A-AYU", area: Self.pudak, visits: 7)
        let other = Self.complete("A-ZAHRA", area: "33.74.11.1002", visits: 9)
        let lastMonth = MonthlyReport(agentID: "A-SITI", period: "2026-10", kelurahanID: Self.srondol)
        ayu.status = .draft
        let combined = ReportCombination(own: own, held: [siti, dewi, ayu, other, lastMonth], kelurahan: [Self.srondol, Self.pudak, "33.74.11.1003"])
        #expect(combined.report.included == [siti.id])
        #expect(combined.report.totals["visits"] == 4 && combined.report.totals["pmks.fakir-miskin"] == 2)
        #expect(combined.report.missing == [Self.pudak, "33.74.11.1003"])
        #expect(combined.missing[Self.pudak] == [.notSigned(report: ayu.id, agent: "A-AYU"), .returned(report: dewi.id, agent: "A-DEWI")])
        #expect(combined.missing["33.74.11.1003"] == [.notArrived])
    }
}
