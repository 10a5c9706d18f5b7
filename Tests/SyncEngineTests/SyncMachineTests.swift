import FieldModels
import Foundation
import SyncEngine
import Testing

/// The client's sync protocol without any network: each test feeds `SyncMachine` the answers a
/// server could give and checks the next action it asks for.
@Suite("Sync client state machine")
struct SyncMachineTests {
    static let laptop = ReplicaID("laptop")
    static let other = ReplicaID("other")
    static let scope = SyncScope(kind: .area, area: "33.74.11.1006")

    static func session(vector: VersionVector = VersionVector(), own counter: UInt64 = 0, maxBatch: Int = 500,
                        scope: SyncScope = scope) -> SessionResponse {
        let certificate = ReplicaCertificate(replica: laptop, device: "DV-1", agent: "A-SITI", publicKey: Data(), issuedAt: 0, signature: Data())
        return SessionResponse(device: "DV-1", agent: AgentProfile(id: "A-SITI", name: "Siti", role: .psm, area: scope.area),
                               scope: scope, serverVector: vector, maxBatchChanges: maxBatch,
                               own: [OwnReplica(replica: laptop, counter: counter, digest: nil, certificate: certificate)])
    }

    /// `count` changes of `laptop`, `perTransaction` to a transaction.
    static func changes(_ count: Int, perTransaction: Int = 1, from replica: ReplicaID = laptop) -> SealedBatch {
        SealedBatch(changes: (1...UInt64(count)).map { counter in
            let first = (counter - 1) / UInt64(perTransaction) * UInt64(perTransaction) + 1
            return Change(dot: Dot(replica, counter), transaction: Dot(replica, first), recordType: .household,
                          recordID: "H-\(first)", area: scope.area, field: "f\(counter)", value: .text("v"),
                          supersedes: [], lamport: counter, wallTime: 0, agent: "A-SITI")
        })
    }

    static func vector(_ counters: [ReplicaID: UInt64]) -> VersionVector { VersionVector(counters) }

    static func view(_ counters: [ReplicaID: UInt64] = [:]) -> SyncMachine.LocalView {
        SyncMachine.LocalView(replica: laptop, held: vector(counters))
    }

    static func machine(batchSize: Int = 500, maxRounds: Int = 5) -> SyncMachine {
        let next = Counter()
        return SyncMachine(SyncMachine.Configuration(batchSize: batchSize, maxRounds: maxRounds)) { "batch-\(next.next())" }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    static func page(_ batch: SealedBatch = SealedBatch(), upTo: VersionVector, next: Dot? = nil) -> SyncAnswer {
        .pull(PullResponse(batch, upTo: upTo, next: next, scope: scope))
    }

    /// Runs a machine up to its first push or pull request: session, reconcile (nothing
    /// changed), collect.
    static func toCollect(_ machine: inout SyncMachine, session: SessionResponse, local: [ReplicaID: UInt64] = [:]) throws -> SyncMachine.Action {
        guard case .look = machine.start() else { throw Unexpected() }
        guard case .send(.session(let request)) = machine.looked(view(local)) else { throw Unexpected() }
        #expect(request.replica == laptop)
        guard case .reconcile = machine.received(.session(session)) else { throw Unexpected() }
        guard case .collect(let notIn) = machine.reconciled(changed: false) else { throw Unexpected() }
        #expect(notIn == session.serverVector)
        return .collect(notIn: notIn)
    }

    struct Unexpected: Error {}

    @Test("Nothing to move: session, empty push, one pull page, adopt, closing session, finish in one round")
    func quietSync() throws {
        var machine = Self.machine()
        _ = try Self.toCollect(&machine, session: Self.session())
        guard case .loadPull(let scope) = machine.collected(total: 0, own: Self.view()) else { throw Unexpected() }
        #expect(scope == Self.scope)
        guard case .send(.pull(let request)) = machine.pullLoaded(.init(held: VersionVector(), checkpoint: nil, pending: nil)) else { throw Unexpected() }
        #expect(request.after == nil && request.upTo == nil && request.maxChanges == 500)
        let upTo = Self.vector([Self.other: 3])
        guard case .store(let stored, let state) = machine.received(Self.page(upTo: upTo)) else { throw Unexpected() }
        #expect(stored.isEmpty)
        #expect(state[SyncMachine.pullStateKey] == .some(nil), "a finished pull clears its progress")
        let checkpoint = try #require(state[SyncMachine.checkpointKey(Self.scope)] ?? nil)
        #expect(try JSONDecoder().decode(VersionVector.self, from: Data(checkpoint.utf8)) == upTo)
        guard case .adopt(_, let covered) = machine.stored() else { throw Unexpected() }
        #expect(covered == upTo)
        guard case .look = machine.adopted() else { throw Unexpected() }
        guard case .send(.session) = machine.looked(Self.view()) else { throw Unexpected() }
        guard case .finish(let report) = machine.received(.session(Self.session())) else { throw Unexpected() }
        #expect(report.rounds == 1 && report.pushed == 0 && report.pulled == 0)
    }

    @Test("The push is cut into batches of the smaller of the client's and the server's limit, never inside a transaction, each with its own id",
          arguments: [(10, 1, 3, 500), (12, 4, 500, 5), (7, 7, 2, 500)])
    func pushBatches(count: Int, perTransaction: Int, batchSize: Int, serverLimit: Int) throws {
        var machine = Self.machine(batchSize: batchSize)
        _ = try Self.toCollect(&machine, session: Self.session(maxBatch: serverLimit))
        var feed = PushFeed(Self.changes(count, perTransaction: perTransaction))
        var action = feed.answer(&machine, machine.collected(total: count, own: Self.view([Self.laptop: UInt64(count)])))
        var sent: [PushRequest] = []
        while case .send(.push(let request)) = action {
            sent.append(request)
            action = feed.answer(&machine, machine.received(.push(PushResponse(batch: request.batch, accepted: request.changes.count, duplicate: false))))
        }
        guard case .loadPull = action else { throw Unexpected() }
        let limit = min(batchSize, serverLimit)
        #expect(sent.flatMap(\.changes).map(\.dot.counter) == Array(1...UInt64(count)), "every change once, in order")
        #expect(Set(sent.map(\.batch)).count == sent.count, "batch ids are distinct")
        for request in sent {
            #expect(request.changes.count <= max(limit, perTransaction))
            let transactions = Set(request.changes.map(\.transaction))
            for transaction in transactions {
                #expect(request.changes.filter { $0.transaction == transaction }.count == min(perTransaction, count),
                        "a transaction travels whole")
            }
        }
    }

