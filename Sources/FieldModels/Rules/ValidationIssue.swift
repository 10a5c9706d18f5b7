/// A finding of a rule about one field. Errors refuse the save; warnings save and flag the record.
public struct ValidationIssue: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// The field the issue is about, as named in the record's `fields` (`nik`, `birthDate`).
    public var field: String
    /// A stable code for tests and scripts, e.g. `nik.length`.
    public var code: String
    /// What is wrong and what to do, in both languages.
    public var text: LocalizedText

    public init(_ severity: Severity, field: String, code: String, id: String, en: String) {
        self.severity = severity
        self.field = field
        self.code = code
        self.text = LocalizedText(id: id, en: en)
    }

    public static func error(_ field: String, _ code: String, id: String, en: String) -> ValidationIssue {
        ValidationIssue(.error, field: field, code: code, id: id, en: en)
    }

    public static func warning(_ field: String, _ code: String, id: String, en: String) -> ValidationIssue {
        ValidationIssue(.warning, field: field, code: code, id: id, en: en)
    }
}

extension Array where Element == ValidationIssue {
    public var errors: [ValidationIssue] { filter { $0.severity == .error } }
    public var warnings: [ValidationIssue] { filter { $0.severity == .warning } }
}

/// What rules may look up beyond the record itself. Time is passed in, never read here.
public struct ValidationContext: Sendable {
    public var today: CivilDate
    /// The kota code of a region path, when the region is known to the replica.
    public var kotaCodeOf: @Sendable (String) -> String?
    /// A person already in the replica, for rules on entries about that person.
    public var person: @Sendable (String) -> Person?
    /// The Kemendagri code of a kelurahan's region path, when the replica knows it.
    public var regionCodeOf: @Sendable (String) -> String?
    /// The locations of a kelurahan's households other than the one named (the second argument).
    public var householdLocations: @Sendable (_ kelurahan: String, _ excluding: String) -> [GeoPoint]
    /// A household named as a family of a group service case, as the replica holds it.
    public var family: @Sendable (String) -> GroupRules.Family?

    public init(today: CivilDate, kotaCodeOf: @escaping @Sendable (String) -> String? = { _ in nil },
                person: @escaping @Sendable (String) -> Person? = { _ in nil },
                regionCodeOf: @escaping @Sendable (String) -> String? = { _ in nil },
                householdLocations: @escaping @Sendable (String, String) -> [GeoPoint] = { _, _ in [] },
                family: @escaping @Sendable (String) -> GroupRules.Family? = { _ in nil }) {
        self.today = today
        self.family = family
        self.kotaCodeOf = kotaCodeOf
        self.person = person
        self.regionCodeOf = regionCodeOf
        self.householdLocations = householdLocations
    }
}

/// Shared small rules: required text, no future dates.
enum CommonRules {
    static func required(_ value: String, field: String, label: LocalizedText) -> ValidationIssue? {
        guard value.trimmingWhitespace().isEmpty else { return nil }
        return .error(field, "\(field).required",
                      id: "\(label.id) wajib diisi (--\(flag(field))).",
                      en: "\(label.en) is required (--\(flag(field))).")
    }

    static func notInFuture(_ date: CivilDate?, field: String, label: LocalizedText, today: CivilDate) -> ValidationIssue? {
        guard let date, date > today else { return nil }
        return .error(field, "\(field).future",
                      id: "\(label.id) \(date) ada di masa depan (hari ini \(today)). Periksa tanggalnya.",
                      en: "\(label.en) \(date) is in the future (today is \(today)). Check the date.")
    }

    /// The CLI flag for a field name: `birthDate` is `--birth-date`.
    static func flag(_ field: String) -> String {
        var out = ""
        for char in field {
            if char.isUppercase { out += "-" + char.lowercased() } else { out.append(char) }
        }
        return out
    }
}
