import FieldModels
import Foundation
import SyncEngine

/// The audit trail: an append-only table of what happened to agents, devices, enrolment codes
/// and batches, for the Dinas to see afterwards who did what. It holds ids, codes of rules and
/// counts, never a NIK, a No. KK or a name.
extension ServerStore {
    enum AuditKind: String, CaseIterable, Sendable {
        case agentAdded = "agent_added"
        case agentMoved = "agent_moved"
        case codeIssued = "code_issued"
        case codeFailed = "code_failed"
        case codeLimited = "code_limited"
        case enrolled
        case replicaRegistered = "replica_registered"
        case deviceRevoked = "device_revoked"
        case batchRefused = "batch_refused"
        case relayed
        case keyRotated = "key_rotated"
        case regionsRecoded = "regions_recoded"
        /// A change the server wrote itself (`writeOwn`): a regional holiday declared or removed.
        case ownChange = "own_change"
        case staffAdded = "staff_added"
        case staffDisabled = "staff_disabled"
        /// A failed login to the Dinas pages, by source address.
        case loginFailed = "login_failed"
    }

    struct AuditEntry: Sendable, Equatable, Encodable {
        var at: Int64
        var kind: String
        var agent: String?
        var device: String?
        var source: String?
        var detail: String
    }

    /// Appends one entry, in the caller's transaction.
    static func audit(_ kind: AuditKind, agent: String? = nil, device: String? = nil, source: String? = nil, detail: String,
                      now: Int64, in db: any SQLConnection) async throws {
        try await db.execute("INSERT INTO audit (id, at, kind, agent_id, device_id, source, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [.text(UUID().uuidString), .int(now), .text(kind.rawValue), agent.map(SQLValue.text) ?? .null,
                              device.map(SQLValue.text) ?? .null, source.map(SQLValue.text) ?? .null, .text(String(detail.prefix(500)))])
    }

    /// Appends one entry in a transaction of its own (for what is recorded although the
    /// request it belongs to is refused and rolled back).
    func audit(_ kind: AuditKind, agent: String? = nil, device: String? = nil, source: String? = nil, detail: String, now: Int64) async throws {
        try await database.transaction { db in
            try await Self.audit(kind, agent: agent, device: device, source: source, detail: detail, now: now, in: db)
        }
    }

    /// Entries, oldest first, filtered by agent, device, kind and time.
    func auditEntries(agent: String? = nil, device: String? = nil, kind: String? = nil, since: Int64? = nil,
                      limit: Int = 1_000) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let agent { conditions.append("agent_id = ?"); binds.append(.text(agent)) }
        if let device { conditions.append("device_id = ?"); binds.append(.text(device)) }
        if let kind { conditions.append("kind = ?"); binds.append(.text(kind)) }
        if let since { conditions.append("at >= ?"); binds.append(.int(since)) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let values = binds
        return try await database.transaction { db in
            try await db.query("SELECT * FROM audit \(filter) ORDER BY at, id LIMIT \(max(1, limit))", values).map {
                AuditEntry(at: try $0.int("at"), kind: try $0.text("kind"), agent: $0["agent_id"].string, device: $0["device_id"].string,
                           source: $0["source"].string, detail: try $0.text("detail"))
            }
        }
    }
}
