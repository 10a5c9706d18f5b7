import Foundation

/// A value while an expression is evaluated: XPath 1.0's string, number and boolean, and a
/// date (what `today()` and a `date` question give), which compares and subtracts as days.
public enum FormValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case boolean(Bool)
    case date(CivilDate)

    /// XPath's `number()`: text of digits (with one `.` and a leading `-`) or NaN; a date as
    /// its days since 1970-01-01.
    public var number: Double {
        switch self {
        case .number(let value): return value
        case .boolean(let flag): return flag ? 1 : 0
        case .date(let date): return Double(date.dayNumber)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let body = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
            guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  body.filter({ $0 == "." }).count <= 1, body != "." else { return .nan }
            return Double(trimmed) ?? .nan
        }
    }

    /// XPath's `boolean()`: a number other than 0 and NaN, a non-empty text, any date.
    public var boolean: Bool {
        switch self {
        case .boolean(let flag): flag
        case .number(let value): value != 0 && !value.isNaN
        case .string(let text): !text.isEmpty
        case .date: true
        }
    }

    /// XPath's `string()`: whole numbers without a decimal point, `NaN`, `Infinity`.
    public var string: String {
        switch self {
        case .string(let text): return text
        case .boolean(let flag): return flag ? "true" : "false"
        case .date(let date): return date.description
        case .number(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        }
    }

    /// The value as a date: a date, a `YYYY-MM-DD` text, or a number of days since 1970-01-01.
    public var date: CivilDate? {
        switch self {
        case .date(let date): return date
        case .string(let text): return text.utf8.count == 10 ? CivilDate(text) : nil
        case .number(let value): return value.isFinite ? CivilDate(year: 1970, month: 1, day: 1)!.adding(days: Int(value.rounded(.down))) : nil
        case .boolean: return nil
        }
    }

    public var description: String { string }
}

/// What an expression reads: the answers by question name (already typed: a number for an
/// `integer` or `decimal` answer, a date for a `date` one, text otherwise; empty text when not
/// answered), the answer being checked, and today's date in Jakarta.
public struct FormContext: Sendable {
    public var answers: [String: FormValue]
    public var current: FormValue
    public var today: CivilDate
    /// The choice a `choice_filter` is judging: its `name` and other columns.
    public var choice: [String: String]

    public init(answers: [String: FormValue], current: FormValue = .string(""), today: CivilDate, choice: [String: String] = [:]) {
        self.answers = answers
        self.current = current
        self.today = today
        self.choice = choice
    }
}

extension FormExpression {
    /// The expression's value over `context`. Never fails: what XPath leaves undefined is NaN,
    /// empty text or false, as ODK's engine gives it.
    public func evaluate(in context: FormContext) -> FormValue {
        switch self {
        case .number(let value): return .number(value)
        case .string(let text): return .string(text)
        case .reference(let name): return context.answers[name] ?? .string("")
        case .current: return context.current
        case .column(let name): return .string(context.choice[name] ?? "")
        case .negate(let inner): return .number(-inner.evaluate(in: context).number)
        case .binary(let op, let left, let right):
            switch op {
            case .or: return .boolean(left.evaluate(in: context).boolean || right.evaluate(in: context).boolean)
            case .and: return .boolean(left.evaluate(in: context).boolean && right.evaluate(in: context).boolean)
            default: return Self.apply(op, left.evaluate(in: context), right.evaluate(in: context))
            }
        case .call(let name, let arguments):
            return Self.call(name, arguments, context)
        }
    }

    static func apply(_ op: BinaryOperator, _ a: FormValue, _ b: FormValue) -> FormValue {
        // Beside a date, a `YYYY-MM-DD` text orders as that date (anything else as NaN).
        var x = a.number, y = b.number
        if case .date = a, case .string = b { y = b.date.map { Double($0.dayNumber) } ?? .nan }
        if case .string = a, case .date = b { x = a.date.map { Double($0.dayNumber) } ?? .nan }
        switch op {
        case .equal: return .boolean(equal(a, b))
        case .notEqual: return .boolean(!equal(a, b))
        case .less: return .boolean(x < y)
        case .lessOrEqual: return .boolean(x <= y)
        case .greater: return .boolean(x > y)
        case .greaterOrEqual: return .boolean(x >= y)
        case .plus: return .number(a.number + b.number)
        case .minus: return .number(a.number - b.number)
        case .times: return .number(a.number * b.number)
        case .divide: return .number(a.number / b.number)
        case .modulo: return .number(fmod(a.number, b.number))
        case .and, .or: return .boolean(false) // handled with short-circuit above
        }
    }

    /// XPath 1.0 equality: as booleans if either is one, else as numbers if either is one, else
    /// as dates if either is one (a text that is no date equals no date), else as text.
    static func equal(_ a: FormValue, _ b: FormValue) -> Bool {
        switch (a, b) {
        case (.boolean, _), (_, .boolean): return a.boolean == b.boolean
        case (.number, _), (_, .number): return a.number == b.number
        case (.date, _), (_, .date):
            guard let x = a.date, let y = b.date else { return false }
            return x == y
        default: return a.string == b.string
        }
    }

    static func call(_ name: String, _ arguments: [FormExpression], _ context: FormContext) -> FormValue {
        func value(_ i: Int) -> FormValue { arguments[i].evaluate(in: context) }
        func tokens(_ v: FormValue) -> [Substring] { v.string.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) }
        switch name {
        case "selected": return .boolean(tokens(value(0)).contains(Substring(value(1).string.trimmingCharacters(in: .whitespaces))))
        case "count-selected": return .number(Double(tokens(value(0)).count))
        case "string-length": return .number(Double(value(0).string.unicodeScalars.count))
        case "regex":
            let text = value(0).string
            guard let pattern = try? NSRegularExpression(pattern: value(1).string) else { return .boolean(false) }
            return .boolean(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil)
        case "if": return value(0).boolean ? value(1) : value(2)
        case "today": return .date(context.today)
        case "coalesce":
            let first = value(0)
            return first.string.isEmpty ? value(1) : first
        case "int":
            let number = value(0).number
            return .number(number.isFinite ? number.rounded(.towardZero) : number)
        case "round":
            let number = value(0).number
            guard arguments.count == 2 else { return .number((number + 0.5).rounded(.down)) }
            let places = value(1).number
            guard number.isFinite, places.isFinite else { return .number(.nan) }
            let scale = pow(10, places.rounded(.towardZero))
            return .number((number * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case "not": return .boolean(!value(0).boolean)
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "concat": return .string(arguments.indices.map { value($0).string }.joined())
        case "number": return .number(value(0).number)
        case "string": return .string(value(0).string)
        case "boolean": return .boolean(value(0).boolean)
        case "date": return value(0).date.map(FormValue.date) ?? .string("")
        case "contains": return .boolean(value(1).string.isEmpty || value(0).string.contains(value(1).string))
        case "starts-with": return .boolean(value(0).string.hasPrefix(value(1).string))
        default: return .string("")
        }
    }
}
