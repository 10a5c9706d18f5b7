import FieldModels
import Foundation
import SyncEngine

/// The server as a merged replica: beside its change log, the current versions of every
/// record's fields (`merged_versions`), the dots any change has replaced (`superseded`, so a
/// version that arrives after its replacement never becomes current), and each record's status
/// and open conflicts (`merged_records`), kept by the same merge rules as the laptops
/// (`MergeRules`) in the same transaction as the push. Values of sensitive fields are not copied
/// here: they stay sealed in the change log and are read through it.
extension ServerStore {
    /// Applies changes new to the store to the merged state, each with its record's home region,
    /// as the change log files it.
    func merge(_ filed: [(change: Change, region: String)], in db: any SQLConnection) async throws {
        guard !filed.isEmpty else { return }
        let changes = filed.map(\.change)
        let homes = Dictionary(filed.map { ($0.change.recordID, $0.region) }, uniquingKeysWith: { first, _ in first })
        // What a change replaces is replaced for good, whether or not it is here yet.
        var replaced: [String: Set<Dot>] = [:]
        for change in changes where !change.supersedes.isEmpty { replaced[change.recordID, default: []].formUnion(change.supersedes) }
        let edges = Set(replaced.values.flatMap { $0 })
        try await db.insert(into: "superseded", columns: ["replica", "counter"],
                            rows: edges.sorted().map { [.text($0.replica.rawValue), .int(Int64($0.counter))] },
                            "ON CONFLICT (replica, counter) DO NOTHING")
        for (record, dots) in replaced.sorted(by: { $0.key < $1.key }) {
            for chunk in dots.sorted().chunked(200) {
                try await db.execute("""
                    DELETE FROM merged_versions WHERE region = ? AND record_id = ?
                    AND (replica, counter) IN (VALUES \(Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")))
                    """, [.text(homes[record]!), .text(record)] + chunk.flatMap { [SQLValue.text($0.replica.rawValue), .int(Int64($0.counter))] })
            }
        }
        // The new versions nobody replaced are current.
        var gone = Set<Dot>()
        for (replica, group) in Dictionary(grouping: changes.map(\.dot), by: \.replica) {
            for chunk in group.sorted().chunked(500) {
                let rows = try await db.query("SELECT counter FROM superseded WHERE replica = ? AND counter IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))",
                                              [.text(replica.rawValue)] + chunk.map { .int(Int64($0.counter)) })
                for row in rows { gone.insert(Dot(replica, UInt64(try row.int("counter")))) }
            }
        }
        try await db.insert(into: "merged_versions", columns: ["record_id", "field", "replica", "counter", "lamport", "value", "agent", "wall_time", "region"],
                            rows: try changes.filter { !gone.contains($0.dot) }.map { change in
                                [.text(change.recordID), .text(change.field), .text(change.dot.replica.rawValue), .int(Int64(change.dot.counter)),
                                 .int(Int64(change.lamport)), Self.isSealed(change) ? .null : .text(try Self.encoded(change.value)), .text(change.agent),
                                 .int(change.wallTime), .text(homes[change.recordID]!)]
                            }, "ON CONFLICT DO NOTHING")
        var types: [String: (type: RecordType, region: String)] = [:]
        for change in changes { types[change.recordID] = (change.recordType, homes[change.recordID]!) }
        try await summarize(types, in: db)
    }

    /// Writes each record's status and the fields in conflict from its current versions.
    private func summarize(_ types: [String: (type: RecordType, region: String)], in db: any SQLConnection) async throws {
        let live = try await liveVersions(of: Array(types.keys), regions: types.mapValues(\.region), in: db)
        try await db.insert(into: "merged_records", columns: ["record_id", "record_type", "status", "conflicts", "region"],
                            rows: types.sorted(by: { $0.key < $1.key }).map { id, kind in
                                let fields = live[id] ?? [:]
                                let status = MergeRules.status(fields)
                                let conflicts = Conflict.within(id, live: fields, status: status).map(\.field).sorted().joined(separator: ",")
                                return [.text(id), .text(kind.type.rawValue), .text(status.rawValue), .text(conflicts), .text(kind.region)]
                            }, "ON CONFLICT (record_id, region) DO UPDATE SET status = excluded.status, conflicts = excluded.conflicts")
    }

