import FieldModels
import Foundation
import GRDB
import SyncEngine

/// Migration `v7-official-region-codes`: a replica made when region ids were paths
/// (`3374/banyumanik/srondol-kulon`) gets the Kemendagri codes (`33.74.11.1006`) everywhere an
/// id is kept: the region table, each change's area and region-valued fields, each record's
/// area, the agent, the scope and its checkpoints, the peers heard from.
///
/// Origin seals are left as they are: they sign the changes as written then, and whoever
/// verifies or forwards one asks for that form (`LegacyAreas`). The scope grant is dropped: it
/// named the old area under the server's signature, and the next sync brings a new one.
enum RegionCodeMigration {
    static func run(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, level, name, parent, code FROM region").map {
            RegionRecoding.Row(id: $0["id"], level: $0["level"], name: $0["name"], parent: $0["parent"], code: $0["code"])
        }
        let codes = RegionRecoding.codes(for: rows)
        guard !codes.isEmpty else { return }
        func code(_ id: String?) -> String? { id.map { codes[$0] ?? $0 } }

        for row in rows {
            guard let new = codes[row.id] else { continue }
            try db.execute(sql: "UPDATE region SET id = ?, parent = ?, code = ? WHERE id = ?",
                           arguments: [new, code(row.parent), new, row.id])
        }
        let fields = RegionRecoding.areaFields.sorted()
        let marks = databaseQuestionMarks(count: fields.count)
        for (legacy, new) in codes {
            try db.execute(sql: "UPDATE change_log SET area = ? WHERE area = ?", arguments: [new, legacy])
            try db.execute(sql: "UPDATE record SET area = ? WHERE area = ?", arguments: [new, legacy])
            let values = StatementArguments([ValueCoding.encode(.text(new)), ValueCoding.encode(.text(legacy))]) + StatementArguments(fields)
            try db.execute(sql: "UPDATE change_log SET value = ? WHERE value = ? AND field IN (\(marks))", arguments: values)
            try db.execute(sql: "UPDATE field_value SET value = ? WHERE value = ? AND field IN (\(marks))", arguments: values)
        }

        if let agent = try Meta.get(db, "agent"), var fields = try JSONSerialization.jsonObject(with: Data(agent.utf8)) as? [String: Any],
           let area = fields["area"] as? String, let new = codes[area] {
            fields["area"] = new
            try Meta.set(db, "agent", String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self))
        }
        try db.execute(sql: "DELETE FROM meta WHERE key = 'sync.grant'")
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'sync.%'") {
            let key: String = row["key"], value: String = row["value"]
            var newKey = key, newValue = value
            if key == "sync.scope" { newValue = scopeKey(value, codes) }
            if key.hasPrefix("sync.checkpoint.") { newKey = "sync.checkpoint." + scopeKey(String(key.dropFirst("sync.checkpoint.".count)), codes) }
            if key.hasPrefix("sync.peer."), var peer = try? JSONDecoder().decode(LocalReplica.Peer.self, from: Data(value.utf8)),
               let new = codes[peer.scope.area] {
                peer.scope.area = new
                newValue = String(decoding: try JSONEncoder().encode(peer), as: UTF8.self)
            }
            guard newKey != key || newValue != value else { continue }
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
            try Meta.set(db, newKey, newValue)
        }
    }

    /// A scope as written in keys (`area:3374/banyumanik`) with its area's code.
    private static func scopeKey(_ text: String, _ codes: [String: String]) -> String {
        guard text.hasPrefix("area:"), let new = codes[String(text.dropFirst(5))] else { return text }
        return "area:" + new
    }
}
