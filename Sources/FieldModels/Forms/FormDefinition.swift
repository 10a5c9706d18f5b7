import Foundation

/// A questionnaire the Dinas wrote as an XLSForm, as FieldSync keeps it: the questions in order
/// (groups and repeats holding theirs), the choice lists, and the expressions as written (each
/// parsed again, once, where it is used: `FormPlan`). Travels to laptops as JSON inside a signed
/// form record (`FormRecord`).
public struct FormDefinition: Sendable, Hashable, Codable {
    /// `settings` `form_id`: the same for every version of one questionnaire.
    public var formID: String
    /// `settings` `version`.
    public var version: String
    public var title: LocalizedText
    public var items: [FormItem]
    public var choices: [String: [FormChoice]]

    public init(formID: String, version: String, title: LocalizedText, items: [FormItem], choices: [String: [FormChoice]]) {
        self.formID = formID
        self.version = version
        self.title = title
        self.items = items
        self.choices = choices
    }

    /// Every item, depth first, in the order of the survey sheet.
    public var allItems: [FormItem] {
        var out: [FormItem] = []
        func walk(_ items: [FormItem]) {
            for item in items {
                out.append(item)
                walk(item.children)
            }
        }
        walk(items)
        return out
    }
}

/// One row of the survey sheet: a question, or a group or repeat with the rows inside it.
public struct FormItem: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case text, integer, decimal, date, note, geopoint, image, calculate
        case selectOne = "select_one", selectMultiple = "select_multiple"
        case group, `repeat`

        /// Whether an item of this kind holds an answer (or a calculated value).
        public var holdsValue: Bool { self != .group && self != .repeat && self != .note }
        /// Whether the agent answers it (a calculation is computed, a note only shown).
        public var isAsked: Bool { holdsValue && self != .calculate }
    }

    public var kind: Kind
    public var name: String
    public var label: LocalizedText?
    public var hint: LocalizedText?
    /// The choice list of a `select_one`/`select_multiple`.
    public var list: String?
    /// Expressions as written (`required` normalised: `yes` is `true()`).
    public var required: String?
    public var relevant: String?
    public var constraint: String?
    public var constraintMessage: LocalizedText?
    public var calculation: String?
    public var defaultValue: String?
    public var choiceFilter: String?
    /// The row of the survey sheet it came from (1 is the header).
    public var row: Int
    public var children: [FormItem]

    public init(kind: Kind, name: String, row: Int, label: LocalizedText? = nil, children: [FormItem] = []) {
        self.kind = kind
        self.name = name
        self.row = row
        self.label = label
        self.children = children
    }
}

/// One choice of a list: its code (what is stored), its label, and the other columns of its
/// row, which a `choice_filter` may test.
public struct FormChoice: Sendable, Hashable, Codable {
    public var name: String
    public var label: LocalizedText
    public var attributes: [String: String]

    public init(name: String, label: LocalizedText, attributes: [String: String] = [:]) {
        self.name = name
        self.label = label
        self.attributes = attributes
    }
}

/// Why an XLSForm was refused: the sheet, row (1 is the header) and column, and what to do.
public struct FormReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var sheet: String
    public var row: Int?
    public var column: String?
    public var message: LocalizedText

    public init(sheet: String, row: Int? = nil, column: String? = nil, id: String, en: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        message = LocalizedText(id: id, en: en)
    }

    /// Where, then what: `survey baris 7, kolom relevant: …`.
    public func text(_ language: Language) -> String {
        var place = sheet
        if let row { place += language == .en ? " row \(row)" : " baris \(row)" }
        if let column { place += language == .en ? ", column \(column)" : ", kolom \(column)" }
        return place + ": " + message[language]
    }

    public var description: String { text(.en) }
}

/// The order of form versions: by number when both are whole numbers (`9` before `10`), else
/// as text (`2026-2` before `2026-3`).
public enum FormVersions {
    public static func less(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return a.compare(b, options: .numeric) == .orderedAscending
    }
}
