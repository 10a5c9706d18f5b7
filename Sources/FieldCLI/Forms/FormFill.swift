import FieldModels
import Foundation
import Imaging
import LocalStore
import SyncEngine

/// Filling in one response: the answers so far, the photos its `image` questions took, and the
/// two ways in (a JSON file, or question by question at the terminal).
struct FormFill {
    let form: LaptopForm
    let today: CivilDate
    var answers: FormAnswers
    var photos: [(photo: PreparedPhoto, info: AttachmentInfo)] = []
    var generator = SystemRandomNumberGenerator()

    var plan: FormPlan { form.plan }

    init(form: LaptopForm, answers: FormAnswers, today: CivilDate) {
        self.form = form
        self.answers = answers
        self.today = today
    }

    /// A label in the agent's language, or the question's name.
    func label(_ item: FormItem) -> String { (item.label ?? item.hint).map { $0.text } ?? item.name }

    /// `raw` as the answer to `name`: numbers picked from a list become its codes, a photo file
    /// becomes its content address; then normalised and checked. Returns the problem, if any.
    mutating func answer(_ name: String, _ raw: String, instance: String?) -> LocalizedText? {
        guard let item = plan.item(name) else { return LocalizedText(id: "tidak ada pertanyaan \(name)", en: "there is no question \(name)") }
        var text = raw.trimmingWhitespace()
        if item.kind == .selectOne || item.kind == .selectMultiple {
            let choices = plan.choices(name, in: answers, instance: instance, today: today)
            text = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { word in
                Int(word).flatMap { $0 >= 1 && $0 <= choices.count ? choices[$0 - 1].name : nil } ?? String(word)
            }.joined(separator: " ")
        }
        if item.kind == .image, !text.isEmpty, !Grammar.isDigest(text) {
            do {
                let photo = try PhotoIntake.prepare(try PhotoFile.read(text))
                photos.append((photo, AttachmentInfo(digest: photo.digest, size: photo.bytes.count, caption: label(item), takenAt: photo.takenAt)))
                text = photo.digest
            } catch let error as PhotoError {
                return error.text
            } catch let error as CLIError {
                return error.text
            } catch {
                return LocalizedText(id: "foto tidak terbaca", en: "the photo cannot be read")
            }
        }
        let value = plan.normalised(name, text)
        if let problem = plan.problem(of: name, value, in: answers, instance: instance, today: today) { return problem }
        answers.set(name, value, instance: instance)
        plan.calculate(&answers, today: today)
        return nil
    }

    // MARK: A JSON file

    /// Applies `{"question": value, "repeat": [{…}, …] or {"INSTANCE": {…}}}`; refuses the whole
    /// file, naming each question, when any answer does not stand.
    mutating func apply(json data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError("Berkas jawaban harus objek JSON: {\"pertanyaan\": \"jawaban\", …}.",
                           "The answers file must be a JSON object: {\"question\": \"answer\", …}.", field: "answers")
        }
        var problems: [String] = [], problemsEn: [String] = []
        func note(_ name: String, _ instance: String?, _ text: LocalizedText) {
            let place = instance.map { "\(name) (\($0))" } ?? name
            problems.append("  - \(place): \(text.id)")
            problemsEn.append("  - \(place): \(text.en)")
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let item = plan.item(key) else {
                note(key, nil, LocalizedText(id: "tidak ada di kuesioner ini", en: "is not in this questionnaire"))
                continue
            }
            if item.kind == .repeat {
                var entries: [(String?, [String: Any])] = []
                if let list = value as? [[String: Any]] { entries = list.map { (nil, $0) } }
                else if let byID = value as? [String: [String: Any]] { entries = byID.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
                else { note(key, nil, LocalizedText(id: "repeat ditulis sebagai daftar objek", en: "a repeat is written as a list of objects")); continue }
                for (given, fields) in entries {
                    let id: String
                    if let given {
                        guard answers.instances[key]?.contains(given) == true else {
                            note(key, given, LocalizedText(id: "tidak ada isian repeat ini", en: "no such repeat instance")); continue
                        }
                        id = given
                    } else {
                        id = answers.addInstance(to: key, using: &generator)
                        plan.applyDefaults(&answers, instance: key + "." + id, today: today)
                    }
                    for (name, inner) in fields.sorted(by: { $0.key < $1.key }) {
                        guard plan.repeatOf(name) == key else {
                            note(name, key, LocalizedText(id: "bukan pertanyaan di repeat \(key)", en: "is not a question of repeat \(key)")); continue
                        }
                        if let problem = answer(name, Self.text(inner), instance: key + "." + id) { note(name, key + "." + id, problem) }
                    }
                }
                continue
            }
            guard item.kind.isAsked, plan.repeatOf(key) == nil else {
                note(key, nil, item.kind.isAsked ? LocalizedText(id: "ada di dalam repeat; tulis di bawah repeat-nya", en: "lies inside a repeat; write it under its repeat")
                                                 : LocalizedText(id: "\(item.kind.rawValue) tidak dijawab", en: "a \(item.kind.rawValue) is not answered"))
                continue
            }
            if let problem = answer(key, Self.text(value), instance: nil) { note(key, nil, problem) }
        }
        guard problems.isEmpty else {
            throw CLIError("Jawaban belum disimpan. Perbaiki dulu:\n" + problems.joined(separator: "\n"),
                           "Nothing was saved. Fix these first:\n" + problemsEn.joined(separator: "\n"), field: "answers")
        }
    }

