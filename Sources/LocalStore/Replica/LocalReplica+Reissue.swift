import FieldModels
import Foundation
import GRDB
import SyncEngine

/// Own work moved to a new replica id: what a laptop restored from an old copy does with the
/// changes it wrote after the restore (the server holds other content under those dots), and
/// what a re-enrolled laptop does with the work its old key never got to send.
extension LocalReplica {
    /// Moves this laptop's own changes written as `old` after `counter` to the replica id it
    /// writes as now: the same records, fields and values, new dots, the current agent, sealed
    /// with the current key, in one transaction. A transaction that starts at or before
    /// `counter` moves whole. Returns how many changes moved.
    @discardableResult
    public func reissue(from old: ReplicaID, after counter: UInt64) throws -> Int {
        try transaction { db in
            guard old != replicaID else { return 0 }
            let args: (UInt64) -> StatementArguments = { [old.rawValue, Int64($0)] }
            let firstTransaction = try Int64.fetchOne(db, sql: "SELECT tx_counter FROM change_log WHERE replica = ? AND counter > ? ORDER BY counter LIMIT 1",
                                                      arguments: args(counter))
            guard let firstTransaction else { return 0 }
            let from = min(counter, UInt64(firstTransaction) - 1)
            let moving = try Row.fetchAll(db, sql: "SELECT * FROM change_log WHERE replica = ? AND counter > ? ORDER BY counter",
                                          arguments: args(from)).map { try change(from: $0, in: db) }
            for change in moving {
                let dot: StatementArguments = [old.rawValue, Int64(change.dot.counter)]
                try db.execute(sql: "DELETE FROM change_log WHERE replica = ? AND counter = ?", arguments: dot)
                try db.execute(sql: "DELETE FROM superseded WHERE replica = ? AND counter = ?", arguments: dot)
                try db.execute(sql: "DELETE FROM field_value WHERE replica = ? AND counter = ?", arguments: dot)
                try db.execute(sql: "DELETE FROM origin_seal WHERE replica = ? AND counter = ?", arguments: dot)
            }
            try db.execute(sql: "DELETE FROM version_vector WHERE replica = ?", arguments: [old.rawValue])
            try db.execute(sql: "INSERT INTO version_vector (replica, counter) VALUES (?, 0)", arguments: [old.rawValue])
            try advanceVector(for: old, in: db)

            var next = try Meta.integer(db, "counter")
            var renamed: [Dot: Dot] = [:]
            var fresh: [Change] = []
            for (_, members) in Dictionary(grouping: moving, by: \.transaction).sorted(by: { $0.key < $1.key }) {
                var transaction: [Change] = []
                for change in members.sorted(by: { $0.dot < $1.dot }) {
                    next += 1
                    var copy = change
                    copy.dot = Dot(replicaID, next)
                    copy.transaction = transaction.first?.dot ?? copy.dot
                    copy.supersedes = change.supersedes.map { renamed[$0] ?? $0 }
                    copy.agent = agent.id
                    renamed[change.dot] = copy.dot
                    transaction.append(copy)
                }
                try storeSeal(try signer.seal(transaction), in: db)
                fresh += transaction
            }
            try apply(fresh, in: db)
            try Meta.set(db, "counter", String(next))
            let mark = mark, last = next
            db.afterNextTransaction(onCommit: { _ in mark.record(last) })
            return fresh.count
        }
    }

    /// Lowers what the sync checkpoints claim of `replica` to `counter`: the server holds other
    /// content above it, which the next pull must bring.
    public func lowerCheckpoints(of replica: ReplicaID, to counter: UInt64) throws {
        try transaction { db in
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'sync.checkpoint.%'") {
                let key: String = row["key"]
                guard var vector = try? JSONDecoder().decode(VersionVector.self, from: Data((row["value"] as String).utf8)) else { continue }
                let held = min(vector[replica], counter)
                vector.remove(replica)
                vector.advance(replica, to: held)
                vector.beyond = vector.beyond.filter { $0.replica != replica || $0.counter <= counter }
                try Meta.set(db, key, String(decoding: try JSONEncoder().encode(vector), as: UTF8.self))
            }
            try db.execute(sql: "DELETE FROM meta WHERE key = 'sync.pull'")
        }
    }
}
