import ArgumentParser
import FieldModels
import Foundation
import Spreadsheet
import SyncEngine

/// `field-server form …`: questionnaires the Dinas writes as XLSForm spreadsheets, published to
/// the laptops by sync, and their responses exported back as spreadsheets.
struct FormCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form", abstract: "Kuesioner XLSForm buatan Dinas / Questionnaires the Dinas writes (XLSForm).",
        discussion: """
            Tulis kuesioner di spreadsheet XLSForm (lembar survey, choices, settings; sama dengan ODK dan \
            KoboToolbox), lalu terbitkan: field-server form add asesmen.xlsx. Server menandatanganinya dengan \
            kuncinya; laptop di wilayah tujuannya menerimanya pada sinkronisasi berikutnya dan mengisinya tanpa \
            sinyal (field form fill). Versi baru = naikkan 'version' di lembar settings; jawaban versi lama tetap.
            Setelah petugas sinkron: field-server form export asesmen --out jawaban.xlsx
            """,
        subcommands: [Add.self, List.self, Withdraw.self, Export.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Terbitkan satu versi kuesioner dari berkas XLSForm (.xlsx).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Berkas XLSForm (.xlsx).") var file: String
        @Option(help: "Hanya untuk satu kecamatan (kode Kemendagri, mis. 33.74.11); bawaan: seluruh kota.") var kecamatan: String?
        @Option(help: "Hanya untuk peran ini (psm, tksk, pkh-pendamping, dinas); boleh diulang. Bawaan: semua peran.") var role: [String] = []
        @Option(help: "Kota (kode Kemendagri, mis. 33.74); bawaan: satu-satunya kota di tabel wilayah.") var kota: String?

        func run() async throws {
            let form: FormDefinition
            do {
                form = try XLSFormFile.read(URL(fileURLWithPath: file))
            } catch {
                switch error {
                case .workbook(let problem):
                    store.fail(store.text("\(file) bukan buku kerja XLSX yang terbaca (\(problem.detail)). Simpan sebagai .xlsx.",
                                          "\(file) is not a readable XLSX workbook (\(problem.detail)). Save it as .xlsx."))
                case .form(let problem):
                    store.fail(store.text("Kuesioner ditolak, tidak ada yang diterbitkan. \(problem.text(.id))",
                                          "Questionnaire refused, nothing published. \(problem.text(.en))"))
                }
            }
            var roles = Set<AgentRole>()
            for name in role {
                guard let parsed = AgentRole(rawValue: name) else {
                    store.fail(store.text("--role \"\(Grammar.shown(name))\" bukan peran; pilih: \(AgentRole.allCases.map(\.rawValue).joined(separator: ", ")).",
                                          "--role \"\(Grammar.shown(name))\" is not a role; choose: \(AgentRole.allCases.map(\.rawValue).joined(separator: ", "))."))
                }
                roles.insert(parsed)
            }
            try await store.withStore { server in
                let kota = try await HolidayCommand.kota(kota, server: server, store: store)
                var audience = kota
                if let kecamatan {
                    let code = RegionDirectory.dotted(kecamatan.trimmingCharacters(in: .whitespaces)) ?? kecamatan
                    guard try await server.regions().contains(where: { $0.id == code && $0.level == "kecamatan" }), RegionPath.contains(kota, code) else {
                        store.fail(store.text("--kecamatan \"\(Grammar.shown(kecamatan))\" bukan kecamatan di tabel wilayah kota \(kota).",
                                              "--kecamatan \"\(Grammar.shown(kecamatan))\" is not a kecamatan of kota \(kota)'s region table."))
                    }
                    audience = code
                }
                let (outcome, record) = try await server.publishForm(form, audience: audience, roles: roles, now: Clock.now)
                let questions = form.allItems.filter { $0.kind.isAsked }.count
                switch outcome {
                case .published:
                    print(store.text("Kuesioner \(form.formID) versi \(form.version) diterbitkan (\(record.id)): \(questions) pertanyaan, untuk \(audience)\(roles.isEmpty ? "" : " (" + roles.map(\.rawValue).sorted().joined(separator: ", ") + ")"). Laptop menerimanya pada sinkronisasi berikutnya.",
                                     "Questionnaire \(form.formID) version \(form.version) published (\(record.id)): \(questions) questions, for \(audience)\(roles.isEmpty ? "" : " (" + roles.map(\.rawValue).sorted().joined(separator: ", ") + ")"). Laptops receive it at their next sync."))
                case .unchanged:
                    print(store.text("Kuesioner \(form.formID) versi \(form.version) sudah diterbitkan begitu; tidak ada yang berubah.",
                                     "Questionnaire \(form.formID) version \(form.version) is already published so; nothing changed."))
                case .versionTaken:
                    store.fail(store.text("Versi \(form.version) dari \(form.formID) sudah diterbitkan dengan isi lain. Naikkan 'version' di lembar settings, lalu terbitkan lagi.",
                                          "Version \(form.version) of \(form.formID) is already published with other content. Raise 'version' in the settings sheet, then publish again."))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Daftar kuesioner yang diterbitkan dan jumlah jawabannya.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                var rows: [[String]] = []
                let responses = try await server.responsesByForm()
                for form in try await server.forms() {
                    let count = responses[form.id]?.count ?? 0
                    rows.append([form.formID, form.version, form.title, form.audience, form.roles.map(\.rawValue).sorted().joined(separator: ","),
                                 String(count), form.id])
                }
                store.table(rows, whenEmpty: "Belum ada kuesioner. Terbitkan: field-server form add BERKAS.xlsx",
                            "No questionnaires yet. Publish one: field-server form add FILE.xlsx")
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tarik satu versi kuesioner: laptop berhenti menawarkannya; jawaban yang ada tetap.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "form_id kuesioner.") var formID: String
        @Option(help: "Versi yang ditarik.") var version: String

        func run() async throws {
            try await store.withStore { server in
                let id = FormRecord.id(formID: formID, version: version)
                guard try await server.withdrawForm(id, now: Clock.now) else {
                    store.fail(store.text("Tidak ada kuesioner \(formID) versi \(version) yang terbit. Lihat: field-server form list",
                                          "No published questionnaire \(formID) version \(version). See: field-server form list"))
                }
                print(store.text("Kuesioner \(formID) versi \(version) ditarik. Laptop menerimanya pada sinkronisasi berikutnya.",
                                 "Questionnaire \(formID) version \(version) withdrawn. Laptops receive it at their next sync."))
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ekspor jawaban satu kuesioner ke XLSX (satu lembar per repeat) atau CSV (satu berkas per lembar).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "form_id kuesioner.") var formID: String
        @Option(help: "Versi (bawaan: yang terbaru).") var version: String?
        @Option(help: "Berkas tujuan, .xlsx atau .csv.") var out: String

        func run() async throws {
            try await store.withStore { server in
                let versions = try await server.forms(includeRemoved: true).filter { $0.formID == formID }
                guard let record = version.map({ wanted in versions.first { $0.version == wanted } }) ?? versions.max(by: { FormVersions.less($0.version, $1.version) }),
                      let form = record.form else {
                    store.fail(store.text("Tidak ada kuesioner \(formID)\(version.map { " versi \($0)" } ?? ""). Lihat: field-server form list",
                                          "No questionnaire \(formID)\(version.map { " version \($0)" } ?? ""). See: field-server form list"))
                }
                let responses = try await server.formResponses(formID: formID, version: record.version)
                let files = try TableExport.write(FormTable.sheets(form, responses: responses), to: out)
                print(store.text("\(responses.count) jawaban \(formID) versi \(record.version) diekspor: \(files.joined(separator: ", ")).",
                                 "\(responses.count) responses to \(formID) version \(record.version) exported: \(files.joined(separator: ", "))."))
            }
        }
    }
}
