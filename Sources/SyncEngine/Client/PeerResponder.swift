import Foundation

/// What a laptop answering peers (the TKSK's, under `field serve-local`) offers.
public protocol PeerSource {
    /// Everything it holds.
    func fullVersionVector() throws -> VersionVector
    /// What a replica of `scope` holding `knowledge` lacks, sealed, the rest of a transaction withheld.
    func changes(for scope: SyncScope, notIn knowledge: VersionVector) throws -> SealedBatch
    /// Checks (origin seals, certificates) and applies a batch whole, or refuses it whole.
    func receive(_ batch: SealedBatch) throws
    func certificate(of replica: ReplicaID) throws -> ReplicaCertificate?
    /// The digest of each held change of `replica` after `counter`, in counter order, at most `limit`.
    func ownDigests(of replica: ReplicaID, after counter: UInt64, limit: Int) throws -> [(counter: UInt64, digest: Data)]
    /// Whether it holds any change of `record` (a record that moved here keeps its history).
    func holds(record: String) throws -> Bool
    /// What it holds, and what it let go because the server holds it: what it tells an asker.
    func coveredVector() throws -> VersionVector
}

extension PeerSource {
    public func holds(record: String) throws -> Bool { false }
    public func coveredVector() throws -> VersionVector { try fullVersionVector() }
}

/// The server's side of the sync protocol, answered by a laptop for another laptop: a TKSK's
/// for its PSM, over the office network. The same requests as to the Dinas server, so the
/// asker runs the same `SyncMachine`; what differs is who is trusted for what. The asker has
/// proven its certificate and its `ScopeGrant` before this is called; a push is kept only in
/// the answering laptop's own scope, and a pull answers the asker's granted scope only.
public struct PeerResponder {
    public let source: any PeerSource
    /// What this laptop keeps of a push.
    public let keeps: SyncScope

    public init(source: any PeerSource, keeps: SyncScope) {
        self.source = source
        self.keeps = keeps
    }

    public enum Failure: Error, Equatable {
        /// A session must be opened as the replica the asker's certificate names.
        case notTheSender
    }

    /// The answer to `request` from the replica of `asker`, granted `scope`.
    public func answer(_ request: SyncRequest, asker: ReplicaCertificate, scope: SyncScope) throws -> SyncAnswer {
        switch request {
        case .session(let body): .session(try session(body, asker: asker, scope: scope))
        case .push(let body): .push(try push(body, asker: asker))
        case .pull(let body): .pull(try pull(body, scope: scope))
        case .digests(let body): .digests(try digests(body))
        }
    }

    /// What this laptop holds of the replicas the asker names and of the asker's agent's own.
    func session(_ request: SessionRequest, asker: ReplicaCertificate, scope: SyncScope) throws -> SessionResponse {
        guard request.replica == asker.replica else { throw Failure.notTheSender }
        let held = try source.coveredVector()
        var own: [OwnReplica] = []
        for id in Set((request.replicas ?? []) + [request.replica]).sorted() {
            let certificate = id == asker.replica ? asker : try source.certificate(of: id)
            guard let certificate, certificate.agent == asker.agent else { continue }
            let counter = held[id]
            let digest = counter == 0 ? nil : try source.ownDigests(of: id, after: counter - 1, limit: 1).first?.digest
            own.append(OwnReplica(replica: id, counter: counter, digest: digest, certificate: certificate))
        }
        let named = Set(request.replicas ?? []).union([request.replica])
        let vector = VersionVector(held.counters.filter { named.contains($0.key) }, beyond: held.beyond.filter { named.contains($0.replica) })
        let agent = AgentProfile(id: asker.agent, name: asker.agent, role: .psm, area: scope.area, families: scope.families)
        return SessionResponse(device: asker.device, agent: agent, scope: scope, serverVector: vector,
                               maxBatchChanges: WireProtocol.maxBatchChanges, own: own)
    }

    /// Keeps what this laptop's scope admits of a push. The asker's own changes verify with
    /// its certificate; changes it relays, with the certificates this laptop holds.
    func push(_ request: PushRequest, asker: ReplicaCertificate) throws -> PushResponse {
        let keeps = self.keeps
        var sealed = request.sealed
        sealed.certificates = (request.certificates ?? []) + [asker]
        let kept = try Placement.kept(by: keeps, sealed.changes) { try source.holds(record: $0) }
        let batch = sealed.restricted { kept.contains($0.dot) }
        let before = try source.fullVersionVector()
        try source.receive(batch)
        let fresh = batch.changes.filter { !before.contains($0.dot) }.count
        return PushResponse(batch: request.batch, accepted: fresh, duplicate: fresh == 0 && !batch.isEmpty)
    }

    /// One page: whole transactions in transaction order after `after`, of the changes in
    /// `scope` that `knowledge` lacks among those `upTo` (this laptop's vector when the pull
    /// began) covers.
    func pull(_ request: PullRequest, scope: SyncScope) throws -> PullResponse {
        let limit = min(max(request.maxChanges ?? WireProtocol.batchChanges, 1), WireProtocol.maxBatchChanges)
        let upTo = try request.upTo ?? source.fullVersionVector()
        let all = try source.changes(for: scope, notIn: request.knowledge)
        let after = request.after
        let transactions = Dictionary(grouping: all.changes.filter { upTo.contains($0.dot) }, by: \.transaction)
            .filter { entry in after.map { entry.key > $0 } ?? true }
            .sorted { $0.key < $1.key }
        var page: [Change] = []
        var next: Dot?
        for (index, entry) in transactions.enumerated() {
            if !page.isEmpty && page.count + entry.value.count > limit {
                next = transactions[index - 1].key
                break
            }
            page += entry.value.sorted { $0.dot < $1.dot }
        }
        return PullResponse(all.carrying(page), upTo: upTo, next: next, scope: scope)
    }

    func digests(_ request: DigestsRequest) throws -> DigestsResponse {
        let limit = min(max(request.limit ?? 1000, 1), 10_000)
        let entries = try source.ownDigests(of: request.replica, after: request.after, limit: limit + 1)
        return DigestsResponse(replica: request.replica, digests: entries.prefix(limit).map { .init(counter: $0.counter, digest: $0.digest) },
                               more: entries.count > limit)
    }
}
