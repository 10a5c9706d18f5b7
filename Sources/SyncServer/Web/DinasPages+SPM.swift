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
            return try await self.spmPage(session, year: self.year(request), language: self.language(request))
        }
        router.get("/dinas/spm/rincian") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            let query = request.uri.queryParameters
            guard let service = query["layanan"].flatMap({ SPMBasicService(rawValue: String($0)) }) else {
                let language = self.language(request)
                return try Self.page("spm-rincian", status: .badRequest,
                                     await self.frame(session, language: language, title: Self.text(language, "Layanan tidak dikenal", "Unknown service"), menu: "menuSPM"))
            }
            return try await self.spmDetail(session, service: service, area: query["wilayah"].map(String.init) ?? "", year: self.year(request),
                                            language: self.language(request))
        }
    }

    /// The budget year asked (`?tahun=`), else this year in Jakarta.
    func year(_ request: Request) -> Int {
        request.uri.queryParameters["tahun"].flatMap { Int(String($0)) }.map { min(max($0, 2000), 2100) }
            ?? today.year
    }

    /// X / Y as a percentage with one decimal (a decimal comma in Bahasa Indonesia); a dash when nobody needs it.
    static func percent(_ x: Int, _ y: Int, _ language: Language = .id) -> String {
        guard y > 0 else { return "—" }
        let text = String(format: "%.1f%%", Double(x) * 100 / Double(y))
        return language == .en ? text : text.replacingOccurrences(of: ".", with: ",")
    }

    private func spmPage(_ session: WebSession, year: Int, language: Language) async throws -> Response {
        let tally = try await reads.spmTally(year: year)
        let regions = try await reads.regions()
        let kota = regions.first { $0.level == "kota" }
        let kecamatan = regions.filter { $0.level == "kecamatan" }
        let services: [[String: Any]] = SPMBasicService.allCases.map { service in
            let city = tally.indicator(service)
            var rows: [(name: String, code: String, x: Int, y: Int)] = [(kota?.name ?? "Kota", kota?.id ?? "", city.x, city.y)]
            rows += kecamatan.map { region in
                let value = tally.indicator(service, area: region.id)
                return (region.name, region.id, value.x, value.y)
            }
            return ["nama": service.name[language], "kode": service.rawValue, "aturan": service.rule[language], "tahun": year,
                    "kota": "\(Self.percent(city.x, city.y, language)) (X = \(city.x), Y = \(city.y))",
                    "grafik": Self.bars(rows.map { ($0.name, $0.x, $0.y) }, label: "\(service.name[language]), "
                                            + Self.text(language, "capaian per wilayah \(year)", "achieved per area \(year)"), language: language),
                    "baris": rows.map { ["wilayah": $0.name, "kodeWilayah": $0.code, "x": $0.x, "y": $0.y, "persen": Self.percent($0.x, $0.y, language),
                                         "kode": service.rawValue, "tahun": year] }]
        }
        var values = await self.frame(session, language: language, title: Self.text(language, "Indikator SPM \(year)", "SPM indicators \(year)"), menu: "menuSPM")
        values["layanan"] = services
        values["tahun"] = year
        return try Self.page("spm", status: .ok, values)
    }

    private func spmDetail(_ session: WebSession, service: SPMBasicService, area: String, year: Int, language: Language) async throws -> Response {
        let tally = try await reads.spmTally(year: year)
        let regions = try await reads.regions()
        var names: [String: String] = [:]
        for region in regions { names[region.id] = region.name }
        let subjects = (tally.subjects[service] ?? []).filter { RegionPath.contains(area, $0.kelurahan) }
        let value = tally.indicator(service, area: area)
        let whole = Self.text(language, "Seluruh kota", "The whole city")
        var values = await self.frame(session, language: language, title: "\(service.name[language]): \(names[area] ?? whole) \(year)", menu: "menuSPM")
        values["tahun"] = year
        values["layanan"] = service.rawValue
        values["kodeWilayah"] = area
        values["aturan"] = service.rule[language]
        values["wilayah"] = names[area] ?? whole
        values["x"] = value.x
        values["y"] = value.y
        values["persen"] = Self.percent(value.x, value.y, language)
        values["subjek"] = subjects.map { ["id": $0.id, "kelurahan": names[$0.kelurahan] ?? $0.kelurahan, "entri": $0.entry,
                                           "dilayani": $0.served, "oleh": $0.servedBy ?? "-"] as [String: Any] }
        values["kelurahan"] = regions.filter { $0.level == "kelurahan" && RegionPath.contains(area, $0.id) }.map { region -> [String: Any] in
            let value = tally.indicator(service, area: region.id)
            return ["nama": region.name, "kode": region.id, "x": value.x, "y": value.y, "persen": Self.percent(value.x, value.y, language)]
        }
        let excluded = tally.excluded[service] ?? []
        values["adaDikecualikan"] = !excluded.isEmpty
        values["dikecualikan"] = excluded.map { ["entri": $0.entry, "alasan": $0.reason[language]] }
        return try Self.page("spm-rincian", status: .ok, values)
    }

    /// Horizontal bars of X / Y per row as inline SVG (no script), labelled for screen readers.
    static func bars(_ rows: [(name: String, x: Int, y: Int)], label: String, language: Language) -> String {
        let rowHeight = 20, labelWidth = 190, barWidth = 360, height = rows.count * rowHeight + 4
        var svg = "<svg class=\"grafik\" role=\"img\" aria-label=\"\(xml(label))\" width=\"\(labelWidth + barWidth + 80)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(labelWidth + barWidth + 80) \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(xml(label))</title>"
        for (index, row) in rows.enumerated() {
            let top = index * rowHeight + 2
            let share = row.y == 0 ? 0 : Double(row.x) / Double(row.y)
            svg += "<text x=\"0\" y=\"\(top + 14)\">\(xml(row.name))</text>"
            svg += "<rect class=\"latar\" x=\"\(labelWidth)\" y=\"\(top + 3)\" width=\"\(barWidth)\" height=\"14\"/>"
            svg += "<rect class=\"isi\" x=\"\(labelWidth)\" y=\"\(top + 3)\" width=\"\(Int((share * Double(barWidth)).rounded()))\" height=\"14\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(top + 14)\">\(xml(percent(row.x, row.y, language)))</text>"
        }
        return svg + "</svg>"
    }

    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension DinasPages {
    /// The shades of the coverage heat table, lightest for none: households recorded per kelurahan.
    static let heatSteps: [(upTo: Int, fill: String, ink: String)] = [
        (0, "#f2f2f2", "#1a1a1a"), (9, "#cfe3ee", "#1a1a1a"), (49, "#8fbdd6", "#1a1a1a"), (199, "#2f7fa8", "#ffffff"), (Int.max, "#0b4f6c", "#ffffff"),
    ]

    /// A heat table as inline SVG: one row per kecamatan, one cell per kelurahan, shaded by the
    /// number of households recorded there, with the number written in the cell and the name
    /// in its title (read out by screen readers and shown on hover).
    static func heatTable(_ rows: [(name: String, cells: [(name: String, count: Int)])], language: Language) -> String {
        let title = text(language, "Rumah tangga tercatat per kelurahan", "Households recorded per kelurahan")
        let labelWidth = 170, cell = 34, gap = 2, widest = rows.map(\.cells.count).max() ?? 0
        let width = labelWidth + widest * (cell + gap) + 10, height = rows.count * (cell / 2 + 8) + 34
        var svg = "<svg class=\"grafik\" role=\"img\" aria-label=\"\(title)\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(title)</title>"
        for (index, row) in rows.enumerated() {
            let top = index * (cell / 2 + 8)
            svg += "<text x=\"0\" y=\"\(top + 14)\">\(xml(row.name))</text>"
            for (column, entry) in row.cells.enumerated() {
                let step = heatSteps.first { entry.count <= $0.upTo }!
                let left = labelWidth + column * (cell + gap)
                svg += "<g><title>\(xml(entry.name)): \(entry.count) \(text(language, "rumah tangga", "households"))</title>"
                    + "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(cell)\" height=\"\(cell / 2 + 5)\" fill=\"\(step.fill)\"/>"
                    + "<text x=\"\(left + cell / 2)\" y=\"\(top + 15)\" text-anchor=\"middle\" style=\"fill: \(step.ink)\">\(entry.count)</text></g>"
            }
        }
        let legendTop = rows.count * (cell / 2 + 8) + 8
        var left = 0
        for (index, step) in heatSteps.enumerated() {
            let low = index == 0 ? 0 : heatSteps[index - 1].upTo + 1
            let label = step.upTo == 0 ? "0" : step.upTo == Int.max ? "\(low)+" : "\(low)–\(step.upTo)"
            svg += "<rect x=\"\(left)\" y=\"\(legendTop)\" width=\"14\" height=\"14\" fill=\"\(step.fill)\" stroke=\"#8a8a8a\"/>"
                + "<text x=\"\(left + 18)\" y=\"\(legendTop + 12)\">\(label)</text>"
            left += 80
        }
        return svg + "</svg>"
    }
}
