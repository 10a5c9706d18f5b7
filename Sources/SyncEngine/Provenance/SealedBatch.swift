import FieldModels

/// Changes as they travel between replicas: whole transactions, each with its origin's seal,
/// and the certificates of the replicas that wrote them.
public struct SealedBatch: Sendable, Hashable {
    public var changes: [Change]
    public var seals: [OriginSeal]
    public var certificates: [ReplicaCertificate]

    public init(changes: [Change] = [], seals: [OriginSeal] = [], certificates: [ReplicaCertificate] = []) {
        self.changes = changes
        self.seals = seals
        self.certificates = certificates
    }

    public var isEmpty: Bool { changes.isEmpty }

    /// The part of this batch holding `changes` (a subset of its own): their transactions'
    /// seals and their replicas' certificates.
    public func carrying(_ changes: [Change]) -> SealedBatch {
        let transactions = Set(changes.map(\.transaction))
        let replicas = Set(changes.map(\.dot.replica))
        return SealedBatch(changes: changes, seals: seals.filter { transactions.contains($0.transaction) },
                           certificates: certificates.filter { replicas.contains($0.replica) })
    }
}

extension Batching {
    /// `batch` cut into batches of at most `maxChanges` (a bigger transaction goes alone), each
    /// with the seals and certificates its changes need.
    public static func batches(_ batch: SealedBatch, maxChanges: Int) -> [SealedBatch] {
        batches(batch.changes, maxChanges: maxChanges).map(batch.carrying)
    }
}

extension SealedBatch {
    /// This batch without the records `keep` refuses: their changes go, and their share of each
    /// transaction joins the seal's withheld digests, so what stays still verifies.
    public func restricted(to keep: (Change) -> Bool) -> SealedBatch {
        let kept = changes.filter(keep)
        guard kept.count != changes.count else { return self }
        let dropped = Dictionary(grouping: changes.filter { !keep($0) }, by: \.transaction)
        let transactions = Set(kept.map(\.transaction))
        let seals = seals.filter { transactions.contains($0.transaction) }.map { seal in
            var seal = seal
            seal.withheld += OriginSeal.groups(dropped[seal.transaction] ?? []).values
            return seal
        }
        let replicas = Set(kept.map(\.dot.replica))
        return SealedBatch(changes: kept, seals: seals, certificates: certificates.filter { replicas.contains($0.replica) })
    }
}
