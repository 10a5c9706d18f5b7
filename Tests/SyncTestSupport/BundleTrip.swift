import Foundation
import LocalStore
import SyncEngine

/// `field bundle export --for` and `field bundle import` without the files (their passphrase
/// seal and compression are the `field` command's): `from` makes a bundle for `to` as `to` last
/// told it, cut into parts of at most `partSize` changes; `deliver` picks which parts arrive, in
/// which order and how often; `to` takes each through the sync machine's file transport.
public enum BundleTrip {
    public static func carry(from: LocalReplica, to: LocalReplica, scope: SyncScope, partSize: Int, batchSize: Int,
                             deliver: ([SyncBundle]) -> [SyncBundle] = { $0 }) throws {
        guard let certificate = try from.ownCertificate() else { return }
        let recipient = LocalReplica.Peer(replica: to.replicaID, agent: to.agent.id, scope: scope, knowledge: try to.fullVersionVector(), heardAt: 0)
        let batch = try from.bundleBatch(for: recipient, batchSize: batchSize)
        let pieces = Batching.batches(batch, maxChanges: max(1, partSize))
        let knowledge = try from.fullVersionVector()
        let series = "\(from.replicaID.rawValue)-\(to.replicaID.rawValue)-\(batch.changes.first.map { "\($0.dot.counter)" } ?? "0")"
        let mine = SyncScope(role: from.agent.role, area: from.agent.areaID, families: [])
        let bundles = pieces.enumerated().map { index, piece in
            SyncBundle(sender: certificate, scope: mine, knowledge: knowledge, created: 0, series: series,
                       part: index + 1, parts: pieces.count, batch: piece)
        }
        for bundle in deliver(bundles) { _ = try to.takeBundle(bundle, batchSize: batchSize) }
    }
}

/// Faulty delivery, for property tests: the items (batches, bundle parts) shuffled half the
/// time, some sent twice a quarter of the time, cut short a quarter of the time.
public enum Faults {
    public static func deliver<T>(_ items: [T], random: inout SeededGenerator) -> [T] {
        var items = items
        if Bool.random(using: &random) { items.shuffle(using: &random) }
        if Int.random(in: 0..<4, using: &random) == 0 { items += items.shuffled(using: &random) }
        let cut = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 0...items.count, using: &random) : items.count
        return Array(items.prefix(cut))
    }
}
