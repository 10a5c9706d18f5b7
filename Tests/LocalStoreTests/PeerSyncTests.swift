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
    static let srondol = "33.74.11.1006"
    static let wetan = "33.74.11.1007"

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
        let tksk = try Self.replica(Agent(id: "A-TKSK", name: "TKSK", role: .tksk, areaID: "33.74.11"))
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
            let link = PeerLink(tksk, keeps: SyncScope(kind: .area, area: "33.74.11"), asker: certificate, scope: scope, cutAfter: cut)
            if (try? PeerLink.sync(psm, over: link, batchSize: batchSize)) != nil { break }
            cut += 1
        }
        #expect(cut > 3, "the cuts fell inside the sync")
        let psmRecords = try psm.snapshot().records
        let tkskRecords = try tksk.snapshot().records
        #expect(Set(psmRecords.keys) == ["H-P0", "H-P1", "H-P2", "H-P3", "H-T0", "H-T2"], "its kelurahan, nothing of Srondol Wetan")
        for (id, record) in psmRecords { #expect(tkskRecords[id] == record) }
        #expect(tkskRecords.count == 8)

        // Nothing new: one more sync moves nothing.
        let again = try PeerLink.sync(psm, over: PeerLink(tksk, keeps: SyncScope(kind: .area, area: "33.74.11"), asker: certificate, scope: scope), batchSize: batchSize)
        #expect(again.pushed == 0 && again.pulled == 0 && again.rounds == 1)
    }

    @Test("A session opened as another replica than the certified sender is refused")
    func sessionAsSomeoneElse() throws {
        let tksk = try Self.replica(Agent(id: "A-TKSK", name: "TKSK", role: .tksk, areaID: "33.74.11"))
        let certificate = try #require(try tksk.ownCertificate())
        let responder = PeerResponder(source: tksk, keeps: SyncScope(kind: .area, area: "33.74.11"))
        #expect(throws: PeerResponder.Failure.notTheSender) {
            try responder.answer(.session(SessionRequest(replica: ReplicaID("someone-else"))), asker: certificate, scope: ScopeGrant.nothing)
        }
    }
}