    @Test("A paged pull asks for each next page with the same knowledge and bound; each page carries the note to resume from")
    func pagedPull() throws {
        var machine = Self.machine(batchSize: 2)
        _ = try Self.toCollect(&machine, session: Self.session())
        _ = machine.collected(total: 0, own: Self.view())
        let held = Self.vector([Self.laptop: 4])
        let checkpoint = Self.vector([Self.other: 2])
        guard case .send(.pull(let first)) = machine.pullLoaded(.init(held: held, checkpoint: checkpoint, pending: nil)) else { throw Unexpected() }
        #expect(first.knowledge == checkpoint.union(held), "what the last complete pull covered counts as known")
        let upTo = Self.vector([Self.other: 6])
        let pages = [Self.changes(2, from: Self.other), Self.changes(2, from: Self.other)]
        guard case .store(_, let state1) = machine.received(Self.page(pages[0], upTo: upTo, next: Dot(Self.other, 4))) else { throw Unexpected() }
        let note = try JSONDecoder().decode(SyncMachine.PullProgress.self, from: Data(try #require(state1[SyncMachine.pullStateKey] ?? nil).utf8))
        #expect(note == SyncMachine.PullProgress(scope: Self.scope.key, knowledge: first.knowledge, upTo: upTo, after: Dot(Self.other, 4)))
        #expect(state1[SyncMachine.checkpointKey(Self.scope)] == nil, "no checkpoint before the last page")
        guard case .send(.pull(let second)) = machine.stored() else { throw Unexpected() }
        #expect(second.knowledge == first.knowledge && second.upTo == upTo && second.after == Dot(Self.other, 4))
        guard case .store(_, let state2) = machine.received(Self.page(pages[1], upTo: upTo)) else { throw Unexpected() }
        let saved = try #require(state2[SyncMachine.checkpointKey(Self.scope)] ?? nil)
        #expect(try JSONDecoder().decode(VersionVector.self, from: Data(saved.utf8)) == checkpoint.union(upTo))
        guard case .adopt = machine.stored() else { throw Unexpected() }
    }

    @Test("A pull cut between pages resumes from its note; a note of another scope is ignored")
    func resumedPull() throws {
        let note = SyncMachine.PullProgress(scope: Self.scope.key, knowledge: Self.vector([Self.other: 1]),
                                            upTo: Self.vector([Self.other: 9]), after: Dot(Self.other, 5))
        var machine = Self.machine()
        _ = try Self.toCollect(&machine, session: Self.session())
        _ = machine.collected(total: 0, own: Self.view())
        guard case .send(.pull(let resumed)) = machine.pullLoaded(.init(held: Self.vector([Self.other: 5]), checkpoint: nil, pending: note)) else { throw Unexpected() }
        #expect(resumed.knowledge == note.knowledge && resumed.upTo == note.upTo && resumed.after == note.after)

        var moved = Self.machine()
        let elsewhere = SyncScope(kind: .area, area: "33.74.11.1001")
        _ = try Self.toCollect(&moved, session: Self.session(scope: elsewhere))
        _ = moved.collected(total: 0, own: Self.view())
        guard case .send(.pull(let fresh)) = moved.pullLoaded(.init(held: Self.vector([Self.other: 5]), checkpoint: nil, pending: note)) else { throw Unexpected() }
        #expect(fresh.after == nil && fresh.upTo == nil && fresh.knowledge == Self.vector([Self.other: 5]))
    }

    @Test("Rounds repeat while something moves, up to the limit; a round that moves nothing ends the sync")
    func rounds() throws {
        for maxRounds in 1...3 {
            var machine = Self.machine(maxRounds: maxRounds)
            var action = machine.start()
            var rounds = 0
            var reconciles = 0
            loop: while true {
                switch action {
                case .look: action = machine.looked(Self.view([Self.laptop: 1]))
                case .send(.session): action = machine.received(.session(Self.session(vector: Self.vector([Self.laptop: 1]), own: 1)))
                case .reconcile:
                    reconciles += 1
                    action = machine.reconciled(changed: false)
                case .collect: action = machine.collected(total: 0, own: Self.view([Self.laptop: 1]))
                case .loadPull: action = machine.pullLoaded(.init(held: VersionVector(), checkpoint: nil, pending: nil))
                case .send(.pull):
                    // Something new every time: the machine stops only at its limit.
                    action = machine.received(Self.page(Self.changes(1, from: Self.other), upTo: Self.vector([Self.other: 1])))
                case .store: action = machine.stored()
                case .adopt:
                    rounds += 1
                    action = machine.adopted()
                case .finish(let report):
                    #expect(report.rounds == maxRounds && report.pulled == maxRounds)
                    break loop
                default: throw Unexpected()
                }
            }
            #expect(rounds == maxRounds && reconciles == maxRounds)
        }
    }

    @Test("The sync fails when the closing session holds fewer of the laptop's changes than it wrote before its push")
    func notStored() throws {
        var machine = Self.machine()
        _ = try Self.toCollect(&machine, session: Self.session())
        var feed = PushFeed(Self.changes(3))
        guard case .send(.push(let request)) = feed.answer(&machine, machine.collected(total: 3, own: Self.view([Self.laptop: 3]))),
              case .loadPull = feed.answer(&machine, machine.received(.push(PushResponse(batch: request.batch, accepted: 3, duplicate: false))))
        else { throw Unexpected() }
        guard case .send(.pull) = machine.pullLoaded(.init(held: VersionVector(), checkpoint: nil, pending: nil)) else { throw Unexpected() }
        guard case .store = machine.received(Self.page(upTo: VersionVector())) else { throw Unexpected() }
        guard case .adopt = machine.stored(), case .look = machine.adopted() else { throw Unexpected() }
        guard case .send(.session) = machine.looked(Self.view([Self.laptop: 3])) else { throw Unexpected() }
        // The server says it stored only 2 of the 3 (a restore of the server, a lost write).
        guard case .reconcile = machine.received(.session(Self.session(vector: Self.vector([Self.laptop: 2]), own: 2))) else { throw Unexpected() }
        _ = machine.reconciled(changed: false)
        _ = machine.collected(total: 0, own: Self.view([Self.laptop: 3]))
        _ = machine.pullLoaded(.init(held: VersionVector(), checkpoint: nil, pending: nil))
        _ = machine.received(Self.page(upTo: VersionVector()))
        _ = machine.stored()
        _ = machine.adopted()
        _ = machine.looked(Self.view([Self.laptop: 3]))
        guard case .fail(let failure) = machine.received(.session(Self.session(vector: Self.vector([Self.laptop: 2]), own: 2))) else { throw Unexpected() }
        #expect(failure == .notStored(replica: Self.laptop, stored: 2, written: 3))
    }

    @Test("A repaired laptop (reconcile changed something) opens a new session before pushing, and pushes over its vector")
    func reconcileOpensSession() throws {
        var machine = Self.machine()
        guard case .look = machine.start(), case .send(.session) = machine.looked(Self.view()) else { throw Unexpected() }
        guard case .reconcile = machine.received(.session(Self.session(vector: Self.vector([Self.laptop: 5]), own: 5))) else { throw Unexpected() }
        guard case .look = machine.reconciled(changed: true) else { throw Unexpected() }
        let renewed = SyncMachine.LocalView(replica: ReplicaID("laptop-2"), held: Self.vector([Self.laptop: 5, ReplicaID("laptop-2"): 2]))
        guard case .send(.session(let request)) = machine.looked(renewed) else { throw Unexpected() }
        #expect(request.replica == ReplicaID("laptop-2") && request.replicas == [Self.laptop, ReplicaID("laptop-2")])
        let after = Self.session(vector: Self.vector([Self.laptop: 5]), own: 5)
        guard case .collect(let notIn) = machine.received(.session(after)) else { throw Unexpected() }
        #expect(notIn == after.serverVector)
    }

    @Test("An answer that does not fit the request in flight ends the sync with a protocol error, and nothing after it")
    func unexpectedAnswers() throws {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.looked(Self.view())
        guard case .fail(.unexpected) = machine.received(.push(PushResponse(batch: "x", accepted: 0, duplicate: false))) else { throw Unexpected() }
        guard case .fail = machine.stored() else { throw Unexpected() }

        var early = Self.machine()
        guard case .fail(.unexpected) = early.received(.session(Self.session())) else { throw Unexpected() }
    }
}

/// Digests a scripted server answers with, counting the requests.
final class ScriptedDigests: SyncTransport {
    let server: [UInt64: Data]
    let page: Int
    private(set) var requests = 0

    init(_ server: [UInt64: Data], page: Int) {
        self.server = server
        self.page = page
    }

    func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        guard case .digests(let asked) = request else { throw SyncMachineTests.Unexpected() }
        requests += 1
        let counters = server.keys.sorted().filter { $0 > asked.after }
        let shown = counters.prefix(page)
        return .digests(DigestsResponse(replica: asked.replica, digests: shown.map { .init(counter: $0, digest: server[$0]!) },
                                        more: counters.count > shown.count))
    }
}

@Suite("The rewound-replica check")
struct RewindCheckTests {
    static func digest(_ text: String) -> Data { Data(text.utf8) }
    static func own(_ counter: UInt64, _ digest: Data?) -> OwnReplica {
        OwnReplica(replica: SyncMachineTests.laptop, counter: counter, digest: digest,
                   certificate: ReplicaCertificate(replica: SyncMachineTests.laptop, device: "DV-1", agent: "A", publicKey: Data(), issuedAt: 0, signature: Data()))
    }

