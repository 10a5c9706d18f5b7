import FieldModels
import Foundation
import GRDB
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// Bundles as the sync machine's third transport, on replica files: made by pushing into an
/// outbox, taken by pulling from an inbox, part by part, in any order, twice, cut by a crash,
/// or forged.
@Suite("Bundles through the sync machine: the file transport")
struct BundleTransportTests {
    static let srondol = PeerSyncTests.srondol
    static let wetan = PeerSyncTests.wetan
    static let banyumanik = "33.74.11"

    /// A TKSK holding four households in each of two kelurahan, a PSM of one of them with two of
    /// its own, and the TKSK's note of the PSM as its bundles told it (granted scope, knowledge).
    static func kecamatan() throws -> (psm: LocalReplica, tksk: LocalReplica, peer: LocalReplica.Peer) {
        let psm = try PeerSyncTests.replica(Agent(id: "A-PSM", name: "PSM", role: .psm, areaID: srondol))
        let tksk = try PeerSyncTests.replica(Agent(id: "A-TKSK", name: "TKSK", role: .tksk, areaID: banyumanik))
        for index in 0..<8 {
            _ = try tksk.write("H-T\(index)", type: .household, area: index % 2 == 0 ? srondol : wetan,
                               fields: ["address": .text("Jl. T \(index)"), "rt": .text("00\(index)")], wallTime: 1)
        }
        for index in 0..<2 {
            _ = try psm.write("H-P\(index)", type: .household, area: srondol, fields: ["address": .text("Jl. P \(index)")], wallTime: 1)
        }
        let peer = LocalReplica.Peer(replica: psm.replicaID, agent: "A-PSM", scope: SyncScope(kind: .area, area: srondol),
                                     knowledge: try psm.fullVersionVector(), heardAt: 0)
        return (psm, tksk, peer)
    }

    /// `batch` as the parts of one bundle series from `sender`, `size` changes or fewer each.
    static func parts(of batch: SealedBatch, from sender: LocalReplica, size: Int) throws -> [SyncBundle] {
        let pieces = Batching.batches(batch, maxChanges: size)
        let certificate = try #require(try sender.ownCertificate())
        let series = UUID().uuidString
        return pieces.enumerated().map { index, piece in
            SyncBundle(sender: certificate, scope: SyncScope(kind: .area, area: banyumanik), knowledge: (try? sender.fullVersionVector()) ?? VersionVector(),
                       created: 0, series: series, part: index + 1, parts: pieces.count, batch: piece)
        }
    }

    static func records(_ replica: LocalReplica, in area: String? = nil) throws -> [String: RecordSnapshot] {
        try replica.snapshot().records.filter { area == nil || $0.value.area == area }
    }

