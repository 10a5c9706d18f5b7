import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// The push a laptop reads page by page (`LocalReplica.pushSource`) must send exactly what the
/// whole delta (`changes(notIn:)`) holds, in the same order, with the same seals, cut only
/// between transactions: over replica files filled by random histories (edits, deletes,
/// conflicts, changes relayed from other replicas), for several vectors the other side may hold.
@Suite("A push read page by page")
struct PagedPushTests {
    @Test("Pages concatenated are the whole delta, in order and sealed alike; no transaction is cut; no page exceeds the size unless one transaction does")
    func pagesMatchTheDelta() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-paged-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for seed in (0..<UInt64(6)).map({ $0 &* 0x9E37_79B9 &+ 31 }) {
            var files: [LocalReplica] = []
            let history = RandomHistory(seed: seed, operations: 30, replicas: 3...4)
            if let failure = try history.run(make: { id in
                let path = directory.appendingPathComponent("\(seed)-\(id.rawValue).sqlite").path
                let replica = try LocalReplica.create(at: .file(path), passphrase: Fixture.passphrase, agent: Fixture.agent, kdf: .testing,
                                                      stateDirectory: Fixture.stateDirectory)
                try Fixture.certify(replica)
                files.append(replica)
                return replica
            }) {
                Issue.record("\(failure)")
                return
            }
            var random = SeededGenerator(seed: seed)
            for replica in files {
                let held = try replica.fullVersionVector()
                // What another side may hold: nothing, part of each replica, and part with a dot beyond a gap.
                var partial = VersionVector()
                for (id, counter) in held.counters { partial.advance(id, to: counter / 2) }
                var gapped = partial
                if let (id, counter) = held.counters.first(where: { $0.value >= 4 }) { gapped.insert(Dot(id, counter - 1)) }
                for vector in [VersionVector(), partial, gapped] {
                    let whole = try replica.changes(notIn: vector)
                    let size = Int.random(in: 1...12, using: &random)
                    var source = try replica.pushSource(notIn: vector)
                    #expect(source.total >= whole.changes.count)
                    var pages: [SealedBatch] = []
                    while true {
                        let page = try source.next(maxChanges: size)
                        if page.changes.isEmpty { break }
                        pages.append(page)
                    }
                    #expect(pages.flatMap(\.changes) == whole.changes, "seed \(seed): the pages are the delta, in order")
                    // Seals travel in transaction order within each batch; which ones travel is what counts.
                    #expect(pages.flatMap(\.seals).sorted { $0.transaction < $1.transaction } == whole.seals.sorted { $0.transaction < $1.transaction },
                            "seed \(seed): the same seals")
                    let transactions = pages.map { Set($0.changes.map(\.transaction)) }
                    for (index, page) in transactions.enumerated() {
                        #expect(transactions[(index + 1)...].allSatisfy { $0.isDisjoint(with: page) }, "seed \(seed): a transaction is cut")
                    }
                    for page in pages where page.changes.count > size {
                        #expect(Set(page.changes.map(\.transaction)).count == 1, "seed \(seed): only one big transaction exceeds the size")
                    }
                }
            }
        }
    }
}
