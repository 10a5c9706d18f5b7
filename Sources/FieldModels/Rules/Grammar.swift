import Foundation

/// The one grammar for everything that names something (record, replica, agent, device and
/// batch ids, region paths) and for text values. The server checks it on every change it
/// receives, every replica on what it receives from any peer, and `field` before it writes,
/// so a laptop never produces what a door would refuse.
///
/// ```swift
/// Grammar.isRecordID("H-7KQ2M9X4TD1B", type: .household)   // true
/// Grammar.isAreaPath("33.74/../1004")                       // false
/// ```
public enum Grammar {
    /// Longest id of any kind, in characters.
    public static let maxIDLength = 40
    /// Longest region path.
    public static let maxAreaLength = 120

    /// `H-…`, `P-…`: the type's letter, a dash, then 1–32 ASCII letters and digits.
    public static func isRecordID(_ text: String, type: RecordType? = nil) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3, bytes.count <= 34, bytes[1] == UInt8(ascii: "-") else { return false }
        if let type {
            guard bytes[0] == type.idPrefix.utf8.first else { return false }
        } else {
            guard RecordType.allCases.contains(where: { $0.idPrefix.utf8.first == bytes[0] }) else { return false }
        }
        return bytes[2...].allSatisfy(isAlphanumeric)
    }

    /// A replica id: 1–32 ASCII letters and digits (new ones are 16 hex digits).
    public static func isReplicaID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...32).contains(bytes.count) && bytes.allSatisfy(isAlphanumeric)
    }

    /// An agent id is the record id of an `Agent`.
    public static func isAgentID(_ text: String) -> Bool { isRecordID(text, type: .agent) }

    /// `DV-` then letters, digits and dashes (`DV-24X2-ZR8Q-8AXG`), at most 40 characters.
    public static func isDeviceID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count > 3, bytes.count <= maxIDLength, text.hasPrefix("DV-") else { return false }
        return bytes[3...].allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// A SHA-256 digest in lower-case hex (64 characters): an attachment's content address.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// A batch id chosen by a client: 1–100 ASCII letters, digits, dashes and underscores.
    public static func isBatchID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...100).contains(bytes.count) && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// A region id: an official Kemendagri code in its dotted form (`33`, `33.74`, `33.74.11`,
    /// `33.74.11.1006`). Nothing else, so no path tricks and no second spelling of one region.
    public static func isAreaPath(_ text: String) -> Bool {
        text.utf8.count <= maxAreaLength && RegionDirectory.dotted(text) == text
    }

    /// What is wrong with a text value, or nil when it is acceptable: NFC-normalised, no
    /// control characters (line breaks and tabs only where `multiline`), no bidirectional
    /// overrides or isolates (U+202A–U+202E, U+2066–U+2069), at most `maxLength` characters.
    public static func textProblem(_ text: String, maxLength: Int, multiline: Bool) -> TextProblem? {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) {
                let lineBreak = value == 0x0A || value == 0x0D || value == 0x09
                if !(multiline && lineBreak) { return .control(scalar) }
            }
            if (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) { return .bidiOverride(scalar) }
            if (0xD800...0xDFFF).contains(value) || value == 0xFFFE || value == 0xFFFF { return .control(scalar) }
        }
        if count > maxLength { return .tooLong(count, max: maxLength) }
        if text.unicodeScalars.contains(where: { $0.value >= 0x80 }), text.precomposedStringWithCanonicalMapping.unicodeScalars
            .elementsEqual(text.unicodeScalars) == false {
            return .notNFC
        }
        return nil
    }

    public enum TextProblem: Sendable, Hashable {
        case control(Unicode.Scalar)
        case bidiOverride(Unicode.Scalar)
        case tooLong(Int, max: Int)
        case notNFC

        /// Says what is wrong, naming the character by its code point only.
        public var text: LocalizedText {
            switch self {
            case .control(let scalar):
                LocalizedText(id: "berisi karakter kendali U+\(hex(scalar))", en: "holds the control character U+\(hex(scalar))")
            case .bidiOverride(let scalar):
                LocalizedText(id: "berisi karakter pembalik arah teks U+\(hex(scalar))",
                              en: "holds the bidirectional override U+\(hex(scalar))")
            case .tooLong(let count, let max):
                LocalizedText(id: "terlalu panjang (\(count) karakter, paling banyak \(max))",
                              en: "is too long (\(count) characters, at most \(max))")
            case .notNFC:
                LocalizedText(id: "tidak dalam bentuk Unicode NFC", en: "is not in Unicode NFC form")
            }
        }

        private func hex(_ scalar: Unicode.Scalar) -> String {
            let digits = String(scalar.value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    /// Text as `field` stores it: NFC, with Windows line breaks made plain.
    public static func normalised(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// A name as it may appear in a message, whatever it holds: printable ASCII kept, anything
    /// else as `\u{…}`, cut at 40 characters. Junk is never echoed back raw.
    public static func shown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if out.count >= 40 { return out + "…" }
            if (0x21...0x7E).contains(scalar.value) { out.unicodeScalars.append(scalar) } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
