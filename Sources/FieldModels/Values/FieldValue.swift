/// One field's value as it is stored, logged and synced: the unit of per-field history and merge.
public enum FieldValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case text(String)
    case int(Int)
    case bool(Bool)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var int: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var date: CivilDate? { text.flatMap(CivilDate.init) }

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: ""
        case .text(let value): value
        case .int(let value): "\(value)"
        case .bool(let value): value ? "true" : "false"
        }
    }

    public init(_ text: String?) { self = text.map(FieldValue.text) ?? .null }
    public init(_ date: CivilDate?) { self = date.map { .text($0.description) } ?? .null }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .text(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

/// A record's fields by name. Set-valued fields are stored one element per key, `members/<id>`,
/// so that each element has its own history and sets merge element by element.
public typealias FieldMap = [String: FieldValue]

extension FieldMap {
    /// The elements of a set-valued field: keys `name/<element>` whose value is `true`.
    public func setElements(_ name: String) -> Set<String> {
        let prefix = name + "/"
        var out = Set<String>()
        for (key, value) in self where key.hasPrefix(prefix) && value == .bool(true) {
            out.insert(String(key.dropFirst(prefix.count)))
        }
        return out
    }

    /// Writes a set-valued field; elements no longer present become `false` (a remove).
    public mutating func setElements(_ name: String, _ elements: Set<String>) {
        let prefix = name + "/"
        for key in keys where key.hasPrefix(prefix) { self[key] = .bool(false) }
        for element in elements { self[prefix + element] = .bool(true) }
    }
}
