import FieldModels
import Foundation
import Hummingbird
import NIOCore
import Spreadsheet
import SyncEngine

/// `/dinas/ekspor/TABLE?format=csv|xlsx`: every table of the pages as a file, with the page's
/// own parameters (`bulan`, `tahun`, `wilayah`, `layanan`).
extension DinasPages {
    /// One table as exported: a file name and rows, the header first.
    struct ExportTable {
        var name: String
        var rows: [[String]]
        /// Further sheets, for XLSX (a questionnaire's repeats).
        var more: [(name: String, rows: [[String]])] = []
        /// The first sheet's name, when not the file's.
        var sheet: String? = nil
    }

    func addExports(to router: Router<SyncRequestContext>) {
        router.get("/dinas/ekspor/:tabel") { request, context in
            guard let session = await self.session(request) else { return Self.toLogin }
            let format = request.uri.queryParameters["format"].map(String.init) ?? "csv"
            guard ["csv", "xlsx"].contains(format), let name = context.parameters.get("tabel"),
                  let table = try await self.exportTable(name, request) else {
                let language = self.language(request)
                return try Self.page("masuk", status: .notFound, await self.frame(session, language: language, title: Self.text(language, "Tabel tidak dikenal", "Unknown table"), menu: ""))
            }
            return try Self.download(table, format: format)
        }
    }

    private func exportTable(_ name: String, _ request: Request) async throws -> ExportTable? {
        let query = request.uri.queryParameters
        var names: [String: String] = [:]
        for region in try await reads.regions() { names[region.id] = region.name }
        switch name {
        case "cakupan":
            let coverage = try await reads.coverage(now: now(), quietDays: 14)
            return ExportTable(name: "cakupan", rows: [["kode", "kecamatan", "kelurahan", "rumah_tangga", "orang", "pmks_psks", "kunjungan", "kasus_layanan", "data_psm"]]
                + coverage.kelurahan.map { row in
                    [row.id, row.kecamatan, row.name] + ["household", "person", "socialmap", "visit", "service"].map { String(row.records[$0] ?? 0) }
                        + [row.psmData ? "ya" : "tidak"]
                })
        case "laporan":
            let month = query["bulan"].map(String.init).flatMap(ReportPeriod.init) ?? lastMonth
            let reports = try await reads.reportTable(period: month.description, today: today)
            return ExportTable(name: "laporan-\(month)", rows: [["id", "petugas", "nama", "wilayah", "status", "diajukan", "batas", "terlambat", "diputuskan_oleh", "alasan"]]
                + reports.map { row in
                    [row.report.id, row.report.agentID, row.report.agentName, names[row.area] ?? row.area, row.report.status.rawValue,
                     row.report.submittedOn?.description ?? "", month.deadline.description, row.late ? "ya" : "tidak", row.report.decidedBy,
                     row.report.decisionReason]
                })
        case "konflik":
            let area = query["wilayah"].map(String.init).flatMap { $0.isEmpty ? nil : RegionDirectory.dotted($0) ?? $0 }
            let queue = try await reads.conflictQueue(area: area)
            return ExportTable(name: "konflik", rows: [["data", "jenis", "wilayah", "bidang", "nilai", "petugas", "perangkat", "waktu_wib"]]
                + queue.flatMap { item in
                    item.versions.map { version in
                        [item.record, item.type.rawValue, names[item.area] ?? item.area, item.conflict.field, Self.shown(version.version.value),
                         version.version.agent, version.device, Self.jakartaTime(version.version.wallTime)]
                    }
                })
        case "spm":
            let year = self.year(request)
            let tally = try await reads.spmTally(year: year)
            let areas = [""] + (try await reads.regions()).filter { $0.level == "kecamatan" }.map(\.id)
            return ExportTable(name: "spm-\(year)", rows: [["layanan", "wilayah", "kode_wilayah", "x", "y", "capaian"]]
                + SPMBasicService.allCases.flatMap { service in
                    areas.map { area in
                        let value = tally.indicator(service, area: area)
                        return [service.name.id, area.isEmpty ? "Seluruh kota" : names[area] ?? area, area, String(value.x), String(value.y),
                                Self.percent(value.x, value.y)]
                    }
                })
        case "spm-rincian":
            guard let service = query["layanan"].flatMap({ SPMBasicService(rawValue: String($0)) }) else { return nil }
            let area = query["wilayah"].map(String.init) ?? ""
            let tally = try await reads.spmTally(year: self.year(request))
            return ExportTable(name: "spm-\(service.rawValue)", rows: [["subjek", "kelurahan", "entri_pmks", "terlayani", "oleh"]]
                + (tally.subjects[service] ?? []).filter { RegionPath.contains(area, $0.kelurahan) }.map {
                    [$0.id, names[$0.kelurahan] ?? $0.kelurahan, $0.entry, $0.served ? "ya" : "tidak", $0.servedBy ?? ""]
                })
        case "formulir":
            guard let id = query["id"].map(String.init), let form = try await reads.forms(includeRemoved: true).first(where: { $0.id == id }),
                  let definition = form.form else { return nil }
            let sheets = FormTable.sheets(definition, responses: try await reads.formResponses(formID: form.formID, version: form.version))
            // A CSV holds one sheet: the responses, or the repeat `lembar` names.
            let wanted = query["lembar"].map(String.init)
            guard let first = wanted.map({ name in sheets.first { $0.name == name } }) ?? sheets.first else { return nil }
            return ExportTable(name: "\(form.formID)-v\(form.version)" + (wanted.map { "-" + $0 } ?? ""), rows: first.rows,
                               more: wanted == nil ? Array(sheets.dropFirst()) : [], sheet: first.name)
        default:
            return nil
        }
    }

    /// The table as a CSV (UTF-8 with a byte-order mark, for spreadsheet programs) or XLSX file.
    /// A cell that a spreadsheet would take for a formula is written with a leading apostrophe.
    static func download(_ table: ExportTable, format: String) throws -> Response {
        let safe = TableExport.defused(table.rows)
        let body: Data
        if format == "xlsx" {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("table.xlsx").path
            let sheets = [(name: String((table.sheet ?? table.name).prefix(31)), rows: safe)] + table.more.map { (name: $0.name, rows: TableExport.defused($0.rows)) }
            do { try XLSXWriter.write(sheets: sheets, to: file) } catch { throw ServerError.internalFailure("XLSX export: \(error)") }
            body = try Data(contentsOf: URL(fileURLWithPath: file))
        } else {
            body = TableExport.csv(safe)
        }
        let type = format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
        return Response(status: .ok, headers: [
            .contentType: type, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(table.name).\(format)\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
