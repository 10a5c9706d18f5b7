import Foundation

/// A questionnaire ready to be filled: every expression parsed once, and the rules that decide
/// which questions are asked (`relevant`, through every enclosing group), whether an answer
/// stands (its type, its list, `choice_filter`, `constraint`), which are still required, and
/// what the calculations give. The same rules serve the terminal, `--answers` files and checks.
///
/// ```swift
/// let plan = try FormPlan(form)
/// var answers = FormAnswers()
/// plan.problem(of: "umur", "200", in: answers, today: today)   // the constraint's message
/// ```
public struct FormPlan: Sendable {
    public let form: FormDefinition
    private var parsed: [String: Parsed] = [:]
    /// Item name → the names of its enclosing groups and repeats, outermost first.
    private var ancestors: [String: [String]] = [:]
    private var items: [String: FormItem] = [:]

    struct Parsed: Sendable {
        var relevant: FormExpression?
        var constraint: FormExpression?
        var required: FormExpression?
        var calculation: FormExpression?
        var choiceFilter: FormExpression?
    }

    /// Prepares `form`, checking it again as its reader did (a laptop does not take a synced
    /// definition on trust).
    public init(_ form: FormDefinition) throws(FormReadError) {
        try FormChecks.check(form)
        self.form = form
        func walk(_ list: [FormItem], _ path: [String]) throws(FormReadError) {
            for item in list {
                items[item.name] = item
                ancestors[item.name] = path
                func parse(_ source: String?, _ column: String) throws(FormReadError) -> FormExpression? {
                    guard let source else { return nil }
                    do { return try FormExpression.parse(source, columns: column == "choice_filter") } catch {
                        throw FormReadError(sheet: "survey", row: item.row, column: column, id: error.message.id, en: error.message.en)
                    }
                }
                parsed[item.name] = Parsed(relevant: try parse(item.relevant, "relevant"), constraint: try parse(item.constraint, "constraint"),
                                           required: try parse(item.required, "required"), calculation: try parse(item.calculation, "calculation"),
                                           choiceFilter: try parse(item.choiceFilter, "choice_filter"))
                try walk(item.children, path + [item.name])
            }
        }
        try walk(form.items, [])
    }

    public func item(_ name: String) -> FormItem? { items[name] }

    /// The repeat an item lies in, if any.
    public func repeatOf(_ name: String) -> String? {
        ancestors[name]?.last { items[$0]?.kind == .repeat }
    }

    /// Where question `name` is answered: the top level (nil), or each instance (`repeat.id`) of
    /// the repeat it lies in.
    public func places(of name: String, in answers: FormAnswers) -> [String?] {
        guard let repeatName = repeatOf(name) else { return [nil] }
        return (answers.instances[repeatName] ?? []).map { repeatName + "." + $0 }
    }

    /// An answer as expressions read it: a number for `integer`/`decimal`, a date for `date`.
    public func typed(_ name: String, _ raw: String) -> FormValue {
        guard !raw.isEmpty, let kind = items[name]?.kind else { return .string(raw) }
        switch kind {
        case .integer, .decimal: return FormValue.string(raw).number.isNaN ? .string(raw) : .number(FormValue.string(raw).number)
        case .date: return CivilDate(raw).map(FormValue.date) ?? .string(raw)
        default: return .string(raw)
        }
    }

    /// What expressions see: every top-level answer, and those of `instance` (`repeat.id`).
    public func context(_ answers: FormAnswers, instance: String?, today: CivilDate) -> FormContext {
        var values: [String: FormValue] = [:]
        for (name, raw) in answers.values { values[name] = typed(name, raw) }
        if let instance {
            for (name, raw) in answers.repeated[instance] ?? [:] { values[name] = typed(name, raw) }
        }
        return FormContext(answers: values, today: today)
    }

    /// Whether `name` is asked: its own `relevant` and those of every enclosing group and repeat.
    public func isRelevant(_ name: String, in answers: FormAnswers, instance: String?, today: CivilDate) -> Bool {
        let context = context(answers, instance: instance, today: today)
        for step in (ancestors[name] ?? []) + [name] {
            if let rule = parsed[step]?.relevant, !rule.evaluate(in: context).boolean { return false }
        }
        return true
    }

