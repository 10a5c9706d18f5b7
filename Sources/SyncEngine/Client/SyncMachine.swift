import Foundation

/// The client side of a sync (with the server, a peer laptop or a file), as a state machine with
/// no input or output of its own: each method takes what just happened (an answer came, the
/// replica was read, a page was stored) and returns the next `Action` for its driver to
/// perform. The driver owns the replica and the `SyncTransport`; the machine owns the protocol:
/// sessions, rounds, the rewound-replica check, batching of the push, paging of the pull and the
/// checkpoints that let a cut pull resume. Tested without any network (`SyncMachineTests`), like Hummingbird's
/// `HTTPConnectionStateHandler`.
///
/// One round: session → reconcile own replicas (a restored laptop) → push what the server's
/// vector lacks → pull, page by page, what the laptop lacks in its scope → adopt what the
/// session said of the agent → a new session. Rounds repeat until one moves nothing (or
/// `maxRounds`); the sync then fails unless the server holds every change the laptop wrote
/// before its last push began. With a file, a round runs one half: a bundle is made by pushing
/// into a `BundleOutbox` and taken by pulling from a `BundleInbox` (`Configuration.directions`).
public struct SyncMachine: Sendable {
    public struct Configuration: Sendable {
        public var batchSize: Int
        public var maxRounds: Int
        /// Put before the sync-state keys the machine writes, so that the checkpoints of a sync
        /// with a peer laptop never stand for those of the server ("" for the server).
        public var statePrefix: String
        /// Which halves of a round run: both with a server or a peer; one with a file (a bundle
        /// is written by pushing into it, and read by pulling from it).
        public var directions: Directions
        /// Whether the sync fails when the other side holds fewer of this laptop's changes than
        /// it wrote before its last push. A file keeps all that was pushed into it, and answers
        /// a recipient that may keep only part of it: nothing to check there.
        public var checkStored: Bool
        public init(batchSize: Int = WireProtocol.batchChanges, maxRounds: Int = 5, statePrefix: String = "",
                    directions: Directions = .both, checkStored: Bool = true) {
            self.batchSize = batchSize
            self.maxRounds = maxRounds
            self.statePrefix = statePrefix
            self.directions = directions
            self.checkStored = checkStored
        }
    }

