import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// A PSM replica file syncing with its TKSK's replica file through the same `SyncMachine` as
/// with the server, the TKSK answering with `PeerResponder`; no network, a transport that can
/// be cut after any request.
@Suite("Peer sync: the sync machine against a TKSK laptop's responder")
struct PeerSyncTests {
    static let srondol = "3374/banyumanik/srondol-kulon"
    static let wetan = "3374/banyumanik/srondol-wetan"

    /// Answers from the TKSK's replica; stops working after `cutAfter` requests.
    final class Link: SyncTransport {
        let responder: PeerResponder
        let asker: ReplicaCertificate
        let scope: SyncScope
        var cutAfter: Int
        private(set) var requests = 0
        struct Cut: Error {}

        init(_ tksk: LocalReplica, asker: ReplicaCertificate, scope: SyncScope, cutAfter: Int = .max) {
            responder = PeerResponder(source: tksk, keeps: SyncScope(kind: .area, area: "3374/banyumanik"))
            self.asker = asker
            self.scope = scope
            self.cutAfter = cutAfter
        }

        func exchange(_ request: SyncRequest) throws -> SyncAnswer {
            guard requests < cutAfter else { throw Cut() }
            requests += 1
            // Through JSON, as on the wire.
            let decoded = try JSONDecoder().decode(SyncRequest.self, from: try JSONEncoder().encode(request))
            let answer = try responder.answer(decoded, asker: asker, scope: scope)
            return try JSONDecoder().decode(SyncAnswer.self, from: try JSONEncoder().encode(answer))
        }
    }

    /// Drives the machine as `field sync --peer` does; returns the report, or throws the cut.
    static func sync(_ replica: LocalReplica, over link: Link, batchSize: Int) throws -> SyncMachine.Report {
        var machine = SyncMachine(.init(batchSize: batchSize, statePrefix: "peer.test.")) { UUID().uuidString }
        var action = machine.start()
        let view = { SyncMachine.LocalView(replica: replica.replicaID, held: try replica.fullVersionVector()) }
        while true {
            switch action {
            case .look: action = machine.looked(try view())
            case .send(let request): action = machine.received(try link.exchange(request))
            case .reconcile: action = machine.reconciled(changed: false)
            case .collect(let vector): action = machine.collected(try replica.changes(notIn: vector), own: try view())
            case .loadPull(let scope):
                let pending = try replica.syncState(machine.pullStateKey).flatMap { try? JSONDecoder().decode(SyncMachine.PullProgress.self, from: Data($0.utf8)) }
                let checkpoint = try replica.syncState(machine.checkpointKey(scope)).flatMap { try? JSONDecoder().decode(VersionVector.self, from: Data($0.utf8)) }
                action = machine.pullLoaded(.init(held: try replica.fullVersionVector(), checkpoint: checkpoint, pending: pending))
            case .store(let page, let state):
                try replica.receive(page, state: state)
                action = machine.stored()
            case .adopt: action = machine.adopted()
            case .finish(let report): return report
            case .fail(let failure): throw failure
            }
        }
    }

    static func replica(_ agent: Agent) throws -> LocalReplica {
        let replica = try LocalReplica.create(at: .file(Fixture.temporaryPath()), passphrase: Fixture.passphrase, agent: agent, kdf: .testing,
                                              stateDirectory: Fixture.stateDirectory)
        try replica.importRegions(Fixture.catalog)
        try Fixture.certify(replica)
        return replica
    }

    @Test("A PSM and its TKSK converge through the machine, page by page, resuming after a cut anywhere; the PSM gets its kelurahan only",
          arguments: [1, 3, 500])
    func psmWithTKSK(batchSize: Int) throws {
        let psm = try Self.replica(Agent(id: "A-PSM", name: "PSM", role: .psm, areaID: Self.srondol))
        let tksk = try Self.replica(Agent(id: "A-TKSK", name: "TKSK", role: .tksk, areaID: "3374/banyumanik"))
        try tksk.trust(authority: MemoryReplica.sharedAuthority.publicKey, certificates: [try #require(try psm.ownCertificate())])
        try psm.trust(authority: MemoryReplica.sharedAuthority.publicKey, certificates: [try #require(try tksk.ownCertificate())])
        for index in 0..<4 {
            _ = try psm.write("H-P\(index)", type: .household, area: Self.srondol, fields: ["address": .text("Jl. P \(index)")], wallTime: 1)
            _ = try tksk.write("H-T\(index)", type: .household, area: index % 2 == 0 ? Self.srondol : Self.wetan,
                               fields: ["address": .text("Jl. T \(index)")], wallTime: 1)
        }
        let scope = SyncScope(kind: .area, area: Self.srondol)
        let certificate = try #require(try psm.ownCertificate())
        // Cut after 1, 2, … requests until a run completes; each run resumes where the last stopped.
        var cut = 1
        while true {
            let link = Link(tksk, asker: certificate, scope: scope, cutAfter: cut)
            if (try? Self.sync(psm, over: link, batchSize: batchSize)) != nil { break }
            cut += 1
        }
        #expect(cut > 3, "the cuts fell inside the sync")
        let psmRecords = try psm.snapshot().records
        let tkskRecords = try tksk.snapshot().records
        #expect(Set(psmRecords.keys) == ["H-P0", "H-P1", "H-P2", "H-P3", "H-T0", "H-T2"], "its kelurahan, nothing of Srondol Wetan")
        for (id, record) in psmRecords { #expect(tkskRecords[id] == record) }
        #expect(tkskRecords.count == 8)

        // Nothing new: one more sync moves nothing.
        let again = try Self.sync(psm, over: Link(tksk, asker: certificate, scope: scope), batchSize: batchSize)
        #expect(again.pushed == 0 && again.pulled == 0 && again.rounds == 1)
    }

    @Test("A session opened as another replica than the certified sender is refused")
    func sessionAsSomeoneElse() throws {
        let tksk = try Self.replica(Agent(id: "A-TKSK", name: "TKSK", role: .tksk, areaID: "3374/banyumanik"))
        let certificate = try #require(try tksk.ownCertificate())
        let responder = PeerResponder(source: tksk, keeps: SyncScope(kind: .area, area: "3374/banyumanik"))
        #expect(throws: PeerResponder.Failure.notTheSender) {
            try responder.answer(.session(SessionRequest(replica: ReplicaID("someone-else"))), asker: certificate, scope: ScopeGrant.nothing)
        }
    }
}
