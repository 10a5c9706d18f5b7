/// An expression of an XLSForm column (`relevant`, `constraint`, `calculation`, `required`,
/// `choice_filter`, `default`), parsed once into a tree: the XPath subset that ODK forms use
/// offline.
///
/// ```swift
/// let rule = try FormExpression.parse("${age} >= 18 and selected(${needs}, 'sandang')")
/// rule.references                       // ["age", "needs"]
/// rule.evaluate(in: context).boolean    // true or false
/// ```
///
/// Grammar, loosest first: `or`, `and`, `= !=`, `< <= > >=`, `+ -`, `* div mod`, unary `-`,
/// then literals (`'text'`, `"text"`, `12`, `1.5`), `${name}`, `.` (the question being
/// checked), `( … )` and calls of `FormExpression.functions`.
public indirect enum FormExpression: Sendable, Hashable {
    case number(Double)
    case string(String)
    /// `${name}`: the answer to question `name`.
    case reference(String)
    /// `.`: the answer being checked (in a `constraint`).
    case current
    /// A bare name in a `choice_filter`: that column of the choice being filtered (`name`, or
    /// another column of the choices sheet).
    case column(String)
    case negate(FormExpression)
    case binary(BinaryOperator, FormExpression, FormExpression)
    case call(String, [FormExpression])

    public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
        case or, and
        case equal = "=", notEqual = "!="
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case plus = "+", minus = "-", times = "*", divide = "div", modulo = "mod"
    }

    /// The functions understood, with how many arguments each takes.
    public static let functions: [String: ClosedRange<Int>] = [
        "selected": 2...2, "count-selected": 1...1, "string-length": 1...1, "regex": 2...2, "if": 3...3,
        "today": 0...0, "coalesce": 2...2, "int": 1...1, "round": 1...2, "not": 1...1, "true": 0...0, "false": 0...0,
        "concat": 1...32, "number": 1...1, "string": 1...1, "boolean": 1...1, "date": 1...1,
        "contains": 2...2, "starts-with": 2...2,
    ]

    /// Every `${name}` the expression refers to, in order of first appearance.
    public var references: [String] {
        var out: [String] = []
        func walk(_ node: FormExpression) {
            switch node {
            case .reference(let name): if !out.contains(name) { out.append(name) }
            case .negate(let inner): walk(inner)
            case .binary(_, let left, let right): walk(left); walk(right)
            case .call(_, let arguments): arguments.forEach(walk)
            case .number, .string, .current, .column: break
            }
        }
        walk(self)
        return out
    }

    /// Whether the expression uses `.` (the answer being checked).
    public var usesCurrent: Bool {
        switch self {
        case .current: true
        case .negate(let inner): inner.usesCurrent
        case .binary(_, let left, let right): left.usesCurrent || right.usesCurrent
        case .call(_, let arguments): arguments.contains(where: \.usesCurrent)
        case .number, .string, .reference, .column: false
        }
    }
}

/// Why an expression could not be read: where in it, and what was expected.
public struct FormExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The character offset in the expression (0-based).
    public var position: Int
    public var message: LocalizedText

    public init(_ position: Int, id: String, en: String) {
        self.position = position
        message = LocalizedText(id: id, en: en)
    }

    public var description: String { "\(message.en) (at character \(position + 1))" }
}

extension FormExpression {
    /// Parses `source`; throws what is wrong and where. `columns` lets bare names stand for
    /// columns of a choice (a `choice_filter`).
    public static func parse(_ source: String, columns: Bool = false) throws(FormExpressionError) -> FormExpression {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(of: source), length: source.count, columns: columns)
        let tree = try parser.parseOr()
        guard parser.atEnd else {
            throw FormExpressionError(parser.position, id: "ada sisa yang tidak dipahami setelah ungkapan yang lengkap",
                                      en: "unexpected text after a complete expression")
        }
        return tree
    }
}

enum ExpressionToken: Hashable {
    case number(Double), string(String), reference(String), name(String), symbol(String), dot
}

enum ExpressionLexer {
    static func tokens(of source: String) throws(FormExpressionError) -> [(token: ExpressionToken, at: Int)] {
        let chars = Array(source)
        var out: [(ExpressionToken, Int)] = []
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isNamePart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c == "$" {
                guard i + 1 < chars.count, chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    throw FormExpressionError(i, id: "rujukan harus ditulis ${nama}", en: "a reference is written ${name}")
                }
                let name = String(chars[(i + 2)..<close])
                guard FormNames.isValid(name) else {
                    throw FormExpressionError(i, id: "'\(name)' bukan nama pertanyaan yang sah", en: "'\(name)' is not a valid question name")
                }
                out.append((.reference(name), start))
                i = close + 1
            } else if c == "'" || c == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else {
                    throw FormExpressionError(i, id: "teks tidak ditutup dengan \(c)", en: "text not closed with \(c)")
                }
                out.append((.string(String(chars[(i + 1)..<close])), start))
                i = close + 1
            } else if c.isASCII, c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
                guard let value = Double(String(chars[i..<j])) else {
                    throw FormExpressionError(i, id: "angka tidak sah", en: "not a valid number")
                }
                out.append((.number(value), start))
                i = j
            } else if c == "." {
                guard !(i + 1 < chars.count && chars[i + 1] == ".") else {
                    throw FormExpressionError(i, id: "'..' (induk) tidak didukung; pakai ${nama}", en: "'..' (parent) is not supported; use ${name}")
                }
                out.append((.dot, start))
                i += 1
            } else if isNameStart(c) {
                var j = i
                while j < chars.count, isNamePart(chars[j]) { j += 1 }
                out.append((.name(String(chars[i..<j])), start))
                i = j
            } else if "<>!".contains(c), i + 1 < chars.count, chars[i + 1] == "=" {
                out.append((.symbol(String(chars[i...(i + 1)])), start))
                i += 2
            } else if "+-*=<>(),".contains(c) {
                out.append((.symbol(String(c)), start))
                i += 1
            } else {
                throw FormExpressionError(i, id: "tanda '\(c)' tidak dikenal", en: "unknown character '\(c)'")
            }
        }
        return out
    }
}

