import Foundation

/// The file transport, writing side: a bundle is made by running `SyncMachine` with pushes
/// only into this outbox, which stands for the recipient as the sender last heard of it. Its
/// session answers with the recipient's knowledge, grown by everything pushed so far; what is
/// pushed is kept, in order, to be written out as the bundle's files. The sender's driver
/// gathers only what the recipient's scope admits (`SyncRoles.collect`).
public final class BundleOutbox: SyncTransport {
    /// What the file will hold: every batch pushed, merged.
    public private(set) var batch = SealedBatch()
    /// What the recipient holds once it has taken the file, as far as the sender can tell.
    public private(set) var knowledge: VersionVector
    let sender: ReplicaCertificate
    let scope: SyncScope
    let certificates: (ReplicaID) throws -> ReplicaCertificate?

    public enum Failure: Error, Equatable {
        /// A file cannot answer a pull or a digest walk: it only takes what is written into it.
        case notAnswerable(String)
    }

    /// - Parameters: `knowledge`: what the recipient held when it last sent something (empty for
    ///   a recipient not heard from); `scope`: what an answer to it may carry; `sender`: the
    ///   certificate of the laptop making the bundle; `certificates`: the certificates it holds,
    ///   by replica id, for the recipient to verify every origin seal with.
    public init(knowledge: VersionVector, scope: SyncScope, sender: ReplicaCertificate,
                certificates: @escaping (ReplicaID) throws -> ReplicaCertificate?) {
        self.knowledge = knowledge
        self.scope = scope
        self.sender = sender
        self.certificates = certificates
    }

    public func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        switch request {
        case .session:
            let agent = AgentProfile(id: sender.agent, name: sender.agent, role: .psm, area: scope.area, families: scope.families)
            return .session(SessionResponse(device: sender.device, agent: agent, scope: scope, serverVector: knowledge,
                                            maxBatchChanges: WireProtocol.maxBatchChanges, own: []))
        case .push(let push):
            let carried = try push.carryingCertificates(certificates)
            let sealed = SealedBatch(changes: carried.changes, seals: carried.seals, certificates: carried.certificates ?? [])
            let fresh = sealed.changes.filter { !knowledge.contains($0.dot) }
            batch = batch.merged(with: sealed)
            for change in sealed.changes { knowledge.insert(change.dot) }
            return .push(PushResponse(batch: push.batch, accepted: fresh.count, duplicate: fresh.isEmpty && !sealed.isEmpty))
        case .pull, .digests:
            throw Failure.notAnswerable(request.path)
        }
    }
}

/// The file transport, reading side: a bundle taken by running `SyncMachine` with pulls only
/// against this inbox, which answers as the laptop that made it would, from what the bundle
/// carries: `PeerResponder` over the bundle's changes, cut to the taker's scope, page by page,
/// so a large bundle is stored in bounded transactions and a cut import resumes.
public struct BundleInbox: SyncTransport {
    let responder: PeerResponder
    let asker: ReplicaCertificate
    let scope: SyncScope

    public enum Failure: Error, Equatable {
        /// A file that is read cannot take a push.
        case notWritable
    }

    /// - Parameters: `asker`: the taking laptop's certificate; `scope`: what it keeps.
    public init(_ bundle: SyncBundle, asker: ReplicaCertificate, scope: SyncScope) {
        responder = PeerResponder(source: BundleSource(batch: bundle.batch), keeps: ScopeGrant.nothing)
        self.asker = asker
        self.scope = scope
    }

    public func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        if case .push = request { throw Failure.notWritable }
        return try responder.answer(request, asker: asker, scope: scope)
    }
}

/// What a bundle carries, as a `PeerSource`. It claims to hold exactly the changes it carries:
/// a bundle never makes its taker believe it holds more than it stored (the scope-aware
/// knowledge rule, `conflicts/README.md`), nor does a part stand for the whole series.
struct BundleSource: PeerSource {
    let batch: SealedBatch

    func fullVersionVector() throws -> VersionVector {
        var vector = VersionVector()
        for change in batch.changes { vector.insert(change.dot) }
        return vector
    }

    func changes(for scope: SyncScope, notIn knowledge: VersionVector) throws -> SealedBatch {
        let kept = Placement.kept(by: scope, batch.changes) { _ in false }
        return batch.restricted { !knowledge.contains($0.dot) && kept.contains($0.dot) }
    }

    func receive(_ batch: SealedBatch) throws {
        throw BundleInbox.Failure.notWritable
    }

    func certificate(of replica: ReplicaID) throws -> ReplicaCertificate? {
        batch.certificates.first { $0.replica == replica }
    }

    func ownDigests(of replica: ReplicaID, after counter: UInt64, limit: Int) throws -> [(counter: UInt64, digest: Data)] {
        batch.changes.filter { $0.dot.replica == replica && $0.dot.counter > counter }
            .sorted { $0.dot.counter < $1.dot.counter }
            .prefix(limit).map { ($0.dot.counter, $0.digest) }
    }
}

extension SealedBatch {
    /// This batch and `other` as one: every change once, every certificate once, and one seal
    /// per transaction, withholding only what neither batch carries of it.
    public func merged(with other: SealedBatch) -> SealedBatch {
        var out = self
        var held = Set(changes.map(\.dot))
        for change in other.changes where held.insert(change.dot).inserted { out.changes.append(change) }
        let theirs = Dictionary(other.seals.map { ($0.transaction, $0) }, uniquingKeysWith: { first, _ in first })
        out.seals = seals.map { seal in
            guard let twin = theirs[seal.transaction] else { return seal }
            var seal = seal
            seal.withheld = seal.withheld.filter(twin.withheld.contains)
            return seal
        }
        let sealed = Set(seals.map(\.transaction))
        out.seals += other.seals.filter { !sealed.contains($0.transaction) }
        let certified = Set(certificates.map(\.replica))
        out.certificates += other.certificates.filter { !certified.contains($0.replica) }
        return out
    }
}
