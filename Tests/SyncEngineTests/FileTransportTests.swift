import FieldModels
import Foundation
import SyncEngine
import Testing

/// The file transport without any file: a bundle is written by the machine pushing into a
/// `BundleOutbox` and read by the machine pulling from a `BundleInbox`.
@Suite("Sync machine over a file: push-only into an outbox, pull-only from an inbox")
struct FileTransportTests {
    typealias M = SyncMachineTests
    struct Unexpected: Error {}

    static let certificate = ReplicaCertificate(replica: M.laptop, device: "DV-1", agent: "A-SITI", publicKey: Data(), issuedAt: 0, signature: Data())

    static func machine(_ directions: SyncMachine.Directions, batchSize: Int = 500, checkStored: Bool = true) -> SyncMachine {
        let next = M.Counter()
        return SyncMachine(.init(batchSize: batchSize, maxRounds: 1, directions: directions, checkStored: checkStored)) { "batch-\(next.next())" }
    }

    @Test("Pull only: after the session the machine loads the pull without collecting anything to push")
    func pullOnly() throws {
        var machine = Self.machine(.pull)
        guard case .look = machine.start(), case .send(.session) = machine.looked(M.view()) else { throw Unexpected() }
        guard case .reconcile = machine.received(.session(M.session())) else { throw Unexpected() }
        guard case .loadPull = machine.reconciled(changed: false) else { throw Unexpected() }
        guard case .send(.pull) = machine.pullLoaded(.init(held: VersionVector(), checkpoint: nil, pending: nil)) else { throw Unexpected() }
        guard case .store = machine.received(M.page(M.changes(2), upTo: M.vector([M.laptop: 2]))) else { throw Unexpected() }
        guard case .adopt = machine.stored(), case .look = machine.adopted() else { throw Unexpected() }
        guard case .send(.session) = machine.looked(M.view()) else { throw Unexpected() }
        guard case .finish(let report) = machine.received(.session(M.session())) else { throw Unexpected() }
        #expect(report.pulled == 2 && report.pushed == 0)
    }

    @Test("Push only: after the last push the round ends without a pull; with checkStored off a partial keeper is no failure")
    func pushOnly() throws {
        for checkStored in [true, false] {
            var machine = Self.machine(.push, batchSize: 2, checkStored: checkStored)
            _ = try M.toCollect(&machine, session: M.session())
            var feed = PushFeed(M.changes(3))
            var action = feed.answer(&machine, machine.collected(total: 3, own: M.view([M.laptop: 3])))
            var pushed = 0
            while case .send(.push(let request)) = action {
                pushed += request.changes.count
                action = feed.answer(&machine, machine.received(.push(PushResponse(batch: request.batch, accepted: request.changes.count, duplicate: false))))
            }
            #expect(pushed == 3)
            guard case .look = action, case .send(.session) = machine.looked(M.view([M.laptop: 3])) else { throw Unexpected() }
            // The other side keeps only two of the three.
            let end = machine.received(.session(M.session(own: 2)))
            if checkStored {
                guard case .fail(.notStored(_, 2, 3)) = end else { throw Unexpected() }
            } else {
                guard case .finish(let report) = end else { throw Unexpected() }
                #expect(report.pushed == 3)
            }
        }
    }

    @Test("The outbox answers sessions with the recipient's knowledge grown by what was pushed, keeps every push once, and refuses pulls")
    func outbox() throws {
        let known = M.vector([M.laptop: 1])
        let outbox = BundleOutbox(knowledge: known, scope: M.scope, sender: Self.certificate) { $0 == M.laptop ? Self.certificate : nil }
        guard case .session(let first) = try outbox.exchange(.session(SessionRequest(replica: M.laptop))) else { throw Unexpected() }
        #expect(first.serverVector == known)
        let batch = M.changes(5, perTransaction: 1)
        let rest = Array(batch.changes.dropFirst())
        let seals = rest.map { OriginSeal(transaction: $0.transaction, signature: Data()) }
        let pieces = Batching.batches(SealedBatch(changes: rest, seals: seals), maxChanges: 2)
        for (index, piece) in pieces.enumerated() {
            guard case .push(let answer) = try outbox.exchange(.push(PushRequest(batch: "b\(index)", piece))) else { throw Unexpected() }
            #expect(answer.accepted == piece.changes.count)
        }
        // The same batch again (a retry) is kept once.
        guard case .push(let again) = try outbox.exchange(.push(PushRequest(batch: "b0", pieces[0]))) else { throw Unexpected() }
        #expect(again.accepted == 0 && again.duplicate)
        #expect(outbox.batch.changes.map(\.dot.counter) == [2, 3, 4, 5])
        #expect(outbox.batch.certificates == [Self.certificate], "the file carries the certificates its seals need")
        guard case .session(let end) = try outbox.exchange(.session(SessionRequest(replica: M.laptop))) else { throw Unexpected() }
        #expect(end.serverVector == M.vector([M.laptop: 5]))
        #expect(throws: BundleOutbox.Failure.self) { try outbox.exchange(.pull(PullRequest(knowledge: VersionVector()))) }
    }

    @Test("The inbox answers pulls from the bundle's changes in the asker's scope that its knowledge lacks, page by page, and refuses pushes")
    func inbox() throws {
        var changes = M.changes(6, perTransaction: 2).changes
        changes[4] = Change(dot: changes[4].dot, transaction: changes[4].transaction, recordType: .household, recordID: "H-other",
                            area: "33.74.11.1007", field: "f", value: .text("w"), supersedes: [], lamport: 5, wallTime: 0, agent: "A")
        let bundle = SyncBundle(sender: Self.certificate, scope: SyncScope(kind: .all), knowledge: VersionVector(), created: 0, series: "s",
                                batch: SealedBatch(changes: changes))
        let inbox = BundleInbox(bundle, asker: Self.certificate, scope: M.scope)
        var pages: [[UInt64]] = []
        var after: Dot?
        var upTo: VersionVector?
        repeat {
            guard case .pull(let page) = try inbox.exchange(.pull(PullRequest(knowledge: M.vector([M.laptop: 2]), upTo: upTo, after: after, maxChanges: 2)))
            else { throw Unexpected() }
            pages.append(page.changes.map(\.dot.counter))
            #expect(page.upTo == M.vector([M.laptop: 6]), "the bundle holds exactly what it carries")
            after = page.next
            upTo = page.upTo
        } while after != nil
        #expect(pages == [[3, 4], [6]], "counters 1-2 known, 5 outside the scope")
        #expect(throws: BundleInbox.Failure.notWritable) { try inbox.exchange(.push(PushRequest(batch: "x", SealedBatch()))) }
    }

    @Test("A vector grows by single dots: in order it advances, after a gap the dot waits beyond it until the gap fills")
    func insertDots() {
        var vector = VersionVector()
        for counter in [1, 2, 5, 4] as [UInt64] { vector.insert(Dot(M.laptop, counter)) }
        #expect(vector[M.laptop] == 2 && vector.beyond == [Dot(M.laptop, 4), Dot(M.laptop, 5)])
        vector.insert(Dot(M.laptop, 3))
        #expect(vector[M.laptop] == 5 && vector.beyond.isEmpty)
        vector.insert(Dot(M.laptop, 2))
        #expect(vector[M.laptop] == 5)
    }
}