    @Test("Agreement is the last counter both hold with the same digest, found page by page; the newest matching needs no request",
          arguments: [1, 3, 50])
    func agreement(page: Int) throws {
        let server = Dictionary(uniqueKeysWithValues: (1...10).map { (UInt64($0), Self.digest("c\($0)")) })
        // The laptop was restored from a copy holding 1...6, then wrote other changes as 7 and 8.
        var local = Dictionary(uniqueKeysWithValues: (1...6).map { (UInt64($0), Self.digest("c\($0)")) })
        local[7] = Self.digest("other7")
        local[8] = Self.digest("other8")
        let transport = ScriptedDigests(server, page: page)
        #expect(try RewindCheck.agreedCounter(local: local, confirmed: 0, server: Self.own(10, server[10]), over: transport) == 6)
        #expect(transport.requests == 6 / page + 1, "pages up to the one holding counter 7")

        // A laptop that lost nothing: the server's newest digest is its own.
        let whole = ScriptedDigests(server, page: page)
        #expect(try RewindCheck.agreedCounter(local: server, confirmed: 0, server: Self.own(10, server[10]), over: whole) == 10)
        #expect(whole.requests == 0)

        // Counters confirmed by an earlier sync are not asked again.
        let later = ScriptedDigests(server, page: page)
        let tail = local.filter { $0.key > 4 }
        #expect(try RewindCheck.agreedCounter(local: tail, confirmed: 4, server: Self.own(10, server[10]), over: later) == 6)

        // The server holds nothing of this replica: nothing to agree on.
        #expect(try RewindCheck.agreedCounter(local: local, confirmed: 3, server: nil, over: ScriptedDigests([:], page: page)) == 0)
    }
}

/// Answers the machine's page requests from a delta held in memory, as a sync driver does from
/// its push source.
struct PushFeed {
    var source: HeldPush

    init(_ delta: SealedBatch) { source = HeldPush(delta) }

    /// `action`, or, while it asks for a page, what the machine does with the next one.
    mutating func answer(_ machine: inout SyncMachine, _ action: SyncMachine.Action) -> SyncMachine.Action {
        var action = action
        while case .page(let maxChanges) = action { action = machine.paged(source.next(maxChanges: maxChanges)) }
        return action
    }
}