    /// The current versions of `ids`' fields. A sealed value is opened from its change when its
    /// field is among `opening` (every field when nil), or has several versions (to tell a
    /// conflict); otherwise it stands as an empty text. Each record is read in its home region's
    /// partition only: the one `regions` gives (named in the statement, so PostgreSQL prunes the
    /// others as it plans), or else the one its row of `records` names.
    func liveVersions(of ids: [String], regions: [String: String]? = nil, in db: any SQLConnection,
                      opening: Set<String>? = []) async throws -> [String: [String: [FieldVersion]]] {
        var out: [String: [String: [FieldVersion]]] = [:]
        var sealed: [(record: String, field: String, dot: Dot, region: String)] = []
        let groups = regions.map { regions in Dictionary(grouping: ids, by: { Optional(regions[$0] ?? RegionPartition.unknown) }) } ?? [nil: ids]
        let chunks = groups.sorted { ($0.key ?? "") < ($1.key ?? "") }.flatMap { region, group in group.sorted().chunked(400).map { (region, $0) } }
        for (region, chunk) in chunks {
            let list = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try await db.query(region == nil ? """
                SELECT v.record_id, v.field, v.replica, v.counter, v.lamport, v.value, v.agent, v.wall_time, v.region
                FROM records r JOIN merged_versions v ON v.region = r.region AND v.record_id = r.record_id WHERE r.record_id IN (\(list))
                """ : """
                SELECT record_id, field, replica, counter, lamport, value, agent, wall_time, region FROM merged_versions
                WHERE region = ? AND record_id IN (\(list))
                """, (region.map { [SQLValue.text($0)] } ?? []) + chunk.map(SQLValue.text))
            for row in rows {
                let record = try row.text("record_id"), field = try row.text("field")
                let dot = Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))
                if row["value"].string == nil { sealed.append((record, field, dot, try row.text("region"))) }
                out[record, default: [:]][field, default: []].append(
                    FieldVersion(dot: dot, lamport: UInt64(try row.int("lamport")), value: try row["value"].string.map(Self.decoded) ?? .text(""),
                                 agent: try row.text("agent"), wallTime: try row.int("wall_time")))
            }
        }
        // The sealed values asked for, read from their changes a few hundred at a time.
        let wanted = sealed.filter { entry in
            opening.map { $0.contains(entry.field) } ?? true || (out[entry.record]?[entry.field]?.count ?? 0) > 1
        }
        let sealedChunks = Dictionary(grouping: wanted, by: \.region).sorted(by: { $0.key < $1.key })
        for (region, chunk) in sealedChunks.flatMap({ region, entries in entries.chunked(200).map { (region, $0) } }) {
            let tuples = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
            let rows = try await db.query("SELECT replica, counter, body FROM changes WHERE region = ? AND (replica, counter) IN (VALUES \(tuples))",
                                          [.text(region)] + chunk.flatMap { [SQLValue.text($0.dot.replica.rawValue), .int(Int64($0.dot.counter))] })
            var bodies: [Dot: String] = [:]
            for row in rows { bodies[Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))] = try row.text("body") }
            for entry in chunk {
                guard let body = bodies[entry.dot], let index = out[entry.record]?[entry.field]?.firstIndex(where: { $0.dot == entry.dot }) else { continue }
                out[entry.record]?[entry.field]?[index].value = try change(fromBody: body, dot: entry.dot).value
            }
        }
        return out.mapValues { $0.mapValues { $0.sorted { $0.dot < $1.dot } } }
    }

    /// Every record as the merged state shows it, sealed values opened: what a replica holding
    /// every change the store holds shows (`ReplicaSnapshot`).
    func mergedSnapshot() async throws -> ReplicaSnapshot {
        try await database.transaction { db in
            var places: [String: (type: RecordType, area: String)] = [:]
            for row in try await db.query("SELECT r.record_id, r.record_type, p.area FROM merged_records r LEFT JOIN records p ON p.record_id = r.record_id") {
                places[try row.text("record_id")] = (RecordType(rawValue: try row.text("record_type")) ?? .household, row["area"].string ?? "")
            }
            let live = try await self.liveVersions(of: Array(places.keys), in: db, opening: nil)
            var records: [String: (type: RecordType, area: String, live: [String: [FieldVersion]])] = [:]
            for (id, place) in places {
                guard let fields = live[id], !fields.isEmpty else { continue }
                records[id] = (place.type, place.area, fields)
            }
            return ReplicaSnapshot(records: records)
        }
    }

    /// Fills the merged state from the change log, once: a store from before it existed.
    func replayMergedState() async throws {
        try await database.transaction { db in
            guard try await db.query("SELECT value FROM server_meta WHERE name = 'merged'").isEmpty else { return }
            var after = (replica: "", counter: Int64(0))
            while true {
                let rows = try await db.query("""
                    SELECT replica, counter, body, region FROM changes WHERE replica > ? OR (replica = ? AND counter > ?)
                    ORDER BY replica, counter LIMIT 1000
                    """, [.text(after.replica), .text(after.replica), .int(after.counter)])
                guard let last = rows.last else { break }
                after = (try last.text("replica"), try last.int("counter"))
                try await self.merge(try rows.map { row in
                    (try self.change(fromBody: try row.text("body"), dot: Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))),
                     try row.text("region"))
                }, in: db)
            }
            try await db.execute("INSERT INTO server_meta (name, value) VALUES ('merged', '1') ON CONFLICT (name) DO NOTHING")
        }
    }

    private static func encoded(_ value: FieldValue) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
    static func decoded(_ text: String) throws -> FieldValue { try JSONDecoder().decode(FieldValue.self, from: Data(text.utf8)) }
}

extension Array {
    /// The elements in runs of at most `size`.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