struct ExpressionParser {
    let tokens: [(token: ExpressionToken, at: Int)]
    let length: Int
    let columns: Bool
    var index = 0

    init(tokens: [(token: ExpressionToken, at: Int)], length: Int, columns: Bool) {
        self.tokens = tokens
        self.length = length
        self.columns = columns
    }

    var atEnd: Bool { index == tokens.count }
    var position: Int { index < tokens.count ? tokens[index].at : length }
    var next: ExpressionToken? { index < tokens.count ? tokens[index].token : nil }

    mutating func take(_ symbols: [String]) -> String? {
        switch next {
        case .symbol(let s)? where symbols.contains(s): index += 1; return s
        case .name(let s)? where symbols.contains(s): index += 1; return s
        default: return nil
        }
    }

    mutating func binary(_ symbols: [String], _ operand: (inout ExpressionParser) throws(FormExpressionError) -> FormExpression)
        throws(FormExpressionError) -> FormExpression {
        var left = try operand(&self)
        while let symbol = take(symbols) {
            let right = try operand(&self)
            left = .binary(FormExpression.BinaryOperator(rawValue: symbol)!, left, right)
        }
        return left
    }

    mutating func parseOr() throws(FormExpressionError) -> FormExpression {
        try binary(["or"]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseAnd() }
    }
    mutating func parseAnd() throws(FormExpressionError) -> FormExpression {
        try binary(["and"]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseEquality() }
    }
    mutating func parseEquality() throws(FormExpressionError) -> FormExpression {
        try binary(["=", "!="]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseRelation() }
    }
    mutating func parseRelation() throws(FormExpressionError) -> FormExpression {
        try binary(["<", "<=", ">", ">="]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseSum() }
    }
    mutating func parseSum() throws(FormExpressionError) -> FormExpression {
        try binary(["+", "-"]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseProduct() }
    }
    mutating func parseProduct() throws(FormExpressionError) -> FormExpression {
        try binary(["*", "div", "mod"]) { (p: inout ExpressionParser) throws(FormExpressionError) in try p.parseUnary() }
    }

    mutating func parseUnary() throws(FormExpressionError) -> FormExpression {
        if take(["-"]) != nil { return .negate(try parseUnary()) }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(FormExpressionError) -> FormExpression {
        let at = position
        guard let token = next else {
            throw FormExpressionError(at, id: "ungkapan berhenti di tengah jalan", en: "the expression ends too early")
        }
        index += 1
        switch token {
        case .number(let value): return .number(value)
        case .string(let text): return .string(text)
        case .reference(let name): return .reference(name)
        case .dot: return .current
        case .symbol("("):
            let inner = try parseOr()
            guard take([")"]) != nil else { throw FormExpressionError(position, id: "kurang ')'", en: "missing ')'") }
            return inner
        case .name(let name):
            if columns, next != .symbol("(") { return .column(name) }
            guard take(["("]) != nil else {
                throw FormExpressionError(at, id: "'\(name)' tidak dikenal; pertanyaan dirujuk dengan ${\(name)}",
                                          en: "'\(name)' is not known; a question is referred to as ${\(name)}")
            }
            guard let arity = FormExpression.functions[name] else {
                throw FormExpressionError(at, id: "fungsi '\(name)' tidak didukung; yang didukung: \(FormExpression.functions.keys.sorted().joined(separator: ", "))",
                                          en: "function '\(name)' is not supported; supported: \(FormExpression.functions.keys.sorted().joined(separator: ", "))")
            }
            var arguments: [FormExpression] = []
            if take([")"]) == nil {
                repeat { arguments.append(try parseOr()) } while take([","]) != nil
                guard take([")"]) != nil else { throw FormExpressionError(position, id: "kurang ')'", en: "missing ')'") }
            }
            guard arity.contains(arguments.count) else {
                let wanted = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound)–\(arity.upperBound)"
                throw FormExpressionError(at, id: "\(name)() menerima \(wanted) argumen, bukan \(arguments.count)",
                                          en: "\(name)() takes \(wanted) argument(s), not \(arguments.count)")
            }
            return .call(name, arguments)
        case .symbol(let symbol):
            throw FormExpressionError(at, id: "'\(symbol)' tidak diharapkan di sini", en: "'\(symbol)' is not expected here")
        }
    }
}

/// XLSForm names: a letter or `_`, then ASCII letters, digits, `_` and `-` (XML names without
/// `.`, which FieldSync's answer fields use as their separator), at most 64 characters.
public enum FormNames {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 64 else { return false }
        let start = CharacterSetASCII.letters.contains(first) || first == "_"
        return start && name.unicodeScalars.allSatisfy { CharacterSetASCII.letters.contains($0) || ("0"..."9").contains($0) || "_-".unicodeScalars.contains($0) }
    }
}

enum CharacterSetASCII {
    static let letters: Set<Unicode.Scalar> = Set((UInt8(ascii: "a")...UInt8(ascii: "z")).map { Unicode.Scalar($0) }
        + (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { Unicode.Scalar($0) })
}