    static func text(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as NSNumber: return FormValue.number(number.doubleValue).string
        case let list as [Any]: return list.map(text).joined(separator: " ")
        default: return ""
        }
    }
}

/// A step of the questionnaire at the terminal: a question (or note), or "add another?" after a
/// repeat's instances.
enum FillStep: Hashable {
    case question(String, instance: String?)
    case more(String)
}

extension FormFill {
    /// The steps the current answers lead through: relevant questions and notes in order,
    /// each repeat's instances, then its "add another?".
    func steps() -> [FillStep] {
        var out: [FillStep] = []
        func walk(_ items: [FormItem], _ instance: String?) {
            for item in items where plan.isRelevant(item.name, in: answers, instance: instance, today: today) {
                switch item.kind {
                case .group: walk(item.children, instance)
                case .repeat:
                    for id in answers.instances[item.name] ?? [] { walk(item.children, item.name + "." + id) }
                    out.append(.more(item.name))
                case .calculate: continue
                default: out.append(.question(item.name, instance: instance))
                }
            }
        }
        walk(plan.form.items, nil)
        return out
    }

    /// Asks question after question, reading one line each from `input`, until the last step or
    /// the end of input. `<` goes back, Enter keeps the answer shown, `-` clears it.
    mutating func ask(input: () -> String?, say: (String) -> Void) {
        var history: [FillStep] = []
        var current = steps().first
        while let step = current {
            let list = steps()
            let position = (list.firstIndex(of: step) ?? 0) + 1
            func next() -> FillStep? {
                let fresh = steps()
                guard let index = fresh.firstIndex(of: step), index + 1 < fresh.count else { return nil }
                return fresh[index + 1]
            }
            switch step {
            case .more(let name):
                let item = plan.item(name)!
                let count = answers.instances[name]?.count ?? 0
                say(L("[\(position)/\(list.count)] Tambah \(label(item)) (sudah \(count))? (y/t, < kembali)",
                      "[\(position)/\(list.count)] Add \(label(item)) (\(count) so far)? (y/n, < back)"))
                guard let line = input()?.trimmingWhitespace().lowercased() else { return }
                if line == "<" { current = history.popLast() ?? step; continue }
                history.append(step)
                if ["y", "ya", "yes"].contains(line) {
                    let id = answers.addInstance(to: name, using: &generator)
                    plan.applyDefaults(&answers, instance: name + "." + id, today: today)
                    current = steps().first { if case .question(_, let instance) = $0 { return instance == name + "." + id } else { return false } } ?? step
                } else {
                    current = next()
                }
            case .question(let name, let instance):
                let item = plan.item(name)!
                let required = plan.isRequired(name, in: answers, instance: instance, today: today)
                let shown = answers.answer(name, instance: instance)
                var prompt = "[\(position)/\(list.count)] \(label(item))" + (required ? L(" (wajib)", " (required)") : "")
                if let hint = item.hint, item.label != nil { prompt += "\n    " + hint.text }
                if item.kind == .note {
                    say(prompt + L("  (Enter lanjut, < kembali)", "  (Enter to go on, < back)"))
                    guard let line = input() else { return }
                    if line.trimmingWhitespace() == "<" { current = history.popLast() ?? step; continue }
                    history.append(step)
                    current = next()
                    continue
                }
                let choices = plan.choices(name, in: answers, instance: instance, today: today)
                for (index, choice) in choices.enumerated() { prompt += "\n    \(index + 1)) \(choice.label.text) [\(choice.name)]" }
                if !shown.isEmpty { prompt += "\n    " + L("Jawaban sekarang: ", "Current answer: ") + shown }
                say(prompt)
                guard let line = input()?.trimmingWhitespace() else { return }
                if line == "<" { current = history.popLast() ?? step; continue }
                if line.isEmpty || line == "-" {
                    if line == "-" { answers.set(name, "", instance: instance); plan.calculate(&answers, today: today) }
                    if answers.answer(name, instance: instance).isEmpty && required {
                        say(L("  ! Wajib dijawab.", "  ! An answer is required."))
                        continue
                    }
                } else if let problem = answer(name, line, instance: instance) {
                    say("  ! " + problem.text)
                    continue
                }
                history.append(step)
                current = next()
            }
        }
    }
}