    public func isRequired(_ name: String, in answers: FormAnswers, instance: String?, today: CivilDate) -> Bool {
        guard let rule = parsed[name]?.required else { return false }
        return rule.evaluate(in: context(answers, instance: instance, today: today)).boolean
    }

    /// The choices of a select question that its `choice_filter` lets through.
    public func choices(_ name: String, in answers: FormAnswers, instance: String?, today: CivilDate) -> [FormChoice] {
        guard let item = items[name], let list = item.list else { return [] }
        let all = form.choices[list] ?? []
        guard let filter = parsed[name]?.choiceFilter else { return all }
        var context = context(answers, instance: instance, today: today)
        return all.filter { choice in
            context.choice = choice.attributes.merging(["name": choice.name]) { _, name in name }
            return filter.evaluate(in: context).boolean
        }
    }

    /// `raw` as stored: numbers without stray zeros, a multiple choice in the list's order.
    public func normalised(_ name: String, _ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, let item = items[name] else { return text }
        switch item.kind {
        case .integer, .decimal:
            let number = FormValue.string(text).number
            return number.isNaN ? text : FormValue.number(number).string
        case .date:
            // Typed as the agent writes dates (30-11-2026), kept as YYYY-MM-DD.
            return CivilDate(text)?.description ?? text
        case .selectMultiple:
            let picked = Set(text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
            let order = (form.choices[item.list ?? ""] ?? []).map(\.name)
            return (order.filter(picked.contains) + picked.subtracting(order).sorted()).joined(separator: " ")
        default:
            return text
        }
    }

    /// What is wrong with `raw` as the answer to `name` (already normalised), or nil: its type,
    /// its choices, then its `constraint` (with its message when the form gives one).
    public func problem(of name: String, _ raw: String, in answers: FormAnswers, instance: String? = nil, today: CivilDate) -> LocalizedText? {
        guard let item = items[name] else { return LocalizedText(id: "pertanyaan \(name) tidak ada", en: "no question \(name)") }
        guard !raw.isEmpty else { return nil }
        if let problem = FormAnswerTypes.problem(item, raw, choices: choices(name, in: answers, instance: instance, today: today)) { return problem }
        guard let rule = parsed[name]?.constraint else { return nil }
        var context = context(answers, instance: instance, today: today)
        context.current = typed(name, raw)
        guard !rule.evaluate(in: context).boolean else { return nil }
        return item.constraintMessage ?? LocalizedText(id: "jawaban tidak memenuhi syarat (\(item.constraint ?? ""))",
                                                       en: "the answer does not meet the rule (\(item.constraint ?? ""))")
    }

    /// Whether `raw` has the type of question `name` and lies in its whole choice list (the
    /// `choice_filter` left aside): what a receiver can judge of one answer alone.
    public func typeProblem(of name: String, _ raw: String) -> LocalizedText? {
        guard let item = items[name] else { return LocalizedText(id: "pertanyaan \(name) tidak ada", en: "no question \(name)") }
        return FormAnswerTypes.problem(item, raw, choices: form.choices[item.list ?? ""] ?? [])
    }

    /// Sets every calculation from the answers (in the survey's order; empty where not relevant).
    public func calculate(_ answers: inout FormAnswers, today: CivilDate) {
        for item in form.allItems where item.kind == .calculate {
            guard let rule = parsed[item.name]?.calculation else { continue }
            let instances = places(of: item.name, in: answers)
            for instance in instances {
                let relevant = isRelevant(item.name, in: answers, instance: instance, today: today)
                let value = relevant ? rule.evaluate(in: context(answers, instance: instance, today: today)).string : ""
                let stored = value == "NaN" ? "" : value
                if answers.answer(item.name, instance: instance) != stored { answers.set(item.name, stored, instance: instance) }
            }
        }
    }

    /// Fills the `default` of every unanswered question at the top level (`instance` nil) or in
    /// one new repeat instance (`repeat.id`): what a new response or instance starts with.
    public func applyDefaults(_ answers: inout FormAnswers, instance: String? = nil, today: CivilDate) {
        let repeatName = instance.map { String($0.prefix { $0 != "." }) }
        for item in form.allItems where item.kind.isAsked && repeatOf(item.name) == repeatName {
            guard let value = item.defaultValue, answers.answer(item.name, instance: instance).isEmpty else { continue }
            answers.set(item.name, normalised(item.name, value), instance: instance)
        }
        calculate(&answers, today: today)
    }

    /// Clears the answers of questions the skip logic now leaves out (as ODK does when a form is
    /// saved), so a response holds only what its path through the form asked.
    public func clearIrrelevant(_ answers: inout FormAnswers, today: CivilDate) {
        for item in form.allItems where item.kind.isAsked {
            let instances = places(of: item.name, in: answers)
            for instance in instances where !answers.answer(item.name, instance: instance).isEmpty
                && !isRelevant(item.name, in: answers, instance: instance, today: today) {
                answers.set(item.name, "", instance: instance)
            }
        }
    }

    /// One problem of a whole response: the question, the repeat instance, what is wrong.
    public struct Issue: Sendable, Hashable {
        public var question: String
        public var instance: String?
        public var text: LocalizedText
    }

    /// Every relevant required question left empty and every relevant answer that does not stand.
    public func issues(_ answers: FormAnswers, today: CivilDate) -> [Issue] {
        var out: [Issue] = []
        for item in form.allItems where item.kind.isAsked {
            let instances = places(of: item.name, in: answers)
            for instance in instances where isRelevant(item.name, in: answers, instance: instance, today: today) {
                let raw = answers.answer(item.name, instance: instance)
                if raw.isEmpty {
                    if isRequired(item.name, in: answers, instance: instance, today: today) {
                        out.append(Issue(question: item.name, instance: instance, text: LocalizedText(id: "wajib dijawab", en: "an answer is required")))
                    }
                } else if let problem = problem(of: item.name, raw, in: answers, instance: instance, today: today) {
                    out.append(Issue(question: item.name, instance: instance, text: problem))
                }
            }
        }
        return out
    }
}

/// Whether an answer has its question's type.
enum FormAnswerTypes {
    static func problem(_ item: FormItem, _ raw: String, choices: [FormChoice]) -> LocalizedText? {
        if raw.unicodeScalars.count > FormAnswers.maxAnswerLength {
            return LocalizedText(id: "terlalu panjang (paling banyak \(FormAnswers.maxAnswerLength) karakter)",
                                 en: "too long (at most \(FormAnswers.maxAnswerLength) characters)")
        }
        let names = Set(choices.map(\.name))
        switch item.kind {
        case .integer:
            return Int(raw) == nil ? LocalizedText(id: "harus bilangan bulat, mis. 12", en: "must be a whole number, e.g. 12") : nil
        case .decimal:
            return FormValue.string(raw).number.isNaN ? LocalizedText(id: "harus angka, mis. 12.5", en: "must be a number, e.g. 12.5") : nil
        case .date:
            return CivilDate(raw)?.description == raw ? nil
                : LocalizedText(id: "harus tanggal TTTT-BB-HH, mis. 2026-03-01", en: "must be a date YYYY-MM-DD, e.g. 2026-03-01")
        case .selectOne:
            return names.contains(raw) ? nil : LocalizedText(id: "pilih salah satu: \(choices.map(\.name).joined(separator: ", "))",
                                                            en: "choose one of: \(choices.map(\.name).joined(separator: ", "))")
        case .selectMultiple:
            let picked = raw.split(separator: " ").map(String.init)
            return picked.allSatisfy(names.contains) ? nil : LocalizedText(id: "pilih dari: \(choices.map(\.name).joined(separator: ", "))",
                                                                            en: "choose from: \(choices.map(\.name).joined(separator: ", "))")
        case .geopoint:
            let parts = raw.split(separator: " ").compactMap { Double($0) }
            guard (2...4).contains(parts.count), parts.count == raw.split(separator: " ").count,
                  (-90...90).contains(parts[0]), (-180...180).contains(parts[1]) else {
                return LocalizedText(id: "harus 'lintang bujur', mis. -6.98 110.41", en: "must be 'latitude longitude', e.g. -6.98 110.41")
            }
            return nil
        case .image:
            return Grammar.isDigest(raw) ? nil : LocalizedText(id: "harus foto yang sudah disimpan (SHA-256)", en: "must be a stored photo (SHA-256)")
        case .text, .note, .calculate, .group, .repeat:
            return nil
        }
    }
}
