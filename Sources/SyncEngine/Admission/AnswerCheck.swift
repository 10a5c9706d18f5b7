import FieldModels

/// The questionnaire half of the door: an answer in a response must be a question of the form
/// version the response names, in the right place (top level or inside its repeat), and a value
/// that question can hold (its type; one of its list's choices). What depends on other answers
/// (`relevant`, `constraint`, `required`, `choice_filter`) is not judged here: answers merge from
/// several laptops, and only the merged response can be judged as a whole.
///
/// A receiver that does not hold the form (or no longer can read it) lets the answers pass: it
/// cannot judge them, and refusing would strand a laptop's work.
///
/// ```swift
/// try AnswerCheck.check(batch.changes, storedForm: { responseID in … }, form: { formID in … })
/// ```
public enum AnswerCheck {
    /// The responses whose answers `changes` carry but whose form they do not name: the form id
    /// each holds must be looked up (`storedForm`).
    public static func responsesToLookUp(_ changes: [Change]) -> Set<String> {
        let named = Set(changes.filter { $0.recordType == .response && $0.field == "form" }.map(\.recordID))
        return Set(changes.filter { $0.recordType == .response && FormResponse.isAnswerField($0.field) }.map(\.recordID)).subtracting(named)
    }

    /// The form ids the answers of `changes` are judged against, given the stored ones.
    public static func formsNeeded(_ changes: [Change], stored: [String: String]) -> Set<String> {
        var out = Set(stored.values)
        for change in changes where change.recordType == .response && change.field == "form" {
            if let id = change.value.text { out.insert(id) }
        }
        return out
    }

    /// Refuses the first answer its form does not allow. `storedForm` gives the form id a
    /// response already holds; `form` a form record (the batch's own form changes come first).
    public static func check(_ changes: [Change], storedForm: (String) throws -> String?, form: (String) throws -> FormRecord?) throws {
        let answers = changes.filter { $0.recordType == .response && FormResponse.isAnswerField($0.field) }
        guard !answers.isEmpty else { return }
        var named: [String: String] = [:]
        for change in changes where change.recordType == .response && change.field == "form" {
            if let id = change.value.text { named[change.recordID] = id }
        }
        var batchForms: [String: FieldMap] = [:]
        for change in changes where change.recordType == .form { batchForms[change.recordID, default: [:]][change.field] = change.value }
        var plans: [String: FormPlan?] = [:]
        func plan(_ formID: String) throws -> FormPlan? {
            if let known = plans[formID] { return known }
            var record = try form(formID)
            if let fields = batchForms[formID] {
                record = FormRecord(id: formID, fields: (record?.fields ?? [:]).merging(fields) { _, new in new })
            }
            let made = record?.form.flatMap { try? FormPlan($0) }
            plans[formID] = made
            return made
        }
        for change in answers {
            guard let formID = try named[change.recordID] ?? storedForm(change.recordID), let plan = try plan(formID) else { continue }
            if let problem = problem(change, plan) {
                throw Refusal(problem.code, change: change, field: change.field, id: "\(problem.text.id).", en: "\(problem.text.en).")
            }
        }
    }

    static func problem(_ change: Change, _ plan: FormPlan) -> (code: ErrorCode, text: LocalizedText)? {
        let parts = change.field.dropFirst(2).split(separator: ".").map(String.init)
        let name = parts.last ?? "", repeatName = parts.count == 3 ? parts[0] : nil
        let form = "\(plan.form.formID) v\(plan.form.version)"
        guard let item = plan.item(name), item.kind.holdsValue else {
            return (.unknownField, LocalizedText(id: "kuesioner \(form) tidak punya pertanyaan '\(name)'", en: "questionnaire \(form) has no question '\(name)'"))
        }
        guard plan.repeatOf(name) == repeatName else {
            return (.unknownField, LocalizedText(id: "pertanyaan '\(name)' \(plan.repeatOf(name).map { "ada di repeat \($0)" } ?? "tidak di dalam repeat") pada kuesioner \(form)",
                                                 en: "question '\(name)' is \(plan.repeatOf(name).map { "inside repeat \($0)" } ?? "not inside a repeat") in questionnaire \(form)"))
        }
        guard let value = change.value.text, !value.isEmpty, item.kind != .calculate else { return nil }
        guard let problem = plan.typeProblem(of: name, value) else { return nil }
        return (.badValue, LocalizedText(id: "jawaban '\(name)' pada \(form): \(problem.id)", en: "answer '\(name)' of \(form): \(problem.en)"))
    }
}