    public struct Directions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let push = Directions(rawValue: 1)
        public static let pull = Directions(rawValue: 2)
        public static let both: Directions = [.push, .pull]
    }

    /// What the replica holds, read by the driver when the machine asks (`.look`).
    public struct LocalView: Sendable, Equatable {
        /// The replica id the laptop writes as now.
        public var replica: ReplicaID
        /// Everything it holds (`fullVersionVector`).
        public var held: VersionVector
        /// Its own changes it let go because the server holds them (records that moved out of
        /// its scope): a peer need not hold them either.
        public var letGo: [Dot]
        public init(replica: ReplicaID, held: VersionVector, letGo: [Dot] = []) {
            self.replica = replica
            self.held = held
            self.letGo = letGo
        }
    }

    /// Where a pull stands between pages; the driver keeps it in the replica under
    /// `SyncMachine.pullStateKey`, stored in the same transaction as the page it follows.
    public struct PullProgress: Sendable, Codable, Equatable {
        public var scope: String
        public var knowledge: VersionVector
        public var upTo: VersionVector
        public var after: Dot
        public init(scope: String, knowledge: VersionVector, upTo: VersionVector, after: Dot) {
            self.scope = scope
            self.knowledge = knowledge
            self.upTo = upTo
            self.after = after
        }
    }

    /// What a pull starts from, read by the driver when the machine asks (`.loadPull`).
    public struct PullStart: Sendable, Equatable {
        public var held: VersionVector
        /// The vector the last complete pull of this scope covered.
        public var checkpoint: VersionVector?
        /// A pull of some scope cut between pages.
        public var pending: PullProgress?
        public init(held: VersionVector, checkpoint: VersionVector?, pending: PullProgress?) {
            self.held = held
            self.checkpoint = checkpoint
            self.pending = pending
        }
    }

    public struct Report: Sendable, Equatable {
        public var rounds = 0
        public var pushed = 0
        public var accepted = 0
        public var pulled = 0
        public init() {}
    }

    public enum Failure: Error, Sendable, Equatable {
        /// The server holds fewer of this laptop's changes than it wrote before its last push.
        case notStored(replica: ReplicaID, stored: UInt64, written: UInt64)
        /// An answer that does not belong to the request in flight (a bug or a confused peer).
        case unexpected(String)
    }

    public enum Action: Sendable {
        /// Read the replica (`LocalView`), then call `looked(_:)`.
        case look
        /// Send this over the transport, then call `received(_:)` with the answer.
        case send(SyncRequest)
        /// Compare what the server holds under the laptop's own replica ids with what the
        /// laptop holds, repair a restored laptop, then call `reconciled(changed:)`.
        case reconcile(SessionResponse)
        /// Prepare a `PushSource` of the changes the server's vector lacks, then call
        /// `collected(total:own:)`.
        case collect(notIn: VersionVector)
        /// Read the next page of the push source (at most `maxChanges`, whole transactions),
        /// then call `paged(_:)`.
        case page(maxChanges: Int)
        /// Read where a pull of this scope starts, then call `pullLoaded(_:)`.
        case loadPull(SyncScope)
        /// Apply this page together with these sync-state entries (nil removes one) in one
        /// transaction, then call `stored()`.
        case store(SealedBatch, state: [String: String?])
        /// The round's pull is complete: follow the session's scope and agent (forget records
        /// outside a new scope held by `covered`), then call `adopted()`.
        case adopt(SessionResponse, covered: VersionVector)
        /// Done.
        case finish(Report)
        case fail(Failure)
    }

    public static let pullStateKey = "pull"
    public static func checkpointKey(_ scope: SyncScope) -> String { "checkpoint." + scope.key }
    /// The key of the note of a pull cut between pages.
    public var pullStateKey: String { configuration.statePrefix + Self.pullStateKey }
    /// The key of the vector the last complete pull of `scope` covered.
    public func checkpointKey(_ scope: SyncScope) -> String { configuration.statePrefix + Self.checkpointKey(scope) }

    private enum State: Sendable {
        case idle
        /// Waiting for the local view, to open a session; `then` says what the session is for.
        case looking(SessionPurpose)
        case awaitingSession(SessionPurpose)
        case reconciling(SessionResponse)
        case collecting(SessionResponse)
        case pushing(SessionResponse, limit: Int)
        case paging(SessionResponse, limit: Int)
        case loadingPull(SessionResponse)
        case pulling(SessionResponse, Pull)
        case storing(SessionResponse, Pull, next: Dot?, upTo: VersionVector)
        case adopting
        case done
    }

    private enum SessionPurpose: Sendable { case roundStart, afterReconcile, roundEnd }

    private struct Pull: Sendable {
        var knowledge: VersionVector
        var checkpoint: VersionVector?
    }

    private let configuration: Configuration
    private let makeBatchID: @Sendable () -> String
    private var state = State.idle
    private var report = Report()
    /// Moved in this round (pushed, pulled).
    private var moved = (pushed: 0, pulled: 0)
    /// This laptop's replica id and counter when the last push began.
    private var written: (replica: ReplicaID, counter: UInt64, letGo: [Dot])?

    /// - Parameter makeBatchID: a fresh id for each push batch (kept across retries of that
    ///   batch by the transport).
    public init(_ configuration: Configuration = Configuration(), makeBatchID: @escaping @Sendable () -> String) {
        self.configuration = configuration
        self.makeBatchID = makeBatchID
    }

    public mutating func start() -> Action {
        guard case .idle = state else { return fail(.unexpected("start twice")) }
        state = .looking(.roundStart)
        report.rounds = 1
        return .look
    }

    public mutating func looked(_ view: LocalView) -> Action {
        guard case .looking(let purpose) = state else { return fail(.unexpected("local view")) }
        let named = Set(view.held.counters.keys).union(view.held.beyond.map(\.replica))
        state = .awaitingSession(purpose)
        return .send(.session(SessionRequest(replica: view.replica, replicas: named.sorted())))
    }

    public mutating func received(_ answer: SyncAnswer) -> Action {
        switch (state, answer) {
        case (.awaitingSession(let purpose), .session(let session)):
            switch purpose {
            case .roundStart:
                state = .reconciling(session)
                return .reconcile(session)
            case .afterReconcile:
                return collect(session)
            case .roundEnd:
                return endRound(session)
            }
        case (.pushing(let session, let limit), .push(let answer)):
            report.accepted += answer.accepted
            state = .paging(session, limit: limit)
            return .page(maxChanges: limit)
        case (.pulling(let session, let pull), .pull(let page)):
            moved.pulled += page.changes.count
            report.pulled += page.changes.count
            var entries: [String: String?] = [:]
            if let next = page.next {
                entries[pullStateKey] = Self.json(PullProgress(scope: session.scope.key, knowledge: pull.knowledge, upTo: page.upTo, after: next))
            } else {
                entries[pullStateKey] = .some(nil)
                entries[checkpointKey(session.scope)] = Self.json(pull.checkpoint.map { $0.union(page.upTo) } ?? page.upTo)
            }
            state = .storing(session, pull, next: page.next, upTo: page.upTo)
            return .store(page.sealed, state: entries)
        default:
            return fail(.unexpected("answer \(answer.kind) while \(state)"))
        }
    }

    public mutating func reconciled(changed: Bool) -> Action {
        guard case .reconciling(let session) = state else { return fail(.unexpected("reconciled")) }
        if changed {
            state = .looking(.afterReconcile)
            return .look
        }
        return collect(session)
    }

    /// The push source is ready with `total` changes; `view` is the replica as it was read
    /// before the source (what the closing check compares with).
    public mutating func collected(total: Int, own view: LocalView) -> Action {
        guard case .collecting(let session) = state else { return fail(.unexpected("collected")) }
        written = (view.replica, view.held[view.replica], view.letGo.filter { $0.replica == view.replica })
        guard total > 0 else { return pull(session) }
        let limit = max(1, min(configuration.batchSize, session.maxBatchChanges))
        state = .paging(session, limit: limit)
        return .page(maxChanges: limit)
    }

    /// The next page of the push; an empty one ends the push.
    public mutating func paged(_ page: SealedBatch) -> Action {
        guard case .paging(let session, let limit) = state else { return fail(.unexpected("paged")) }
        guard !page.changes.isEmpty else { return pull(session) }
        moved.pushed += page.changes.count
        report.pushed += page.changes.count
        state = .pushing(session, limit: limit)
        return .send(.push(PushRequest(batch: makeBatchID(), page)))
    }

    public mutating func pullLoaded(_ start: PullStart) -> Action {
        guard case .loadingPull(let session) = state else { return fail(.unexpected("pull loaded")) }
        let pending = start.pending?.scope == session.scope.key ? start.pending : nil
        let held = VersionVector(start.held.counters)
        let knowledge = pending?.knowledge ?? (start.checkpoint.map { $0.union(held) } ?? held)
        state = .pulling(session, Pull(knowledge: knowledge, checkpoint: start.checkpoint))
        return .send(.pull(PullRequest(knowledge: knowledge, upTo: pending?.upTo, after: pending?.after, maxChanges: configuration.batchSize)))
    }

    public mutating func stored() -> Action {
        guard case .storing(let session, let pull, let next, let upTo) = state else { return fail(.unexpected("stored")) }
        if let next {
            state = .pulling(session, pull)
            return .send(.pull(PullRequest(knowledge: pull.knowledge, upTo: upTo, after: next, maxChanges: configuration.batchSize)))
        }
        state = .adopting
        return .adopt(session, covered: session.serverVector.union(upTo))
    }

    public mutating func adopted() -> Action {
        guard case .adopting = state else { return fail(.unexpected("adopted")) }
        state = .looking(.roundEnd)
        return .look
    }

    private mutating func collect(_ session: SessionResponse) -> Action {
        guard configuration.directions.contains(.push) else { return pull(session) }
        state = .collecting(session)
        return .collect(notIn: session.serverVector)
    }

    /// The pull half of the round, or its end when the round does not pull.
    private mutating func pull(_ session: SessionResponse) -> Action {
        guard configuration.directions.contains(.pull) else {
            state = .looking(.roundEnd)
            return .look
        }
        state = .loadingPull(session)
        return .loadPull(session.scope)
    }

    private mutating func endRound(_ session: SessionResponse) -> Action {
        if moved.pushed + moved.pulled > 0 && report.rounds < configuration.maxRounds {
            report.rounds += 1
            moved = (0, 0)
            state = .reconciling(session)
            return .reconcile(session)
        }
        state = .done
        if configuration.checkStored, let written {
            var held = VersionVector([written.replica: session.own.first { $0.replica == written.replica }?.counter ?? 0],
                                     beyond: session.serverVector.beyond.filter { $0.replica == written.replica })
            for dot in written.letGo { held.insert(dot) }
            let stored = held[written.replica]
            if stored < written.counter { return .fail(.notStored(replica: written.replica, stored: stored, written: written.counter)) }
        }
        return .finish(report)
    }

    private mutating func fail(_ failure: Failure) -> Action {
        state = .done
        return .fail(failure)
    }

    private static func json(_ value: some Encodable) -> String {
        // Vectors and dots always encode; a failure here is a bug, not bad input.
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }
}
