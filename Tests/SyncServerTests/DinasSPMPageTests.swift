import FieldModels
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LocalStore
@testable import SyncServer
import Spreadsheet
import SyncEngine
import SyncTestSupport
import Testing

/// `/dinas/spm`: the five indicators from what the field sent, the same counts a laptop holding
/// the same records makes with the same rule, drawn as bars, with the rule on the page and a
/// drill-down to the people counted.
@Suite("Dinas pages: SPM indicators", .serialized)
struct DinasSPMPageTests {
    typealias Browser = DinasPageTests.Browser
    static let srondol = "33.74.11.1006"

    @Test("Elderly and children counted by category and age, served by a visit with needs met or a completed case; the page, the bars and the drill-down agree with a laptop's count",
          arguments: StoreKind.available)
    func indicators(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-spm-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let siti = try await ServerTierPropertyTests.laptop("siti", agent: AgentProfile(id: "A-SITI", name: "Siti", role: .psm, area: Self.srondol),
                                                                store: store, in: directory)
            var home = Household(noKK: "3374061203150007", address: "Jl. Srondol 5", rt: "1", rw: "2", kelurahanID: Self.srondol)
            let people = [("Mbah Karto", "1948-02-11"), ("Mbah Sastro", "1950-07-01"), ("Tono", "2016-03-03"), ("Budi", "1950-01-01")].enumerated().map { index, person in
                Person(nik: "", name: person.0, sex: .l, birthDate: CivilDate(person.1), relationship: index == 3 ? .kepala : .lainnya,
                       householdID: home.id, kelurahanID: Self.srondol)
            }
            home.members = Set(people.map(\.id))
            try siti.replica.save([home] + people)
            let entries = [(0, PMKSCategory.lanjutUsiaTelantar), (1, .lanjutUsiaTelantar), (2, .anakTelantar), (3, .lanjutUsiaTelantar)].map { index, category in
                SocialMapEntry(kind: .pmks, category: category.rawValue, personID: people[index].id, householdID: home.id,
                               assessmentDate: CivilDate("2026-02-01"), kelurahanID: Self.srondol)
            }
            var visit = HomeVisit(date: CivilDate("2026-03-02"), agentID: "A-SITI", householdID: home.id, personID: people[0].id,
                                  purpose: "Permakanan", kelurahanID: Self.srondol)
            visit.needsMet = true
            let closed = ServiceCase(service: .rujukan, personID: people[2].id, receivedBy: "A-SITI", requirements: ["ktp", "kk", "kontak", "bpjs"],
                                     completeAt: LocalMoment(date: CivilDate("2026-04-01")!, hour: 9), status: .selesai, kelurahanID: Self.srondol)
            try siti.replica.save(entries + [visit, closed], now: Date())
            // Budi's birth date was mistyped; corrected, his elderly entry no longer counts.
            var budi = people[3]
            budi.birthDate = CivilDate("1985-01-01")
            try siti.replica.save([budi])
            var clean: SeededGenerator?
            try await ServerTierPropertyTests.push(siti, to: store, random: &clean, now: 10_000)

            let tally = try await store.spmTally(year: 2026)
            #expect(tally.indicator(.lansia) == (x: 1, y: 2) && tally.indicator(.anak) == (x: 1, y: 1), "Budi (41) is not elderly")
            // The same rule over a laptop's own records gives the same counts.
            let held = SPMTally(year: 2026, entries: try siti.replica.records(SocialMapEntry.self).map(\.record),
                                birthDates: Dictionary(uniqueKeysWithValues: try siti.replica.records(Person.self).map { ($0.record.id, $0.record.birthDate!) }),
                                households: Dictionary(uniqueKeysWithValues: people.map { ($0.id, home.id) }),
                                visits: try siti.replica.records(HomeVisit.self).map(\.record), cases: try siti.replica.records(ServiceCase.self).map(\.record))
            for service in SPMBasicService.allCases { #expect(held.indicator(service) == tally.indicator(service), "\(service)") }

            let visitID = visit.id
            try await store.addStaff(username: "vina", name: "Vina", role: .viewer, password: DinasPageTests.password, now: 0)
            try await Application(router: SyncRoutes(store: store, now: { 1_795_579_200_000 }).router()).test(.router) { client in
                var viewer = Browser(client: client)
                _ = try await viewer.login("vina", DinasPageTests.password)
                let page = String(buffer: try await viewer.get("/dinas/spm?tahun=2026").body)
                #expect(page.contains("Lanjut usia telantar: 50,0% (X = 1, Y = 2)") && page.contains("Anak telantar: 100,0% (X = 1, Y = 1)"), "\(page)")
                #expect(page.contains("<svg class=\"grafik\" role=\"img\"") && page.contains("60 tahun ke atas"))
                #expect(page.contains("Korban bencana: — (X = 0, Y = 0)"), "no need recorded is not 0%")
                let detail = String(buffer: try await viewer.get("/dinas/spm/rincian?layanan=lansia&wilayah=33.74.11&tahun=2026").body)
                #expect(detail.contains(people[0].id) && detail.contains(people[1].id) && detail.contains(visitID) && detail.contains("belum"), "\(detail)")
                #expect(detail.contains("berusia 41 pada 1 Januari 2026"), "the entry left out, with why")
                #expect(detail.contains("<td>Srondol Kulon</td><td>33.74.11.1006</td><td class=\"angka\">1</td><td class=\"angka\">2</td><td class=\"angka\">50,0%</td>"),
                        "per kelurahan of the kecamatan")
                let coverage = String(buffer: try await viewer.get("/dinas/cakupan").body)
                #expect(coverage.contains("<title>Srondol Kulon: 1 rumah tangga</title>") && coverage.contains("Peta panas"), "the heat table")
                #expect(String(buffer: try await viewer.get("/dinas/spm?tahun=2025").body).contains("Lanjut usia telantar: 0,0% (X = 0, Y = 2)"))
                #expect(try await viewer.get("/dinas/spm/rincian?layanan=tidak-ada").status == .badRequest)

                // English on request, remembered for the next pages, and back.
                let english = String(buffer: try await viewer.get("/dinas/spm?tahun=2026&lang=en").body)
                #expect(english.contains("<html lang=\"en\">") && english.contains("SPM indicators 2026")
                        && english.contains("Neglected elderly people: 50.0% (X = 1, Y = 2)") && english.contains("aged 60 or over"), "\(english.prefix(3000))")
                let remembered = String(buffer: try await viewer.get("/dinas/cakupan").body)
                #expect(remembered.contains("Data coverage") && remembered.contains("Households recorded per kelurahan") && remembered.contains("Log out"))
                #expect(String(buffer: try await viewer.get("/dinas/laporan?lang=id").body).contains("Laporan bulanan"))
                #expect(String(buffer: try await viewer.get("/dinas/konflik").body).contains("Konflik data"), "Bahasa Indonesia again")

                // Every table exports as CSV and XLSX with the same rows.
                let csv = try await viewer.get("/dinas/ekspor/spm?tahun=2026&format=csv")
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8"
                        && csv.headers[.contentDisposition] == "attachment; filename=\"spm-2026.csv\"")
                let text = String(buffer: csv.body)
                #expect(text.hasPrefix("\u{FEFF}layanan,wilayah,kode_wilayah,x,y,capaian\r\n"))
                let rows = CSV.parse(String(text.dropFirst())).filter { !$0.allSatisfy(\.isEmpty) }
                #expect(rows.contains(["Lanjut usia telantar", "Seluruh kota", "", "1", "2", "50,0%"]), "\(rows.prefix(3))")
                let xlsx = try await viewer.get("/dinas/ekspor/spm?tahun=2026&format=xlsx")
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("spm-\(UUID().uuidString).xlsx")
                try Data(buffer: xlsx.body).write(to: file)
                #expect(try XLSXReader.read(file) == rows, "the XLSX holds what the CSV holds")
                for table in ["cakupan", "laporan?bulan=2026-10", "konflik", "spm-rincian?layanan=lansia&wilayah=33.74.11"] {
                    let separator = table.contains("?") ? "&" : "?"
                    #expect(try await viewer.get("/dinas/ekspor/\(table)\(separator)format=csv").status == .ok, "\(table)")
                }
                let detail2 = String(buffer: try await viewer.get("/dinas/ekspor/spm-rincian?layanan=lansia&tahun=2026&format=csv").body)
                #expect(detail2.contains(people[0].id) && detail2.contains("ya"))
                #expect(try await viewer.get("/dinas/ekspor/tidak-ada?format=csv").status == .notFound)
                #expect(try await viewer.get("/dinas/ekspor/spm?format=pdf").status == .notFound)
                var stranger = Browser(client: client)
                #expect(try await stranger.get("/dinas/ekspor/spm?format=csv").status == .seeOther, "no export without a session")
            }
        }
    }

    @Test("A cell a spreadsheet would read as a formula is exported with a leading apostrophe")
    func formulas() {
        let text = String(decoding: TableExport.csv(TableExport.defused([["=HYPERLINK(\"x\")", "+1", "-2", "@A", "Jl. Mawar"]])), as: UTF8.self)
        #expect(text.contains("\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@A,Jl. Mawar"), "\(text)")
    }
}

