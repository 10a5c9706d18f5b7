public enum ReportStatus: String, Sendable, CaseIterable, Codable {
    case draft, submitted, approved, returned

    public var name: LocalizedText {
        switch self {
        case .draft: LocalizedText(id: "Konsep", en: "Draft")
        case .submitted: LocalizedText(id: "Diajukan", en: "Submitted")
        case .approved: LocalizedText(id: "Disetujui", en: "Approved")
        case .returned: LocalizedText(id: "Dikembalikan", en: "Returned")
        }
    }
}

/// The monthly work report and plan (Permensos 28/2017 Pasal 20): last month's work, next
/// month's plan, an evaluation; approved by the Lurah (PSM) or Camat (TKSK).
public struct MonthlyReport: FieldRecord, Hashable {
    public static let recordType = RecordType.report

    public var id: String
    public var agentID: String
    /// The month reported, `YYYY-MM`.
    public var period: String
    public var lastMonth: String
    public var nextMonthPlan: String
    public var evaluation: String
    public var status: ReportStatus
    public var approvedBy: String
    public var approvedOn: CivilDate?
    public var kelurahanID: String

    public init(id: String = RecordID.make(.report), agentID: String, period: String, lastMonth: String,
                nextMonthPlan: String, evaluation: String, status: ReportStatus = .draft, approvedBy: String = "",
                approvedOn: CivilDate? = nil, kelurahanID: String) {
        self.id = id
        self.agentID = agentID
        self.period = period
        self.lastMonth = lastMonth
        self.nextMonthPlan = nextMonthPlan
        self.evaluation = evaluation
        self.status = status
        self.approvedBy = approvedBy
        self.approvedOn = approvedOn
        self.kelurahanID = kelurahanID
    }

    public var area: String { kelurahanID }

    public var fields: FieldMap {
        [
            "agent": .text(agentID), "period": .text(period), "lastMonth": .text(lastMonth),
            "nextMonthPlan": .text(nextMonthPlan), "evaluation": .text(evaluation), "status": .text(status.rawValue),
            "approvedBy": .text(approvedBy), "approvedOn": FieldValue(approvedOn), "kelurahan": .text(kelurahanID),
        ]
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, agentID: fields.string("agent"), period: fields.string("period"),
                  lastMonth: fields.string("lastMonth"), nextMonthPlan: fields.string("nextMonthPlan"),
                  evaluation: fields.string("evaluation"), status: ReportStatus(rawValue: fields.string("status")) ?? .draft,
                  approvedBy: fields.string("approvedBy"), approvedOn: fields["approvedOn"]?.date,
                  kelurahanID: fields.string("kelurahan"))
    }
}
