import Crypto
import FieldModels
import Foundation

/// The exact bytes that stand for a change wherever it is signed or compared: every field in a
/// fixed order, strings and lists length-prefixed, integers big-endian. It never depends on a
/// JSON encoder, a platform or a key order, so a laptop, a relay and the server all compute
/// the same digest of the same change.
extension Change {
    public func canonicalBytes(into out: inout [UInt8]) {
        Canonical.append("FSC1", to: &out)
        Canonical.append(dot, to: &out)
        Canonical.append(transaction, to: &out)
        Canonical.append(recordType.rawValue, to: &out)
        Canonical.append(recordID, to: &out)
        Canonical.append(area, to: &out)
        Canonical.append(field, to: &out)
        switch value {
        case .null: out.append(0)
        case .text(let text):
            out.append(1)
            Canonical.append(text, to: &out)
        case .int(let number):
            out.append(2)
            Canonical.append(UInt64(bitPattern: Int64(number)), to: &out)
        case .bool(let flag): out.append(flag ? 4 : 3)
        }
        Canonical.append(UInt64(supersedes.count), to: &out)
        for dot in supersedes.sorted() { Canonical.append(dot, to: &out) }
        Canonical.append(lamport, to: &out)
        Canonical.append(UInt64(bitPattern: wallTime), to: &out)
        Canonical.append(agent, to: &out)
    }

    /// SHA-256 of the canonical bytes: equal exactly when the changes are equal.
    public var digest: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        canonicalBytes(into: &bytes)
        return Data(SHA256.hash(data: bytes))
    }
}

enum Canonical {
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        append(UInt64(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }

    static func append(_ dot: Dot, to out: inout [UInt8]) {
        append(dot.replica.rawValue, to: &out)
        append(dot.counter, to: &out)
    }
}

extension Data {
    /// Lower-case hex, for digests shown or stored as text.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a lower-case or upper-case hex string; nil when it is not hex.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = Self.nibble(bytes[index]), let low = Self.nibble(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        self = out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
