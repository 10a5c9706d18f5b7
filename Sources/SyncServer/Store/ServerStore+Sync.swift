import Crypto
import FieldModels
import Foundation
import SyncEngine

/// Push and pull: what the protocol's `/v1/push` and `/v1/pull` do to the store.
extension ServerStore {
    /// Everything the server holds: gap-free counters, and the dots held beyond a gap.
    func vector() async throws -> VersionVector {
        try await database.transaction { db in try await Self.vector(in: db) }
    }

    static func vector(in db: any SQLConnection) async throws -> VersionVector {
        var counters: [ReplicaID: UInt64] = [:]
        for row in try await db.query("SELECT replica, counter FROM server_vector") {
            counters[ReplicaID(try row.text("replica"))] = UInt64(try row.int("counter"))
        }
        let beyond = try await db.query("""
            SELECT c.replica, c.counter FROM changes c JOIN server_vector v ON c.replica = v.replica AND c.counter > v.counter
            """).map { Dot(ReplicaID(try $0.text("replica")), UInt64(try $0.int("counter"))) }
        return VersionVector(counters, beyond: Set(beyond))
    }

    /// Notes that a device called, and which replica id it now writes as.
    func touch(device: String, replica: ReplicaID, now: Int64) async throws {
        try await database.transaction { db in
            try await db.execute("UPDATE devices SET last_seen_at = ?, replica = ? WHERE id = ?",
                                 [.int(now), .text(replica.rawValue), .text(device)])
        }
    }

