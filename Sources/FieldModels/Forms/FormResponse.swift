/// One filled-in questionnaire: a record whose questions are its fields, so that two agents
/// answering different questions of one response merge, and one question answered two ways is
/// a conflict kept for a person to settle, as for every other record.
///
/// Fields: `form` (the form record, hence its id and version), `household` and/or `person` it is
/// about, `agent`, `kelurahan`, the dates; an answer is `a.<question>`, and inside a repeat
/// `a.<repeat>.<instance>.<question>`, where each instance is an element of the set `instances`
/// (`instances/<repeat>.<instance>`), so instances added on two laptops both survive.
public struct FormResponse: FieldRecord, Hashable {
    public static let recordType = RecordType.response

    public var id: String
    public var form: String
    public var formID: String
    public var formVersion: String
    public var household: String?
    public var person: String?
    public var agent: String?
    public var kelurahan: String
    public var movedTo: String?
    public var startedOn: CivilDate?
    public var completedOn: CivilDate?
    public var answers: FormAnswers
    /// Photos the answers of `image` questions name (content addresses), so they sync.
    public var photos: Set<String> = []

    public init(id: String = RecordID.make(.response), form: FormRecord, kelurahan: String, household: String?, person: String?, agent: String?) {
        self.id = id
        self.form = form.id
        formID = form.formID
        formVersion = form.version
        self.kelurahan = kelurahan
        self.household = household
        self.person = person
        self.agent = agent
        answers = FormAnswers()
    }

    public init(id: String, fields: FieldMap) {
        self.id = id
        form = fields.string("form")
        formID = fields.string("formID")
        formVersion = fields.string("formVersion")
        household = fields.optionalString("household")
        person = fields.optionalString("person")
        agent = fields.optionalString("agent")
        kelurahan = fields.string("kelurahan")
        movedTo = fields.optionalString("movedTo")
        startedOn = fields["startedOn"]?.date
        completedOn = fields["completedOn"]?.date
        answers = FormAnswers(fields: fields)
        photos = fields.setElements("photos")
    }

    public var area: String { kelurahan }

    public var fields: FieldMap {
        var out: FieldMap = ["form": .text(form), "formID": .text(formID), "formVersion": .text(formVersion), "household": household.fieldValue,
                             "person": person.fieldValue, "agent": agent.fieldValue, "kelurahan": .text(kelurahan),
                             "startedOn": FieldValue(startedOn), "completedOn": FieldValue(completedOn)]
        if let movedTo { out["movedTo"] = .text(movedTo) }
        out.merge(answers.fields) { _, answer in answer }
        out.setElements("photos", photos)
        return out
    }

    /// Whether `field` holds an answer (`a.…`).
    public static func isAnswerField(_ field: String) -> Bool { field.hasPrefix("a.") }

    /// The spec of an answer field, or nil when `field` is not one: `a.<name>` or
    /// `a.<repeat>.<instance>.<name>`, names as XLSForm's, instances 1–16 letters and digits.
    public static func answerSpec(_ field: String) -> FieldSpec? {
        guard isAnswerField(field) else { return nil }
        let parts = field.dropFirst(2).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where FormNames.isValid(parts[0]): return .notes(FormAnswers.maxAnswerLength)
        case 3 where FormNames.isValid(parts[0]) && FormAnswers.isInstanceID(parts[1]) && FormNames.isValid(parts[2]):
            return .notes(FormAnswers.maxAnswerLength)
        default: return nil
        }
    }

    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !Grammar.isRecordID(form, type: .form) {
            issues.append(.error("form", "form.required", id: "Jawaban harus menyebut kuesionernya.", en: "A response must name its questionnaire."))
        }
        if household == nil && person == nil {
            issues.append(.error("household", "subject.required", id: "Jawaban kuesioner menyangkut satu rumah tangga atau satu orang: --household atau --person.",
                                 en: "A questionnaire response concerns one household or one person: --household or --person."))
        }
        if let issue = CommonRules.required(kelurahan, field: "kelurahan", label: LocalizedText(id: "Kelurahan", en: "Kelurahan")) {
            issues.append(issue)
        }
        return issues
    }
}

/// The answers of a response: top-level ones by question name, and those of each repeat
/// instance. A cleared answer is kept as empty text, so clearing it is a change that syncs.
public struct FormAnswers: Sendable, Hashable {
    public static let maxAnswerLength = 4000

    /// Question name → answer (top level).
    public var values: [String: String] = [:]
    /// Repeat name → its instances' ids, in order (ids sort in the order they were added).
    public var instances: [String: [String]] = [:]
    /// `repeat.instance` → question name → answer.
    public var repeated: [String: [String: String]] = [:]
    /// Instances once present and removed since (written as `false`, so the removal syncs).
    public var removedInstances: Set<String> = []

    public init() {}

    public init(fields: FieldMap) {
        for (key, value) in fields {
            if key.hasPrefix("instances/") {
                let element = String(key.dropFirst("instances/".count))
                let parts = element.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                if value == .bool(true) { instances[parts[0], default: []].append(parts[1]) } else { removedInstances.insert(element) }
                continue
            }
            guard FormResponse.isAnswerField(key), let text = value.text else { continue }
            let parts = key.dropFirst(2).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 {
                values[parts[0]] = text
            } else if parts.count == 3 {
                repeated[parts[0] + "." + parts[1], default: [:]][parts[2]] = text
            }
        }
        for key in instances.keys { instances[key]?.sort() }
    }

    public var fields: FieldMap {
        var out: FieldMap = [:]
        for (name, value) in values { out["a." + name] = .text(value) }
        for (instance, answers) in repeated {
            for (name, value) in answers { out["a." + instance + "." + name] = .text(value) }
        }
        for element in removedInstances { out["instances/" + element] = .bool(false) }
        for (name, ids) in instances {
            for id in ids { out["instances/" + name + "." + id] = .bool(true) }
        }
        return out
    }

    /// The answer to `name`, in `instance` (`repeat.id`) when given.
    public func answer(_ name: String, instance: String? = nil) -> String {
        (instance.map { repeated[$0]?[name] } ?? values[name]) ?? ""
    }

    public mutating func set(_ name: String, _ value: String, instance: String? = nil) {
        if let instance { repeated[instance, default: [:]][name] = value } else { values[name] = value }
    }

    /// Adds an instance to `repeatName`; its id sorts after the ones there (a 2-digit sequence
    /// and random letters, so two laptops adding one each keep both).
    public mutating func addInstance<G: RandomNumberGenerator>(to repeatName: String, using generator: inout G) -> String {
        let existing = instances[repeatName] ?? []
        let next = (existing.compactMap { Int($0.prefix(2)) }.max() ?? 0) + 1
        var id = String(format2: min(next, 99))
        for _ in 0..<4 { id.append(RecordID.alphabet[Int(generator.next(upperBound: UInt32(RecordID.alphabet.count)))]) }
        instances[repeatName, default: []].append(id)
        return id
    }

    public mutating func removeInstance(_ id: String, of repeatName: String) {
        instances[repeatName]?.removeAll { $0 == id }
        removedInstances.insert(repeatName + "." + id)
        for name in (repeated[repeatName + "." + id] ?? [:]).keys { repeated[repeatName + "." + id]?[name] = "" }
    }

    static func isInstanceID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...16).contains(bytes.count) && bytes.allSatisfy(Grammar.isAlphanumeric)
    }
}
