import FieldModels

/// Why a door (the server, a replica receiving from a peer, `field` before it writes) refused
/// what it was given. Its code is one of `ErrorCode` (listed in the server's OpenAPI document);
/// the message names the change, the record and the field, in both languages, and never
/// quotes a value (values can be personal data).
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A refused change's codes are the protocol's error codes.
    public typealias Code = ErrorCode

    public var code: Code
    public var text: LocalizedText
    /// The change refused, when there is one.
    public var dot: Dot?

    public init(_ code: Code, _ text: LocalizedText, dot: Dot? = nil) {
        self.code = code
        self.text = text
        self.dot = dot
    }

    /// A refusal of one change, the message prefixed with which change and record it is.
    public init(_ code: Code, change: Change, field: String? = nil, id: String, en: String) {
        let place = field.map { " " + Grammar.shown($0) } ?? ""
        let which = "\(Grammar.shown(change.dot.replica.rawValue)):\(change.dot.counter) (\(Grammar.shown(change.recordID))\(place))"
        self.init(code, LocalizedText(id: "Perubahan \(which): \(id)", en: "Change \(which): \(en)"), dot: change.dot)
    }

    public var description: String { "\(code.rawValue): \(text.en)" }
}