    /// Applies a batch in one transaction, or refuses all of it: a change outside the agent's
    /// scope, or a dot the server holds with other content (a replica restored from an old
    /// copy). The same batch id again answers as before and applies nothing.
    func push(_ request: PushRequest, device: DeviceAccount, agent: AgentProfile, now: Int64) async throws -> PushResponse {
        let encoded = try request.changes.map { change in (change, try Self.encode(change)) }
        let batchDigest = Self.hex(SHA256.hash(data: Data(encoded.map(\.1.digest).joined().utf8)))
        return try await database.transaction { db in
            if self.database.dialect == .postgres { try await db.execute("SELECT pg_advisory_xact_lock(7419)") }
            if let row = try await db.query("SELECT device_id, digest, accepted FROM batches WHERE id = ?", [.text(request.batch)]).first {
                guard try row.text("digest") == batchDigest else {
                    throw ServerError("batch_reused", .conflict,
                                      id: "Id batch \(request.batch) sudah dipakai untuk isi lain. Kirim ulang dengan id baru.",
                                      en: "Batch id \(request.batch) was already used for other content. Resend with a new id.")
                }
                return PushResponse(batch: request.batch, accepted: Int(try row.int("accepted")), duplicate: true)
            }
            let families = try await Self.families(of: request.changes, in: db)
            for change in request.changes {
                let family = families[change.recordID]
                let own = change.agent == agent.id && agent.previousAreas.contains { RegionPath.contains($0, change.area) && !change.area.isEmpty }
                guard agent.scope.admits(area: change.area, family: family) || own else {
                    throw ServerError("outside_scope", .forbidden,
                                      id: "Batch ditolak: \(change.recordID) (wilayah \(change.area.isEmpty ? "-" : change.area)) di luar wilayah tugas \(agent.id) (\(agent.scope)). Tidak ada yang disimpan.",
                                      en: "Batch refused: \(change.recordID) (area \(change.area.isEmpty ? "-" : change.area)) is outside the scope of \(agent.id) (\(agent.scope)). Nothing was stored.")
                }
            }
            var accepted = 0
            var writers = Set<ReplicaID>()
            for (change, coded) in encoded {
                let dot: [SQLValue] = [.text(change.dot.replica.rawValue), .int(Int64(change.dot.counter))]
                if let held = try await db.query("SELECT digest FROM changes WHERE replica = ? AND counter = ?", dot).first {
                    guard try held.text("digest") == coded.digest else {
                        throw ServerError("dot_reused", .conflict,
                                          id: "Perubahan \(change.dot) sudah ada di server dengan isi lain: replika ini tampaknya dipulihkan dari salinan lama. Buka ulang replika (field) agar mendapat id baru, lalu sinkron lagi.",
                                          en: "Change \(change.dot) is already on the server with other content: this replica seems restored from an old copy. Reopen the replica (field) so it takes a new id, then sync again.")
                    }
                    continue
                }
                try await db.execute("""
                    INSERT INTO changes (replica, counter, tx_counter, record_type, record_id, area, family, body, digest, batch_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, dot + [.int(Int64(change.transaction.counter)), .text(change.recordType.rawValue), .text(change.recordID),
                                .text(change.area), families[change.recordID].map(SQLValue.text) ?? .null, .text(coded.json),
                                .text(coded.digest), .text(request.batch)])
                accepted += 1
                writers.insert(change.dot.replica)
            }
            for (record, family) in families.sorted(by: { $0.key < $1.key }) {
                try await db.execute("""
                    INSERT INTO record_families (record_id, family) VALUES (?, ?)
                    ON CONFLICT (record_id) DO UPDATE SET family = excluded.family
                    """, [.text(record), .text(family)])
            }
            for replica in writers.sorted() { try await Self.advance(replica, in: db) }
            try await db.execute("INSERT INTO batches (id, device_id, digest, accepted, received_at) VALUES (?, ?, ?, ?, ?)",
                                 [.text(request.batch), .text(device.id), .text(batchDigest), .int(Int64(accepted)), .int(now)])
            return PushResponse(batch: request.batch, accepted: accepted, duplicate: false)
        }
    }

    /// One page of changes in `scope` that `knowledge` lacks, from the set `upTo` (the server's
    /// vector when the pull began), after dot `after`, in dot order; never cuts a transaction.
    func pull(_ request: PullRequest, scope: SyncScope) async throws -> PullResponse {
        let limit = min(max(request.maxChanges ?? WireProtocol.batchChanges, 1), WireProtocol.maxBatchChanges)
        return try await database.transaction { db in
            let upTo = if let upTo = request.upTo { upTo } else { try await Self.vector(in: db) }
            let (filter, filterBinds) = Self.sqlFilter(scope)
            var out: [Change] = []
            let replicas = Set(upTo.counters.keys).union(upTo.beyond.map(\.replica)).sorted()
            for replica in replicas where request.after.map({ replica >= $0.replica }) ?? true {
                var cursor = request.knowledge[replica]
                if let after = request.after, after.replica == replica { cursor = max(cursor, after.counter) }
                let high = max(upTo[replica], upTo.beyond.filter { $0.replica == replica }.map(\.counter).max() ?? 0)
                while cursor < high {
                    let rows = try await db.query("""
                        SELECT counter, tx_counter, area, family, body FROM changes
                        WHERE replica = ? AND counter > ? AND counter <= ? AND \(filter) ORDER BY counter LIMIT 500
                        """, [.text(replica.rawValue), .int(Int64(cursor)), .int(Int64(high))] + filterBinds)
                    guard let last = rows.last else { break }
                    cursor = UInt64(try last.int("counter"))
                    for row in rows {
                        let dot = Dot(replica, UInt64(try row.int("counter")))
                        guard upTo.contains(dot), !request.knowledge.contains(dot),
                              scope.admits(area: try row.text("area"), family: row["family"].string) else { continue }
                        if out.count >= limit, let previous = out.last, previous.transaction != Dot(replica, UInt64(try row.int("tx_counter"))) {
                            return PullResponse(changes: out, upTo: upTo, next: previous.dot, scope: scope)
                        }
                        out.append(try Self.decode(try row.text("body")))
                    }
                }
            }
            return PullResponse(changes: out, upTo: upTo, next: nil, scope: scope)
        }
    }

    /// The households the batch's records belong to, from the batch and what is stored.
    private static func families(of changes: [Change], in db: any SQLConnection) async throws -> [String: String] {
        var stored: [String: String] = [:]
        for id in FamilyLinks.lookups(for: changes).sorted() {
            if let row = try await db.query("SELECT family FROM record_families WHERE record_id = ?", [.text(id)]).first {
                stored[id] = try row.text("family")
            }
        }
        return FamilyLinks.families(of: changes, stored: stored)
    }

    /// Raises `replica`'s vector entry over every counter now held without a gap.
    private static func advance(_ replica: ReplicaID, in db: any SQLConnection) async throws {
        let stored = try await db.query("SELECT counter FROM server_vector WHERE replica = ?", [.text(replica.rawValue)]).first
        var counter = try stored.map { try $0.int("counter") } ?? 0
        let start = counter
        scan: while true {
            let rows = try await db.query("SELECT counter FROM changes WHERE replica = ? AND counter > ? ORDER BY counter LIMIT 1000",
                                          [.text(replica.rawValue), .int(counter)])
            for row in rows {
                guard try row.int("counter") == counter + 1 else { break scan }
                counter += 1
            }
            if rows.count < 1000 { break }
        }
        guard stored == nil || counter != start else { return }
        try await db.execute("""
            INSERT INTO server_vector (replica, counter) VALUES (?, ?)
            ON CONFLICT (replica) DO UPDATE SET counter = excluded.counter
            """, [.text(replica.rawValue), .int(counter)])
    }

    private static func sqlFilter(_ scope: SyncScope) -> (String, [SQLValue]) {
        switch scope.kind {
        case .all: ("1 = 1", [])
        case .area: ("(area = ? OR area LIKE ?)", [.text(scope.area), .text(scope.area + "/%")])
        case .families where scope.families.isEmpty: ("1 = 0", [])
        case .families:
            ("family IN (" + Array(repeating: "?", count: scope.families.count).joined(separator: ", ") + ")",
             scope.families.map(SQLValue.text))
        }
    }

    /// A change as stored: JSON with sorted keys, so the same change always has the same digest.
    static func encode(_ change: Change) throws -> (json: String, digest: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(change)
        return (String(decoding: data, as: UTF8.self), hex(SHA256.hash(data: data)))
    }

    static func decode(_ json: String) throws -> Change {
        try JSONDecoder().decode(Change.self, from: Data(json.utf8))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
