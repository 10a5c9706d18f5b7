import Foundation
import SyncEngine

/// What a sync run tells its caller as it goes (a progress bar, a note of the other side).
public enum SyncProgress: Sendable {
    /// A session answer: what the other side holds of the replicas this one names.
    case session(SessionResponse)
    /// A push of `total` changes begins.
    case pushing(total: Int)
    /// `count` more changes were sent.
    case pushed(count: Int)
    case pulling
    /// A page of `count` changes was stored.
    case stored(count: Int)
    /// The round's pull is complete.
    case pulled
}

/// What only a sync with the server does, beside the steps every sync shares.
public struct SyncRoles {
    /// Repairs a laptop restored from an old copy; returns whether anything changed.
    public var reconcile: (SessionResponse) throws -> Bool
    /// Follows what the session says of the agent (scope, area, role); `covered` is what the
    /// round's pull covered.
    public var adopt: (SessionResponse, _ covered: VersionVector) throws -> Void
    /// Gathers what to push of what the other side's vector lacks; nil: everything this replica
    /// holds that it lacks (the other side keeps its own scope). A bundle gathers its
    /// recipient's scope only.
    public var collect: ((VersionVector) throws -> SealedBatch)?

    public init(reconcile: @escaping (SessionResponse) throws -> Bool = { _ in false },
                adopt: @escaping (SessionResponse, VersionVector) throws -> Void = { _, _ in },
                collect: ((VersionVector) throws -> SealedBatch)? = nil) {
        self.reconcile = reconcile
        self.adopt = adopt
        self.collect = collect
    }

    /// A peer laptop's: nothing beyond the shared steps.
    public static var peer: SyncRoles { SyncRoles() }
}

/// A page the other side sent was refused by this replica's checks; nothing of it was stored.
public struct PageRefused: Error {
    public let error: StoreError
}

extension LocalReplica {
    /// Runs `SyncMachine` on this replica over `transport`: performs each step the machine
    /// asks for, every pulled page stored together with the note of how far the pull got, so a
    /// cut connection or a crash resumes where it stopped. Throws `SyncMachine.Failure` when
    /// the machine fails, `PageRefused` when a page does not pass this replica's checks, and the
    /// transport's own errors.
    public func sync(over transport: some SyncTransport, _ configuration: SyncMachine.Configuration, roles: SyncRoles = .peer,
                     makeBatchID: @escaping @Sendable () -> String = { UUID().uuidString },
                     progress: (SyncProgress) -> Void = { _ in }) throws -> SyncMachine.Report {
        var machine = SyncMachine(configuration, makeBatchID: makeBatchID)
        let view = { SyncMachine.LocalView(replica: self.replicaID, held: try self.fullVersionVector(), letGo: try self.forgottenOwn()) }
        let decoded = { (key: String) in try self.syncState(key).map { Data($0.utf8) } }
        var outbox: (any PushSource)?
        var action = machine.start()
        while true {
            switch action {
            case .look:
                action = machine.looked(try view())
            case .send(let request):
                let answer = try transport.exchange(request)
                if case .session(let session) = answer { progress(.session(session)) }
                if case .push(let batch) = request { progress(.pushed(count: batch.changes.count)) }
                action = machine.received(answer)
            case .reconcile(let session):
                action = machine.reconciled(changed: try roles.reconcile(session))
            case .collect(let vector):
                // What the replica held before the push is read first: the closing check asks
                // the server for no more than that.
                let own = try view()
                let source: any PushSource = try roles.collect.map { HeldPush(try $0(vector)) } ?? pushSource(notIn: vector)
                outbox = source
                if source.total > 0 { progress(.pushing(total: source.total)) }
                action = machine.collected(total: source.total, own: own)
            case .page(let maxChanges):
                action = machine.paged(try outbox?.next(maxChanges: maxChanges) ?? SealedBatch())
            case .loadPull(let scope):
                let pending = try decoded(machine.pullStateKey).flatMap { try? JSONDecoder().decode(SyncMachine.PullProgress.self, from: $0) }
                let checkpoint = try decoded(machine.checkpointKey(scope)).flatMap { try? JSONDecoder().decode(VersionVector.self, from: $0) }
                progress(.pulling)
                action = machine.pullLoaded(.init(held: try fullVersionVector(), checkpoint: checkpoint, pending: pending))
            case .store(let page, let state):
                do {
                    try receive(page, state: state)
                } catch let error as StoreError where error.code == .refused {
                    throw PageRefused(error: error)
                }
                progress(.stored(count: page.changes.count))
                action = machine.stored()
            case .adopt(let session, let covered):
                progress(.pulled)
                try roles.adopt(session, covered)
                action = machine.adopted()
            case .finish(let report):
                return report
            case .fail(let failure):
                throw failure
            }
        }
    }
}
