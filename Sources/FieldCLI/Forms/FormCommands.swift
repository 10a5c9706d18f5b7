import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import Spreadsheet

/// `field form …`: questionnaires the Dinas publishes, filled in offline.
struct FormCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "form",
            abstract: L("Kuesioner dari Dinas Sosial: isi tanpa sinyal.", "Questionnaires from the Dinas Sosial: fill them in offline."),
            discussion: L("""
                Dinas menulis kuesioner (XLSForm) dan menerbitkannya di server; laptop menerimanya lewat field sync.
                  field form list
                  field form fill spm_lansia --person P-7KQ2           (tanya satu per satu; < kembali, - kosongkan)
                  field form fill spm_lansia --person P-7KQ2 --answers jawaban.json
                  field form fill --response J-4M2X --answers tambahan.json   (lanjutkan jawaban yang ada)
                  field form show J-4M2X
                Jawaban disinkronkan seperti data lain: dua petugas yang mengisi pertanyaan berbeda digabung;
                jawaban berbeda untuk pertanyaan yang sama disimpan keduanya sebagai konflik.
                """, """
                The Dinas writes questionnaires (XLSForm) and publishes them on the server; laptops receive them by field sync.
                  field form list
                  field form fill spm_lansia --person P-7KQ2           (asks one by one; < back, - clears)
                  field form fill spm_lansia --person P-7KQ2 --answers answers.json
                  field form fill --response J-4M2X --answers more.json   (continue a response)
                  field form show J-4M2X
                Responses sync like other records: two agents answering different questions are merged;
                different answers to one question are both kept as a conflict.
                """),
            subcommands: [List.self, Fill.self, Show.self, Export.self])
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Kuesioner yang bisa diisi di laptop ini.", "The questionnaires this laptop can fill in."))
        }
        @OptionGroup var global: GlobalOptions
        @Flag(help: ArgumentHelp(L("Tampilkan juga versi lama dan yang tidak bisa diisi, dengan alasannya.",
                                   "Also show older versions and those that cannot be filled in, with why."))) var all = false

        func run() throws {
            try global.withReplica { replica, console in
                let held = try LaptopForms.all(replica)
                var newest: [String: String] = [:]
                for (record, problem) in held where problem == nil {
                    if newest[record.formID].map({ FormVersions.less($0, record.version) }) ?? true { newest[record.formID] = record.version }
                }
                struct Row: Encodable { var id: String; var formID: String; var version: String; var title: String; var usable: Bool; var problem: String? }
                var rows: [Row] = []
                for (record, problem) in held where all || newest[record.formID] == record.version {
                    let title = record.form?.title.text ?? record.title
                    rows.append(Row(id: record.id, formID: record.formID, version: record.version, title: title, usable: problem == nil, problem: problem?.text))
                    console.line("\(record.formID)  v\(record.version)  \(title)" + (problem.map { L("  — TIDAK BISA DIISI: ", "  — CANNOT BE FILLED IN: ") + $0.text } ?? ""))
                }
                if rows.isEmpty {
                    console.say("Belum ada kuesioner di laptop ini. Kuesioner dari Dinas datang lewat field sync.",
                                "No questionnaires on this laptop yet. The Dinas's questionnaires arrive by field sync.")
                }
                try console.emit(rows)
            }
        }
    }

    struct Fill: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Isi kuesioner untuk satu rumah tangga atau orang, atau lanjutkan jawaban.",
                                             "Fill in a questionnaire for one household or person, or continue a response."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("form_id kuesioner (versi terbaru) atau id F-….", "The questionnaire's form_id (newest version) or its F-… id.")))
        var form: String?
        @Option(help: ArgumentHelp(L("Rumah tangga yang ditanya.", "The household asked."), valueName: "H-…")) var household: String?
        @Option(help: ArgumentHelp(L("Orang yang ditanya.", "The person asked."), valueName: "P-…")) var person: String?
        @Option(help: ArgumentHelp(L("Lanjutkan jawaban ini.", "Continue this response."), valueName: "J-…")) var response: String?
        @Option(help: ArgumentHelp(L("Jawaban dari berkas JSON, tanpa bertanya.", "Answers from a JSON file, without asking."), valueName: "FILE"))
        var answers: String?

        func run() throws {
            try global.withReplica { replica, console in
                let today = CivilDate.jakartaDay()
                var record: FormResponse
                let laptopForm: LaptopForm
                if let response {
                    record = try replica.existing(FormResponse.self, id: try replica.resolveID(response, type: .response)).record
                    laptopForm = try LaptopForms.of(record, replica)
                } else {
                    guard let form else {
                        throw CLIError("Sebutkan kuesionernya (field form list) atau --response J-….",
                                       "Name the questionnaire (field form list) or --response J-….", field: "form")
                    }
                    laptopForm = try LaptopForms.find(form, replica)
                    record = try Self.newResponse(laptopForm.record, household: household, person: person, replica: replica)
                    record.startedOn = today
                }
                var fill = FormFill(form: laptopForm, answers: record.answers, today: today)
                if response == nil { fill.plan.applyDefaults(&fill.answers, today: today) }
                if let answers {
                    guard let data = FileManager.default.contents(atPath: answers) else {
                        throw CLIError("Berkas '\(answers)' tidak ada.", "File '\(answers)' does not exist.", field: "answers")
                    }
                    try fill.apply(json: data)
                } else {
                    console.say("\(laptopForm.title) (\(laptopForm.record.formID) v\(laptopForm.record.version)). Enter = biarkan, - = kosongkan, < = kembali.",
                                "\(laptopForm.title) (\(laptopForm.record.formID) v\(laptopForm.record.version)). Enter = keep, - = clear, < = back.")
                    // Answers piped in (a script) are echoed, so its log reads as the dialog did.
                    let echo = !Terminal.isInteractive
                    fill.ask(input: {
                        let line = readLine()
                        if echo, let line { console.line("> " + line) }
                        return line
                    }, say: { console.line($0) })
                }
                fill.plan.clearIrrelevant(&fill.answers, today: today)
                fill.plan.calculate(&fill.answers, today: today)
                record.answers = fill.answers
                let issues = fill.plan.issues(fill.answers, today: today)
                record.completedOn = issues.isEmpty ? (record.completedOn ?? today) : nil
                record.photos.formUnion(fill.photos.map(\.photo.digest))
                for (photo, info) in fill.photos { _ = try replica.attach(photo.bytes, info: info, saving: []) }
                let saved = try replica.save([record])
                console.say("Jawaban \(record.id) disimpan" + (issues.isEmpty ? " (lengkap)." : ", belum lengkap:"),
                            "Response \(record.id) saved" + (issues.isEmpty ? " (complete)." : ", not complete yet:"))
                for issue in issues { console.line("  - \(issue.instance.map { "\(issue.question) (\($0))" } ?? issue.question): \(issue.text.text)") }
                struct Out: Encodable { var response: String; var form: String; var version: String; var complete: Bool; var changes: Int; var missing: [String] }
                try console.emit(Out(response: record.id, form: record.formID, version: record.formVersion, complete: issues.isEmpty,
                                     changes: saved.changes.count, missing: issues.map(\.question)))
            }
        }

        static func newResponse(_ form: FormRecord, household: String?, person: String?, replica: LocalReplica) throws -> FormResponse {
            var householdID: String?, personID: String?, kelurahan = ""
            if let person {
                let found = try replica.existing(Person.self, id: try replica.resolveID(person, type: .person)).record
                personID = found.id
                kelurahan = found.kelurahanID
                householdID = found.householdID.isEmpty ? nil : found.householdID
            }
            if let household {
                let found = try replica.existing(Household.self, id: try replica.resolveID(household, type: .household)).record
                householdID = found.id
                kelurahan = found.kelurahanID
            }
            guard householdID != nil || personID != nil else {
                throw CLIError("Sebutkan siapa yang ditanya: --household H-… atau --person P-….",
                               "Say who is asked: --household H-… or --person P-….", field: "household")
            }
            return FormResponse(form: form, kelurahan: kelurahan, household: householdID, person: personID, agent: replica.agent.id)
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan satu jawaban kuesioner, dengan konfliknya.", "Show one questionnaire response, with its conflicts."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument var response: String

        func run() throws {
            try global.withReplica { replica, console in
                let stored = try replica.existing(FormResponse.self, id: try replica.resolveID(response, type: .response))
                let record = stored.record
                let form = try LaptopForms.of(record, replica)
                let fill = FormFill(form: form, answers: record.answers, today: CivilDate.jakartaDay())
                console.line("\(record.id)  \(form.title) (\(record.formID) v\(record.formVersion))  \(record.household ?? "") \(record.person ?? "")")
                struct Answer: Encodable { var question: String; var instance: String?; var label: String; var value: String; var conflict: Bool }
                var out: [Answer] = []
                let conflicted = Set(stored.conflicts.map(\.field))
                for step in fill.steps() {
                    guard case .question(let name, let instance) = step, let item = form.plan.item(name), item.kind != .note else { continue }
                    let value = record.answers.answer(name, instance: instance)
                    let field = "a." + (instance.map { $0 + "." } ?? "") + name
                    out.append(Answer(question: name, instance: instance, label: fill.label(item), value: value, conflict: conflicted.contains(field)))
                    console.line("  \(fill.label(item))\(instance.map { " [\($0)]" } ?? ""): \(value.isEmpty ? "—" : value)"
                                 + (conflicted.contains(field) ? L("  (KONFLIK: lihat field conflicts)", "  (CONFLICT: see field conflicts)") : ""))
                }
                try console.emit(out)
            }
        }
    }

    struct Export: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Ekspor jawaban satu kuesioner di wilayah Anda ke XLSX atau CSV.",
                                             "Export the responses to one questionnaire in your area to XLSX or CSV."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument var form: String
        @Option(help: ArgumentHelp(L("Berkas tujuan, .xlsx atau .csv.", "Output file, .xlsx or .csv."))) var out: String

        func run() throws {
            try global.withReplica { replica, console in
                let chosen = try LaptopForms.find(form, replica)
                let responses = try replica.records(FormResponse.self).map(\.record).filter { $0.form == chosen.record.id }
                let files = try TableExport.write(FormTable.sheets(chosen.plan.form, responses: responses), to: out)
                console.say("\(responses.count) jawaban diekspor: \(files.joined(separator: ", ")).", "\(responses.count) responses exported: \(files.joined(separator: ", ")).")
            }
        }
    }
}
