import FieldModels
import GRDB
import SyncEngine

extension LocalReplica {
    /// The changes a replica knowing `vector` lacks, as a push read page by page: only their
    /// sort keys are held (32 bytes a change: 17 MB for a first push of 520,000 changes, where
    /// the changes themselves took a gigabyte), each page read from the log when it is asked.
    public func pushSource(notIn vector: VersionVector) throws -> some PushSource {
        try read { db in
            let vector = try retirements(in: db).unfold(vector)
            let names = try String.fetchAll(db, sql: "SELECT replica FROM version_vector ORDER BY replica")
            var keys: [LocalPush.Key] = []
            for (index, replica) in names.enumerated() {
                let id = ReplicaID(replica)
                let rows = try Row.fetchCursor(db, sql: "SELECT counter, lamport, tx_counter FROM change_log WHERE replica = ? AND counter > ?",
                                               arguments: [replica, Int64(vector[id])])
                while let row = try rows.next() {
                    let counter = UInt64(row[0] as Int64)
                    if vector.beyond.contains(Dot(id, counter)) { continue }
                    keys.append(LocalPush.Key(lamport: UInt64(row[1] as Int64), replica: UInt32(index), transaction: UInt64(row[2] as Int64),
                                              counter: counter))
                }
            }
            keys.sort()
            return LocalPush(replica: self, names: names, keys: keys)
        }
    }
}

/// See `LocalReplica.pushSource(notIn:)`. Keys sort as `changes(notIn:)` orders a delta: by
/// Lamport time, then transaction, then dot (a transaction's changes are its writer's, so the
/// replica index stands for both).
struct LocalPush: PushSource {
    struct Key: Comparable {
        var lamport: UInt64
        /// The index of the replica id in `names` (sorted, so indexes sort as the ids do).
        var replica: UInt32
        var transaction: UInt64
        var counter: UInt64

        static func < (a: Key, b: Key) -> Bool {
            (a.lamport, a.replica, a.transaction, a.counter) < (b.lamport, b.replica, b.transaction, b.counter)
        }
    }

    let replica: LocalReplica
    /// Replica ids by index, in their sort order.
    let names: [String]
    /// Sorted.
    let keys: [Key]
    private var position = 0
    var total: Int { keys.count }

    init(replica: LocalReplica, names: [String], keys: [Key]) {
        self.replica = replica
        self.names = names
        self.keys = keys
    }

    mutating func next(maxChanges: Int) throws -> SealedBatch {
        while position < keys.count {
            let keys = keys
            let end = Batching.pageEnd(from: position, count: keys.count, maxChanges: maxChanges) {
                keys[$0].replica == keys[$1].replica && keys[$0].transaction == keys[$1].transaction
            }
            let page = keys[position..<end]
            position = end
            let names = names
            let batch = try replica.read { db in
                try replica.sealed(page.compactMap { key in
                    try db.row("SELECT * FROM change_log WHERE replica = ? AND counter = ?", [names[Int(key.replica)], Int64(key.counter)])
                        .map { try replica.change(from: $0, in: db) }
                }, in: db)
            }
            // Changes held without a seal stay here (`sealed`); a page of only those is skipped.
            if !batch.changes.isEmpty { return batch }
        }
        return SealedBatch()
    }
}
