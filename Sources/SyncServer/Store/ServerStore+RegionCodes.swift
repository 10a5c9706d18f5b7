import FieldModels
import Foundation
import SyncEngine

/// The step to official region codes on a store made when region ids were paths
/// (`3374/banyumanik/srondol-kulon`, now `33.74.11.1006`): the region table, agents (area and
/// former areas), each change's filed and stated area and its body (area and region-valued
/// fields, re-sealed when sensitive, digest recomputed), each record's area and the areas it was
/// in, and the pull's index of writers by area (`replica_areas`, `moved_records`). Origin seals
/// stay as signed; whoever checks or forwards one asks for the changes as then written
/// (`LegacyAreas`). Runs at open, after the key is read (sealed bodies must be opened), in one
/// transaction, once: `server_meta` notes that it ran, so later opens skip it.
extension ServerStore {
    @discardableResult
    func recodeRegions() async throws -> Int {
        try await database.transaction { db in
            guard try await db.query("SELECT value FROM server_meta WHERE name = 'region_codes'").isEmpty else { return 0 }
            try await db.execute("INSERT INTO server_meta (name, value) VALUES ('region_codes', '1') ON CONFLICT (name) DO NOTHING")
            let rows = try await db.query("SELECT id, level, name, parent, code FROM regions").map {
                RegionRecoding.Row(id: try $0.text("id"), level: try $0.text("level"), name: try $0.text("name"),
                                   parent: $0["parent"].string, code: $0["code"].string)
            }
            let codes = RegionRecoding.codes(for: rows)
            guard !codes.isEmpty else { return 0 }
            for row in rows {
                guard let new = codes[row.id] else { continue }
                try await db.execute("UPDATE regions SET id = ?, parent = ?, code = ? WHERE id = ?",
                                     [.text(new), row.parent.map { .text(codes[$0] ?? $0) } ?? .null, .text(new), .text(row.id)])
            }
            for (legacy, new) in codes {
                try await db.execute("UPDATE agents SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE changes SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE changes SET stated = ? WHERE stated = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE records SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE record_areas SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE former_areas SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE replica_areas SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
                try await db.execute("UPDATE moved_records SET area = ? WHERE area = ?", [.text(new), .text(legacy)])
            }
            for agent in try await db.query("SELECT id, previous_areas FROM agents WHERE previous_areas <> ''") {
                let previous = try agent.text("previous_areas").split(separator: ",").map { codes[String($0)] ?? String($0) }
                try await db.execute("UPDATE agents SET previous_areas = ? WHERE id = ?",
                                     [.text(previous.joined(separator: ",")), .text(try agent.text("id"))])
            }
            var rewritten = 0
            for row in try await db.query("SELECT replica, counter, body, region FROM changes") {
                let dot = Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))
                let change = try self.change(fromBody: try row.text("body"), dot: dot)
                var new = change
                new.area = codes[change.area] ?? change.area
                if case .text(let value) = change.value, let code = codes[value], RegionRecoding.areaFields.contains(change.field) {
                    new.value = .text(code)
                }
                guard new != change else { continue }
                let stored = try self.stored(new)
                try await db.execute("UPDATE changes SET body = ?, digest = ? WHERE region = ? AND replica = ? AND counter = ?",
                                     [.text(stored.body), .text(stored.digest), .text(try row.text("region")), .text(dot.replica.rawValue),
                                      .int(Int64(dot.counter))])
                if database.dialect == .postgres {
                    try await db.execute("UPDATE dots SET digest = ? WHERE replica = ? AND counter = ?",
                                         [.text(stored.digest), .text(dot.replica.rawValue), .int(Int64(dot.counter))])
                }
                rewritten += 1
            }
            try await Self.audit(.regionsRecoded, detail: "\(codes.count) region ids became Kemendagri codes; \(rewritten) changes rewritten",
                                 now: Clock.now, in: db)
            return rewritten
        }
    }
}
