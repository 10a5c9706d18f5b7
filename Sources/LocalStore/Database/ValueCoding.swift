import FieldModels
import Foundation

/// How a `FieldValue` is written in a TEXT column: `NULL`, `t`/`f`, `i<digits>`, `s<text>`.
/// Plain enough for `LIKE` searches on names and exact matches on RT/RW.
enum ValueCoding {
    static func encode(_ value: FieldValue) -> String? {
        switch value {
        case .null: nil
        case .bool(let flag): flag ? "t" : "f"
        case .int(let number): "i\(number)"
        case .text(let text): "s" + text
        }
    }

    static func decode(_ text: String?) -> FieldValue {
        guard let text, let tag = text.first else { return .null }
        let rest = String(text.dropFirst())
        switch tag {
        case "t": return .bool(true)
        case "f": return .bool(false)
        case "i": return Int(rest).map(FieldValue.int) ?? .null
        default: return .text(rest)
        }
    }
}

/// Dots as stored in `change_log.supersedes`: `replica:counter` joined by commas.
enum DotListCoding {
    static func encode(_ dots: [Dot]) -> String {
        dots.map { "\($0.replica.rawValue):\($0.counter)" }.joined(separator: ",")
    }

    static func decode(_ text: String) -> [Dot] {
        text.split(separator: ",").compactMap { part in
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, let counter = UInt64(pieces[1]) else { return nil }
            return Dot(ReplicaID(String(pieces[0])), counter)
        }
    }
}

import SyncEngine
