import FieldModels

/// What the sync engine needs of a replica, whatever holds it (memory, SQLite, the server).
///
/// ```swift
/// try Sync.pull(into: laptop, from: server)   // laptop asks for what it lacks, applies it
/// ```
public protocol ReplicaStore: AnyObject {
    var replicaID: ReplicaID { get }
    /// What this replica has seen, as it exchanges it (retired devices folded in).
    func versionVector() throws -> VersionVector
    /// The same with every retired device named: for a peer that does not know the same
    /// retirements.
    func fullVersionVector() throws -> VersionVector
    /// The retired devices this replica knows of.
    func retirements() throws -> Retirements
    /// Exactly the changes held here that a replica knowing `vector` lacks, whole transactions
    /// together, with their origin seals and their replicas' certificates.
    func changes(notIn vector: VersionVector) throws -> SealedBatch
    /// Checks received changes (`Admission.check`: grammar, origin seals) and applies them in
    /// one atomic step; a refused batch changes nothing. Idempotent and order-free.
    func receive(_ batch: SealedBatch) throws
    /// The records and conflicts this replica shows.
    func snapshot() throws -> ReplicaSnapshot
    /// How many conflicts `snapshot()` would list, without building it: a store may keep the
    /// count as it goes, so the end of a sync does not read the whole replica.
    func conflictCount() throws -> Int
    /// Forgets deleted records whose every change (tombstone included) all of `vectors` cover:
    /// pass the version vectors of every replica in scope, this one's too. A record still in a
    /// delete conflict, or whose tombstone any replica may lack, is kept. Returns the ids forgotten.
    @discardableResult
    func compact(seenBy vectors: [VersionVector]) throws -> [String]
}

extension ReplicaStore {
    public func conflictCount() throws -> Int { try snapshot().conflicts.count }
}

extension MergeRules {
    /// Whether a deleted record may be forgotten: deleted without conflict, and every change of
    /// it covered by every vector in scope (so no replica can send an edit the tombstone missed).
    public static func isCompactable(status: RecordStatus, dots: [Dot], seenBy vectors: [VersionVector]) -> Bool {
        status == .deleted && !vectors.isEmpty && dots.allSatisfy { dot in vectors.allSatisfy { $0.contains(dot) } }
    }
}

/// Splitting a delta into batches that never cut a transaction (a household and its members
/// travel together).
public enum Batching {
    public static func batches(_ changes: [Change], maxChanges: Int) -> [[Change]] {
        var batches: [[Change]] = []
        var start = 0
        while start < changes.count {
            let end = pageEnd(from: start, count: changes.count, maxChanges: maxChanges) { changes[$0].transaction == changes[$1].transaction }
            batches.append(Array(changes[start..<end]))
            start = end
        }
        return batches
    }

    /// Where the batch that starts at item `start` (of `count`, a transaction's items next to
    /// each other) ends: whole transactions, cut before one that would take the batch past
    /// `maxChanges` (a transaction larger than that goes alone). `sameTransaction(i, j)` says
    /// whether items i and j belong to one transaction. For a delta held as changes or as keys.
    public static func pageEnd(from start: Int, count: Int, maxChanges: Int, sameTransaction: (Int, Int) -> Bool) -> Int {
        var end = start
        while end < count {
            var close = end + 1
            while close < count && sameTransaction(end, close) { close += 1 }
            if end > start && close - start > maxChanges { break }
            end = close
        }
        return end
    }
}

/// Delta sync between two stores.
public enum Sync {
    /// `receiver` asks `sender` for what it lacks and applies it, batch by batch. Returns the
    /// number of changes sent.
    @discardableResult
    public static func pull(into receiver: any ReplicaStore, from sender: any ReplicaStore, maxBatch: Int = 500) throws -> Int {
        let known = try knowledge(of: receiver, for: sender)
        let claimed = try sender.versionVector()[receiver.replicaID]
        guard claimed <= known[receiver.replicaID] else {
            throw SyncError.rewound(receiver.replicaID, holds: known[receiver.replicaID], peerHolds: claimed)
        }
        let delta = try sender.changes(notIn: known)
        for batch in Batching.batches(delta, maxChanges: maxBatch) { try receiver.receive(batch) }
        return delta.changes.count
    }

    /// What `receiver` tells `sender` it has seen: its exchanged vector, or its full one when
    /// the two do not know the same retired devices (one more round trip on the wire).
    public static func knowledge(of receiver: any ReplicaStore, for sender: any ReplicaStore) throws -> VersionVector {
        let folded = try receiver.versionVector()
        guard folded.retiredDigest != 0, folded.retiredDigest != (try sender.retirements().digest) else { return folded }
        return try receiver.fullVersionVector()
    }

    /// Every pair exchanges in both directions until a full round moves nothing new.
    /// Returns the number of rounds.
    @discardableResult
    public static func untilQuiet(_ replicas: [any ReplicaStore], maxRounds: Int = 50) throws -> Int {
        for round in 1...maxRounds {
            let before = try replicas.map { try $0.versionVector() }
            for a in replicas {
                for b in replicas where a !== b { try pull(into: a, from: b) }
            }
            if try replicas.map({ try $0.versionVector() }) == before { return round }
        }
        return maxRounds
    }
}

/// A replica an agent writes to directly: what the property tests drive, and what settling a
/// conflict needs. Writes here skip the record rules of `FieldModels`; the CLI saves through
/// them.
public protocol WritableReplica: ReplicaStore {
    /// Writes these fields (only these) of a record; returns the changes made.
    @discardableResult
    func write(_ recordID: String, type: RecordType, area: String, fields: FieldMap, wallTime: Int64) throws -> [Change]
    /// Deletes a record with a tombstone over every version held of it.
    @discardableResult
    func delete(_ recordID: String, wallTime: Int64) throws -> [Change]
    /// Settles one field: a change superseding exactly the versions now current.
    @discardableResult
    func resolve(_ recordID: String, field: String, value: FieldValue, wallTime: Int64) throws -> [Change]
}

/// Why a sync stopped.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A peer holds more of this replica's own changes than it does: the replica was restored
    /// from an older copy and kept its id, so its new changes could reuse dots. Nothing was
    /// exchanged; the replica must take a new id (`LocalReplica.open` does so on its own when
    /// its high-water mark survived).
    case rewound(ReplicaID, holds: UInt64, peerHolds: UInt64)

    public var text: LocalizedText {
        switch self {
        case .rewound(let id, let holds, let peer):
            LocalizedText(id: "Replika \(id) tampaknya dipulihkan dari salinan lama (punya \(holds) perubahan sendiri, rekan mengenal \(peer)). Sinkronisasi dihentikan agar tidak ada data tertimpa; hubungi admin Dinas.",
                          en: "Replica \(id) seems restored from an old copy (it holds \(holds) of its own changes, the peer knows \(peer)). Sync stopped so nothing is overwritten; contact the Dinas admin.")
        }
    }

    public var description: String { text.en }
}
