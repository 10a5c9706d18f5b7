/// Where a monthly report stands. It moves only draft → submitted → approved or returned, and a
/// returned report, corrected, → resubmitted → approved or returned again (`ReportWorkflow`).
public enum ReportStatus: String, Sendable, CaseIterable, Codable {
    case draft, submitted, approved, returned, resubmitted

    public var name: LocalizedText {
        switch self {
        case .draft: LocalizedText(id: "Konsep", en: "Draft")
        case .submitted: LocalizedText(id: "Diajukan", en: "Submitted")
        case .approved: LocalizedText(id: "Disetujui Dinas", en: "Approved by the Dinas")
        case .returned: LocalizedText(id: "Dikembalikan Dinas", en: "Returned by the Dinas")
        case .resubmitted: LocalizedText(id: "Diajukan ulang", en: "Resubmitted")
        }
    }

    /// Whether the report waits for the Dinas's decision.
    public var isPending: Bool { self == .submitted || self == .resubmitted }
}

/// The monthly work report and plan of a PSM or a TKSK (Perwal Semarang 86/2020 Pasal 20–26):
/// (a) last month's work, counted from the records (`figures`) with the agent's own words
/// (`lastMonth`), (b) next month's plan, (c) an evaluation. A PSM's report is signed by the
/// Lurah and goes to the Dinas through the TKSK (Pasal 22); a TKSK's is signed by the Camat and
/// carries the approved PSM reports of its kecamatan with their totals (Pasal 21).
///
/// One report per agent and month: its id is made of both (`R-202611SITI` for agent `A-SITI`,
/// November 2026), so a second draft, on any laptop, edits the first.
public struct MonthlyReport: FieldRecord, Hashable {
    public static let recordType = RecordType.report
    /// Counts by PMKS category (an "orang dengan HIV/AIDS: 1" in a small kelurahan) and the
    /// agent's own words can point at people: sealed at rest like every personal detail.
    public static let sensitiveFields: Set<String> = ["figures", "totals", "lastMonth", "nextMonthPlan", "evaluation", "decisionReason"]

    public var id: String
    public var agentID: String
    /// The author's name as the laptop knows it, for the printed report's signature block.
    public var agentName: String = ""
    /// The month reported, `YYYY-MM`.
    public var period: String
    /// Part (a) as counted from the records of the month.
    public var figures: ReportTally
    /// Part (a) in the agent's words: what the counts do not say.
    public var lastMonth: String
    /// Part (b).
    public var nextMonthPlan: String
    /// Part (c).
    public var evaluation: String
    public var status: ReportStatus
    /// The Asia/Jakarta date of the last submission (first or corrected).
    public var submittedOn: CivilDate?
    /// The Lurah (PSM report) or Camat (TKSK report) who signed it, as written on paper.
    public var approvedBy: String
    /// The signer's NIP, or their position when no NIP is given.
    public var approverID: String
    public var approvedOn: CivilDate?
    /// The Dinas's decision: why it was returned (or a note on approval), who decided, when.
    public var decisionReason: String
    public var decidedBy: String
    public var decidedOn: CivilDate?
    /// The report's area: the PSM's kelurahan, or the TKSK's kecamatan.
    public var kelurahanID: String
    /// TKSK only: the kecamatan totals (own figures and those of the included PSM reports).
    public var totals: ReportTally
    /// TKSK only: the PSM reports combined into this one (Pasal 21(2)).
    public var included: Set<String>
    /// TKSK only: the kelurahan whose PSM report had not arrived, or was not approved, at combining.
    public var missing: Set<String>

    public init(agentID: String, period: String, figures: ReportTally = ReportTally(), lastMonth: String = "",
                nextMonthPlan: String = "", evaluation: String = "", status: ReportStatus = .draft, kelurahanID: String) {
        self.init(id: Self.id(agent: agentID, period: period) ?? "R-", fields: [:])
        self.agentID = agentID
        self.period = period
        self.figures = figures
        self.lastMonth = lastMonth
        self.nextMonthPlan = nextMonthPlan
        self.evaluation = evaluation
        self.status = status
        self.kelurahanID = kelurahanID
    }

    public var area: String { kelurahanID }

    /// Whether this is a TKSK's (kecamatan) report rather than a PSM's (kelurahan).
    public var isKecamatanReport: Bool { RegionPath.depth(of: kelurahanID) == 2 }

    public var fields: FieldMap {
        var map: FieldMap = [
            "agent": .text(agentID), "agentName": .text(agentName), "period": .text(period), "figures": figures.isEmpty ? .null : .text(figures.description),
            "lastMonth": .text(lastMonth), "nextMonthPlan": .text(nextMonthPlan), "evaluation": .text(evaluation),
            "status": .text(status.rawValue), "submittedOn": FieldValue(submittedOn), "approvedBy": .text(approvedBy),
            "approverID": .text(approverID), "approvedOn": FieldValue(approvedOn), "decisionReason": .text(decisionReason),
            "decidedBy": .text(decidedBy), "decidedOn": FieldValue(decidedOn), "kelurahan": .text(kelurahanID),
            "totals": totals.isEmpty ? .null : .text(totals.description),
        ]
        map.setElements("included", included)
        map.setElements("missing", missing)
        return map
    }

    public init(id: String, fields: FieldMap) {
        self.id = id
        agentID = fields.string("agent")
        agentName = fields.string("agentName")
        period = fields.string("period")
        figures = ReportTally(fields.string("figures")) ?? ReportTally()
        lastMonth = fields.string("lastMonth")
        nextMonthPlan = fields.string("nextMonthPlan")
        evaluation = fields.string("evaluation")
        status = ReportStatus(rawValue: fields.string("status")) ?? .draft
        submittedOn = fields["submittedOn"]?.date
        approvedBy = fields.string("approvedBy")
        approverID = fields.string("approverID")
        approvedOn = fields["approvedOn"]?.date
        decisionReason = fields.string("decisionReason")
        decidedBy = fields.string("decidedBy")
        decidedOn = fields["decidedOn"]?.date
        kelurahanID = fields.string("kelurahan")
        totals = ReportTally(fields.string("totals")) ?? ReportTally()
        included = fields.setElements("included")
        missing = fields.setElements("missing")
    }

    /// The id of `agent`'s report for `period`: `R-`, the period as `YYYYMM`, then the agent
    /// id without its `A-`. Nil when the period is not `YYYY-MM` or the agent id is too long to fit.
    public static func id(agent: String, period: String) -> String? {
        guard let month = ReportPeriod(period), Grammar.isAgentID(agent) else { return nil }
        let id = "R-" + month.compact + agent.dropFirst(2)
        return Grammar.isRecordID(id, type: .report) ? id : nil
    }

    /// The agent and month a report id names, or nil when it is not a report id of that form.
    public static func authorship(of id: String) -> (agent: String, period: ReportPeriod)? {
        guard Grammar.isRecordID(id, type: .report) else { return nil }
        let body = id.dropFirst(2)
        guard body.count > 6 else { return nil }
        let digits = String(body.prefix(6)), agent = "A-" + body.dropFirst(6)
        guard let period = ReportPeriod(String(digits.prefix(4)) + "-" + String(digits.suffix(2))), Grammar.isAgentID(agent) else { return nil }
        return (agent, period)
    }
}
