import FieldModels

/// Why a door (the server, a replica receiving from a peer, `field` before it writes) refused
/// what it was given. One closed set of codes, listed in the server's OpenAPI document; the
/// message names the change, the record and the field, in both languages, and never quotes a
/// value (values can be personal data).
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable, Codable {
        // The grammar of a change.
        case badRecordID = "bad_record_id"
        case badReplicaID = "bad_replica_id"
        case badAgentID = "bad_agent_id"
        case badArea = "bad_area"
        case unknownArea = "unknown_area"
        case badCounter = "bad_counter"
        case badTransaction = "bad_transaction"
        case unknownField = "unknown_field"
        case badValue = "bad_value"
        // Where a change comes from.
        case unsealed
        case unknownOrigin = "unknown_origin"
        case badOriginSignature = "bad_origin_signature"
        case agentMismatch = "agent_mismatch"
        case originRevoked = "origin_revoked"
        // What the receiver knows of the record and of the writer.
        case outsideScope = "outside_scope"
        case areaMismatch = "area_mismatch"
        case recordTypeMismatch = "record_type_mismatch"
        case dotReused = "dot_reused"
        case replicaTaken = "replica_taken"

        /// Whether the refusal is about the shape of the request (HTTP 400) rather than about
        /// the writer's rights (403) or a clash with what is held (409).
        public var isGrammar: Bool {
            switch self {
            case .badRecordID, .badReplicaID, .badAgentID, .badArea, .unknownArea, .badCounter, .badTransaction, .unknownField, .badValue,
                 .unsealed: true
            default: false
            }
        }
    }

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
