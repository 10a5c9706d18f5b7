/// Every code an error of the sync protocol can carry (`{"error": {"code": …}}`): one closed
/// set, listed as an enum in the server's OpenAPI document. The codes a refused change gets
/// are `Refusal`'s; the rest are about the request, the device or the server.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    // The grammar of a change (400).
    case badRecordID = "bad_record_id"
    case badReplicaID = "bad_replica_id"
    case badAgentID = "bad_agent_id"
    case badArea = "bad_area"
    case unknownArea = "unknown_area"
    case badCounter = "bad_counter"
    case badTransaction = "bad_transaction"
    case unknownField = "unknown_field"
    case badValue = "bad_value"
    case unsealed
    // Where a change comes from, and the writer's rights (403, 409).
    case unknownOrigin = "unknown_origin"
    case badOriginSignature = "bad_origin_signature"
    case agentMismatch = "agent_mismatch"
    case originRevoked = "origin_revoked"
    case outsideScope = "outside_scope"
    /// A monthly report's field written by a role that may not write it (`ReportRights`).
    case reportRights = "report_rights"
    /// A city-wide record (a regional holiday) not written by the sync server with its own key.
    case serverOnly = "server_only"
    case areaMismatch = "area_mismatch"
    case recordTypeMismatch = "record_type_mismatch"
    case dotReused = "dot_reused"
    case replicaTaken = "replica_taken"
    // The request.
    case badJSON = "bad_json"
    case badGzip = "bad_gzip"
    case bodyTooLarge = "body_too_large"
    case unsupportedEncoding = "unsupported_encoding"
    case batchTooLarge = "batch_too_large"
    case badBatchID = "bad_batch_id"
    case batchReused = "batch_reused"
    case badPublicKey = "bad_public_key"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case badRequest = "bad_request"
    // The device and its signature.
    case unsigned
    case unknownDevice = "unknown_device"
    case badSignature = "bad_signature"
    case deviceRevoked = "device_revoked"
    case badNonce = "bad_nonce"
    case staleNonce = "stale_nonce"
    case replayed
    case tooManyReplicas = "too_many_replicas"
    case notOwnReplica = "not_own_replica"
    // Enrolment.
    case invalidCode = "invalid_code"
    case keyInUse = "key_in_use"
    case tooManyAttempts = "too_many_attempts"
    // The operator's commands and the server itself.
    case agentExists = "agent_exists"
    case roleTaken = "role_taken"
    case unknownAgent = "unknown_agent"
    case configuration
    case `internal`
    // Attachments
    case badAttachment = "bad_attachment"
    case unreferencedAttachment = "unreferenced_attachment"
    case attachmentOffset = "attachment_offset"
    case attachmentDigestMismatch = "attachment_digest_mismatch"
    case unknownAttachment = "unknown_attachment"

    /// Whether a refused change is refused for its shape (HTTP 400) rather than for the
    /// writer's rights (403) or a clash with what is held (409).
    public var isGrammar: Bool {
        switch self {
        case .badRecordID, .badReplicaID, .badAgentID, .badArea, .unknownArea, .badCounter, .badTransaction, .unknownField, .badValue,
             .unsealed: true
        default: false
        }
    }
}
