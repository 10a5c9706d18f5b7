/// A TKSK's report combined with the PSM reports of its kecamatan (Perwal Semarang 86/2020
/// Pasal 21(2)): the PSM reports signed by their Lurah and submitted are included and their
/// counts added to the TKSK's own into the kecamatan totals; every kelurahan without such a
/// report is listed as missing, with the reports it does have and why they do not count.
public struct ReportCombination: Sendable {
    /// Why a kelurahan's PSM report is not included.
    public enum Gap: Sendable, Hashable {
        /// No PSM report of the month has reached this laptop.
        case notArrived
        /// A report is there but its author has not submitted it.
        case notSubmitted(report: String, agent: String)
        /// A report is there, not signed by the Lurah.
        case notSigned(report: String, agent: String)
        /// The Dinas returned it and it has not been resubmitted.
        case returned(report: String, agent: String)

        public var text: LocalizedText {
            switch self {
            case .notArrived: LocalizedText(id: "laporan PSM belum masuk", en: "no PSM report has arrived")
            case .notSubmitted(let report, let agent): LocalizedText(id: "\(report) (\(agent)) belum diajukan", en: "\(report) (\(agent)) not submitted")
            case .notSigned(let report, let agent): LocalizedText(id: "\(report) (\(agent)) belum disahkan Lurah", en: "\(report) (\(agent)) not signed by the Lurah")
            case .returned(let report, let agent): LocalizedText(id: "\(report) (\(agent)) dikembalikan Dinas, belum diperbaiki",
                                                                 en: "\(report) (\(agent)) returned by the Dinas, not corrected")
            }
        }
    }

    public var report: MonthlyReport
    public var included: [MonthlyReport]
    /// Kelurahan id → why it counts as missing (several reasons when it has several reports).
    public var missing: [String: [Gap]]

    /// Combines `own` (the TKSK's report) with the PSM reports `held` for the same month, over
    /// the kelurahan of the kecamatan (`kelurahan`, ids).
    public init(own: MonthlyReport, held: [MonthlyReport], kelurahan: [String]) {
        var report = own
        var included: [MonthlyReport] = []
        var missing: [String: [Gap]] = [:]
        for area in kelurahan {
            let here = held.filter { $0.kelurahanID == area && $0.period == own.period && !$0.isKecamatanReport }
                .sorted { $0.id < $1.id }
            var counted = false
            var gaps: [Gap] = []
            for psm in here {
                if psm.status == .returned {
                    gaps.append(.returned(report: psm.id, agent: psm.agentID))
                } else if psm.status == .draft {
                    gaps.append(psm.approvedBy.isEmpty ? .notSigned(report: psm.id, agent: psm.agentID) : .notSubmitted(report: psm.id, agent: psm.agentID))
                } else if psm.approvedBy.isEmpty {
                    gaps.append(.notSigned(report: psm.id, agent: psm.agentID))
                } else {
                    included.append(psm)
                    counted = true
                }
            }
            if !counted { missing[area] = gaps.isEmpty ? [.notArrived] : gaps }
        }
        var totals = own.figures
        for psm in included { totals.add(psm.figures) }
        report.totals = totals
        report.included = Set(included.map(\.id))
        report.missing = Set(missing.keys)
        self.report = report
        self.included = included
        self.missing = missing
    }
}
