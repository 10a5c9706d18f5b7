import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// `/dinas/formulir`: the questionnaires published, with how many responses have come back, and
/// each one's responses as the export shows them (`FormTable`: the form's own column names).
extension DinasPages {
    func addForms(to router: Router<SyncRequestContext>) {
        router.get("/dinas/formulir") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            return try await self.formsPage(session, language: self.language(request))
        }
        router.get("/dinas/formulir/:id") { request, context in
            guard let session = await self.session(request) else { return Self.toLogin }
            let language = self.language(request)
            guard let id = context.parameters.get("id"), let form = try await self.reads.forms(includeRemoved: true).first(where: { $0.id == id }),
                  let definition = form.form else {
                return try Self.page("masuk", status: .notFound, await self.frame(session, language: language, title: Self.text(language, "Kuesioner tidak dikenal", "Unknown questionnaire"), menu: ""))
            }
            let sheets = FormTable.sheets(definition, responses: try await self.reads.formResponses(formID: form.formID, version: form.version))
            let main = sheets[0].rows
            let title = "\(Self.text(language, "Jawaban kuesioner", "Responses to")) \(form.formID) v\(form.version)"
            return try Self.page("formulir-jawaban", status: .ok, await self.frame(session, language: language, title: title, menu: "menuFormulir").merging([
                "id": form.id, "kolom": main[0], "baris": main.dropFirst().map { ["sel": $0] },
                "lembar": sheets.map { ["nama": $0.name] },
                "ringkasan": Self.text(language, "\(main.count - 1) jawaban · \(definition.title.id)", "\(main.count - 1) responses · \(definition.title.en)"),
            ]) { $1 })
        }
    }

    private func formsPage(_ session: WebSession, language: Language) async throws -> Response {
        var names: [String: String] = [:]
        for region in try await reads.regions() { names[region.id] = region.name }
        var rows: [[String: Any]] = []
        let byForm = try await reads.responsesByForm()
        for form in try await reads.forms() {
            let responses = byForm[form.id] ?? []
            let plan = form.form.flatMap { try? FormPlan($0) }
            let complete = responses.filter { response in plan.map { $0.issues(response.answers, today: today).isEmpty } ?? false }.count
            rows.append([
                "id": form.id, "formID": form.formID, "versi": form.version, "judul": form.form?.title[language] ?? form.title,
                "untuk": (names[form.audience] ?? form.audience) + " · " + (form.roles.isEmpty ? WebText.table(language)["allRoles"]! : form.roles.map(\.rawValue).sorted().joined(separator: ", ")),
                "jawaban": responses.count, "lengkap": complete,
                "terbaru": responses.compactMap { $0.completedOn ?? $0.startedOn }.max()?.description ?? "-",
            ])
        }
        return try Self.page("formulir", status: .ok, await self.frame(session, language: language, title: Self.text(language, "Kuesioner", "Questionnaires"),
                                                               menu: "menuFormulir").merging(["formulir": rows, "adaFormulir": !rows.isEmpty]) { $1 })
    }
}
