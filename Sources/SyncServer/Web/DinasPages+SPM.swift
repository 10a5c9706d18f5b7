import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// `/dinas/spm`: the five SPM indicators of a budget year for the city and each kecamatan,
/// drawn as bars, each with its counting rule and a drill-down to the people counted.
extension DinasPages {
    func addSPM(to router: Router<SyncRequestContext>) {
        router.get("/dinas/spm") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            return try await self.spmPage(session, year: self.year(request))
        }
        router.get("/dinas/spm/rincian") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            let query = request.uri.queryParameters
            guard let service = query["layanan"].flatMap({ SPMBasicService(rawValue: String($0)) }) else {
                return try Self.page("spm-rincian", status: .badRequest, Self.frame(session, title: "Layanan tidak dikenal", menu: "menuSPM"))
            }
            return try await self.spmDetail(session, service: service, area: query["wilayah"].map(String.init) ?? "", year: self.year(request))
        }
    }

    /// The budget year asked (`?tahun=`), else this year in Jakarta.
    func year(_ request: Request) -> Int {
        request.uri.queryParameters["tahun"].flatMap { Int(String($0)) }.map { min(max($0, 2000), 2100) }
            ?? CivilDate.jakartaDay(Date(timeIntervalSince1970: Double(now()) / 1000)).year
    }

    static func percent(_ x: Int, _ y: Int) -> String {
        y == 0 ? "—" : String(format: "%.1f%%", Double(x) * 100 / Double(y)).replacingOccurrences(of: ".", with: ",")
    }

    private func spmPage(_ session: WebSession, year: Int) async throws -> Response {
        let tally = try await store.spmTally(year: year)
        let regions = try await store.regions()
        let kota = regions.first { $0.level == "kota" }
        let kecamatan = regions.filter { $0.level == "kecamatan" }
        let services: [[String: Any]] = SPMBasicService.allCases.map { service in
            let city = tally.indicator(service)
            var rows: [(name: String, code: String, x: Int, y: Int)] = [(kota?.name ?? "Kota", kota?.id ?? "", city.x, city.y)]
            rows += kecamatan.map { region in
                let value = tally.indicator(service, area: region.id)
                return (region.name, region.id, value.x, value.y)
            }
            return ["nama": service.name.id, "kode": service.rawValue, "aturan": service.rule.id, "tahun": year,
                    "kota": "\(Self.percent(city.x, city.y)) (X = \(city.x), Y = \(city.y))",
                    "grafik": Self.bars(rows.map { ($0.name, $0.x, $0.y) }, label: "\(service.name.id), capaian per wilayah \(year)"),
                    "baris": rows.map { ["wilayah": $0.name, "kodeWilayah": $0.code, "x": $0.x, "y": $0.y, "persen": Self.percent($0.x, $0.y),
                                         "kode": service.rawValue, "tahun": year] }]
        }
        var values = Self.frame(session, title: "Indikator SPM \(year)", menu: "menuSPM")
        values["layanan"] = services
        values["tahun"] = year
        return try Self.page("spm", status: .ok, values)
    }

    private func spmDetail(_ session: WebSession, service: SPMBasicService, area: String, year: Int) async throws -> Response {
        let tally = try await store.spmTally(year: year)
        var names: [String: String] = [:]
        for region in try await store.regions() { names[region.id] = region.name }
        let subjects = (tally.subjects[service] ?? []).filter { RegionPath.contains(area, $0.kelurahan) }
        let value = tally.indicator(service, area: area)
        var values = Self.frame(session, title: "\(service.name.id): \(names[area] ?? "seluruh kota") \(year)", menu: "menuSPM")
        values["tahun"] = year
        values["layanan"] = service.rawValue
        values["kodeWilayah"] = area
        values["aturan"] = service.rule.id
        values["wilayah"] = names[area] ?? "Seluruh kota"
        values["x"] = value.x
        values["y"] = value.y
        values["persen"] = Self.percent(value.x, value.y)
        values["subjek"] = subjects.map { ["id": $0.id, "kelurahan": names[$0.kelurahan] ?? $0.kelurahan, "entri": $0.entry,
                                           "dilayani": $0.served, "oleh": $0.servedBy ?? "-"] as [String: Any] }
        let excluded = tally.excluded[service] ?? []
        values["adaDikecualikan"] = !excluded.isEmpty
        values["dikecualikan"] = excluded.map { ["entri": $0.entry, "alasan": $0.reason.id] }
        return try Self.page("spm-rincian", status: .ok, values)
    }

    /// Horizontal bars of X / Y per row as inline SVG (no script), labelled for screen readers.
    static func bars(_ rows: [(name: String, x: Int, y: Int)], label: String) -> String {
        let rowHeight = 20, labelWidth = 190, barWidth = 360, height = rows.count * rowHeight + 4
        var svg = "<svg class=\"grafik\" role=\"img\" aria-label=\"\(xml(label))\" width=\"\(labelWidth + barWidth + 80)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(labelWidth + barWidth + 80) \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(xml(label))</title>"
        for (index, row) in rows.enumerated() {
            let top = index * rowHeight + 2
            let share = row.y == 0 ? 0 : Double(row.x) / Double(row.y)
            svg += "<text x=\"0\" y=\"\(top + 14)\">\(xml(row.name))</text>"
            svg += "<rect class=\"latar\" x=\"\(labelWidth)\" y=\"\(top + 3)\" width=\"\(barWidth)\" height=\"14\"/>"
            svg += "<rect class=\"isi\" x=\"\(labelWidth)\" y=\"\(top + 3)\" width=\"\(Int((share * Double(barWidth)).rounded()))\" height=\"14\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(top + 14)\">\(xml(percent(row.x, row.y)))</text>"
        }
        return svg + "</svg>"
    }

    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
