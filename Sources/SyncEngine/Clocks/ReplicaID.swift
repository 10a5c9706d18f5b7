/// The stable identity of one replica (one laptop's database file, or the server's store).
///
/// A replica restored from an old backup must take a new id: its counters would otherwise
/// repeat dots its peers already hold.
public struct ReplicaID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random id of 16 lower-case hex digits (64 bits).
    public static func random() -> ReplicaID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> ReplicaID {
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return ReplicaID(String(repeating: "0", count: 16 - hex.count) + hex)
    }

    public var description: String { rawValue }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One event's identity: the replica that made it and that replica's counter at the time.
/// Counters start at 1 and never repeat within a replica.
public struct Dot: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let replica: ReplicaID
    public let counter: UInt64

    public init(_ replica: ReplicaID, _ counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    public var description: String { "\(replica):\(counter)" }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    /// The highest counter a replica may reach: stores keep counters in SQL integers, which are
    /// signed 64-bit, so a decoded counter above this is refused rather than trapping later.
    public static let maxCounter = UInt64(Int64.max)

    private enum CodingKeys: String, CodingKey { case replica, counter }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replica = try container.decode(ReplicaID.self, forKey: .replica)
        counter = try Self.checkedCounter(container.decode(UInt64.self, forKey: .counter), at: container.codingPath + [CodingKeys.counter])
    }

    /// `value`, or a decoding error when it exceeds `maxCounter`.
    static func checkedCounter(_ value: UInt64, at path: [any CodingKey]) throws -> UInt64 {
        guard value <= maxCounter else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "counter \(value) exceeds \(maxCounter)"))
        }
        return value
    }
}

/// So a `[ReplicaID: …]` travels as a JSON object keyed by replica id.
extension ReplicaID: CodingKeyRepresentable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public var codingKey: any CodingKey { Key(stringValue: rawValue) }

    public init?<T: CodingKey>(codingKey: T) { self.init(codingKey.stringValue) }
}
