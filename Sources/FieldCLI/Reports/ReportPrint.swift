import FieldModels
import Foundation

/// The printable report: an A4 HTML page per report (a TKSK's report, then each PSM report it
/// carries), with the blocks the Lurah or Camat signs on paper, and a PDF of it made by
/// weasyprint.
enum ReportPrint {
    static func html(_ view: ReportView) -> String {
        var body = page(view, appendix: nil)
        for (index, psm) in view.included.enumerated() { body += page(psm, appendix: index + 1) }
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <title>\(escape(L("Laporan bulanan", "Monthly report"))) \(escape(view.id))</title>
            <style>
            @page { size: A4; margin: 20mm 18mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
            body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #000; }
            h1 { font-size: 13pt; text-align: center; margin: 0; } h2 { font-size: 11pt; margin: 14pt 0 4pt; }
            .sub { text-align: center; margin: 2pt 0 10pt; } .state { border: 1px solid #000; padding: 4pt 6pt; margin-bottom: 8pt; }
            .late { font-weight: bold; } table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; }
            td, th { border: 1px solid #555; padding: 2pt 5pt; text-align: left; } td.n { text-align: right; width: 18mm; }
            th.sec { background: #eee; } .text { white-space: pre-wrap; margin: 0 0 6pt; }
            .sign { display: flex; justify-content: space-between; margin-top: 22pt; page-break-inside: avoid; }
            .sign div { width: 46%; text-align: center; } .space { height: 52pt; } .name { font-weight: bold; text-decoration: underline; }
            section.appendix { page-break-before: always; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    private static func page(_ view: ReportView, appendix: Int?) -> String {
        var out = appendix.map { "<section class=\"appendix\"><p>\(escape(L("Lampiran \($0)", "Appendix \($0)")))</p>" } ?? "<section>"
        out += "<h1>\(escape(L("LAPORAN KERJA DAN RENCANA KERJA BULANAN", "MONTHLY WORK REPORT AND PLAN")))</h1>"
        out += "<p class=\"sub\">\(escape(view.title)) — \(escape(view.periodName))<br>"
        out += "\(escape(L("Petugas", "Agent"))): \(escape(view.agentName)) (\(escape(view.agent))) · \(escape(view.id))</p>"
        out += "<div class=\"state\">\(escape(view.stateLine))"
        if let decision = view.decisionLine { out += "<br>\(escape(decision))" }
        out += "</div>"
        out += "<h2>\(escape(L("a. Laporan kerja bulan \(view.periodName)", "a. Work report for \(view.periodName)")))</h2>"
        out += table(view.sections)
        if !view.lastMonth.isEmpty { out += "<p class=\"text\">\(escape(view.lastMonth))</p>" }
        if view.kind == "tksk" {
            out += "<h2>\(escape(L("Total kecamatan (TKSK dan \(view.included.count) laporan PSM)", "Kecamatan totals (TKSK and \(view.included.count) PSM reports)")))</h2>"
            out += table(view.totals)
            if !view.missing.isEmpty {
                out += "<p>\(escape(L("Laporan PSM yang belum masuk atau belum disahkan:", "PSM reports not arrived or not signed:")))</p><ul>"
                for gap in view.missing { out += "<li>\(escape(gap.name)): \(escape(gap.reasons.joined(separator: "; ")))</li>" }
                out += "</ul>"
            }
        }
        out += "<h2>\(escape(L("b. Rencana kerja bulan \(view.nextPeriodName)", "b. Work plan for \(view.nextPeriodName)")))</h2>"
        out += "<p class=\"text\">\(escape(view.nextMonthPlan))</p>"
        out += "<h2>\(escape(L("c. Evaluasi", "c. Evaluation")))</h2><p class=\"text\">\(escape(view.evaluation))</p>"
        let official = "\(view.signer) \(view.kind == "tksk" ? L("Kecamatan", "of Kecamatan") : L("Kelurahan", "of Kelurahan")) \(view.areaName)"
        let author = view.kind == "tksk" ? "TKSK" : "PSM"
        out += "<div class=\"sign\"><div>\(escape(L("Mengesahkan,", "Approved,")))<br>\(escape(official))<div class=\"space\"></div>"
        out += "<span class=\"name\">\(escape(view.approvedBy.isEmpty ? String(repeating: "\u{00A0}", count: 40) : view.approvedBy))</span><br>"
        out += "\(escape(view.approverID.allSatisfy(\.isNumber) && !view.approverID.isEmpty ? "NIP \(view.approverID)" : view.approverID))"
        if let on = view.approvedOn { out += "<br>\(escape(on))" }
        out += "</div><div>\(escape(view.submittedOn ?? ""))<br>\(escape(L("Yang melaporkan,", "Reported by,")))<br>\(escape(author))"
        out += "<div class=\"space\"></div><span class=\"name\">\(escape(view.agentName))</span></div></div></section>\n"
        return out
    }

    private static func table(_ sections: [ReportView.Section]) -> String {
        guard !sections.isEmpty else { return "<p>\(escape(L("(tidak ada kegiatan tercatat bulan ini)", "(no activity recorded this month)")))</p>" }
        var out = "<table>"
        for section in sections {
            out += "<tr><th class=\"sec\" colspan=\"2\">\(escape(section.title))</th></tr>"
            for figure in section.figures { out += "<tr><td>\(escape(figure.label))</td><td class=\"n\">\(figure.count)</td></tr>" }
        }
        return out + "</table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(char)
            }
        }
        return out
    }

    /// Writes a printed report readable by its owner only (it can hold sensitive counts).
    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("Tidak bisa menulis \(path): periksa foldernya ada dan boleh ditulis.",
                           "Cannot write \(path): check that its folder exists and is writable.", field: "html")
        }
    }

    /// Renders the report through weasyprint into `path`.
    static func pdf(_ view: ReportView, to path: String) throws {
        guard let tool = executable("weasyprint") else {
            throw CLIError("weasyprint tidak terpasang, jadi PDF tidak bisa dibuat. Pasang: sudo apt install weasyprint (atau scripts/install-deps), atau cetak versi --html dari peramban.",
                           "weasyprint is not installed, so no PDF can be made. Install it: sudo apt install weasyprint (or scripts/install-deps), or print the --html version from a browser.",
                           field: "pdf", code: Exit.failure)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("report.html").path
        try write(html(view), to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--quiet", source, path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("weasyprint gagal membuat \(path): \(message.trimmingWhitespace())", "weasyprint failed to make \(path): \(message.trimmingWhitespace())",
                           field: "pdf", code: Exit.failure)
        }
        chmod(path, 0o600)
    }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