    @Test("A bundle for a PSM carries what it lacks in its kelurahan; parts taken in reverse order, each alone, then all again, give it exactly its scope",
          arguments: [1, 2, 500])
    func partsInAnyOrder(batchSize: Int) throws {
        let (psm, tksk, peer) = try Self.kecamatan()
        let batch = try tksk.bundleBatch(for: peer, batchSize: batchSize)
        #expect(Set(batch.changes.map(\.area)) == [Self.srondol], "nothing of Srondol Wetan leaves for a Srondol Kulon PSM")
        #expect(try tksk.peer(psm.replicaID)?.sentAt != nil, "the TKSK notes that it made a bundle for the PSM")
        let parts = try Self.parts(of: batch, from: tksk, size: 3)
        #expect(parts.count > 1)
        var fresh = 0
        for part in parts.reversed() { fresh += try psm.takeBundle(part, batchSize: batchSize).fresh }
        #expect(fresh == batch.changes.count)
        for part in parts { #expect(try psm.takeBundle(part, batchSize: batchSize).fresh == 0, "taking a part twice is harmless") }
        let held = try Self.records(psm)
        #expect(Set(held.keys) == ["H-P0", "H-P1", "H-T0", "H-T2", "H-T4", "H-T6"])
        let tkskRecords = try Self.records(tksk)
        for (id, record) in held where id.hasPrefix("H-T") { #expect(tkskRecords[id] == record) }
        // Nothing is left of the files' pulls, and the next bundle for the PSM carries nothing new.
        #expect(try psm.syncStateKeys(prefix: "file.").isEmpty)
        let updated = LocalReplica.Peer(replica: psm.replicaID, agent: "A-PSM", scope: peer.scope, knowledge: try psm.fullVersionVector(), heardAt: 1)
        #expect(try tksk.bundleBatch(for: updated).isEmpty)
    }

    @Test("A PSM's first bundle (no recipient known) carries all it holds; the TKSK keeps it and notes the sender with no scope when it shows no grant")
    func firstBundleUp() throws {
        let (psm, tksk, _) = try Self.kecamatan()
        let batch = try psm.bundleBatch(for: nil)
        let everything = try psm.changes(notIn: VersionVector())
        #expect(batch.changes.count == everything.changes.count)
        let bundle = try #require(try Self.parts(of: batch, from: psm, size: 500).first)
        let taken = try tksk.takeBundle(bundle)
        #expect(taken.fresh == batch.changes.count && taken.kept == batch.changes.count)
        #expect(taken.senderScope == ScopeGrant.nothing)
        #expect(try tksk.peer(psm.replicaID)?.scope == ScopeGrant.nothing, "answers to a sender without a grant carry nothing")
        let grant = try MemoryReplica.sharedAuthority.grant(agent: "A-PSM", scope: SyncScope(kind: .area, area: Self.srondol), issuedAt: 1)
        var granted = bundle
        granted.grant = grant
        #expect(try tksk.takeBundle(granted).senderScope == SyncScope(kind: .area, area: Self.srondol))
        #expect(try Self.records(tksk)["H-P1"] == Self.records(psm)["H-P1"])
    }

    @Test("One altered change anywhere in a bundle refuses the whole bundle before any page is stored")
    func forgedChange() throws {
        let (psm, tksk, peer) = try Self.kecamatan()
        let batch = try tksk.bundleBatch(for: peer)
        for index in [0, batch.changes.count - 1] {
            var forged = batch
            forged.changes[index].value = forged.changes[index].field == "rt" ? .text("009") : .text("Jl. Palsu")
            let bundle = try #require(try Self.parts(of: forged, from: tksk, size: 500).first)
            let before = try psm.fullVersionVector()
            #expect {
                try psm.takeBundle(bundle, batchSize: 1)
            } throws: { (($0 as? StoreError)?.cause as? Refusal)?.code == .badOriginSignature }
            #expect(try psm.fullVersionVector() == before, "nothing of the bundle was stored")
        }
    }

    @Test("An import cut after any page resumes from its note when the same file is taken again, and ends with all of it")
    func cutImport() throws {
        let (psm, tksk, peer) = try Self.kecamatan()
        let bundle = try #require(try Self.parts(of: try tksk.bundleBatch(for: peer), from: tksk, size: 500).first)
        var cut = 1
        var partial: [Int] = []
        let pages = CutInbox.Pages()
        while cut < 100 {
            let link = CutInbox(after: cut, pages: pages)
            do {
                _ = try psm.takeBundle(bundle, batchSize: 1, through: { link.wrapping($0) })
                break
            } catch is CutInbox.Cut {}
            partial.append(try Self.records(psm, in: Self.srondol).count)
            if link.requests > 1 {
                #expect(try psm.syncStateKeys(prefix: "file.").count == 1, "a cut pull leaves its note")
            }
            cut += 1
        }
        #expect(partial.contains { $0 > 2 && $0 < 6 }, "some cut left part of the bundle stored")
        let transactions = Set(bundle.changes.filter { $0.area == Self.srondol }.map(\.transaction))
        #expect(pages.answered == transactions.count, "each page (one transaction at batch size 1) was read once: every run resumed where the last stopped")
        #expect(Set(try Self.records(psm).keys) == ["H-P0", "H-P1", "H-T0", "H-T2", "H-T4", "H-T6"])
        #expect(try psm.syncStateKeys(prefix: "file.").isEmpty)
    }
}

/// An inbox whose link is cut after `after` requests, as a crash mid-import would.
final class CutInbox {
    let after: Int
    let pages: Pages
    private(set) var requests = 0
    struct Cut: Error {}
    /// Pages with changes answered, over every run.
    final class Pages { var answered = 0 }
    init(after: Int, pages: Pages) {
        self.after = after
        self.pages = pages
    }

    func wrapping(_ inbox: BundleInbox) -> any SyncTransport { Link(inbox: inbox, owner: self) }

    struct Link: SyncTransport {
        let inbox: BundleInbox
        let owner: CutInbox
        func exchange(_ request: SyncRequest) throws -> SyncAnswer {
            guard owner.requests < owner.after else { throw Cut() }
            owner.requests += 1
            let answer = try inbox.exchange(request)
            if case .pull(let page) = answer, !page.changes.isEmpty { owner.pages.answered += 1 }
            return answer
        }
    }
}

extension LocalReplica {
    /// The sync-state keys under `prefix`, for tests that check what a sync left behind.
    func syncStateKeys(prefix: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT key FROM meta WHERE key LIKE ? ORDER BY key", arguments: ["sync." + prefix + "%"])
        }
    }
}
