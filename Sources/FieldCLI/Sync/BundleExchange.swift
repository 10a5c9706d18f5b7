import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// Making and taking bundles, for files (`field bundle`) and for peers over the network
/// (`field serve-local`, `field sync --peer`) alike.
enum BundleExchange {
    /// The bundle files of what `recipient` lacks in its scope (everything this laptop holds
    /// when there is no recipient), each at most `limit` bytes; notes when it was made for it.
    static func make(_ replica: LocalReplica, for recipient: LocalReplica.Peer?, passphrase: String,
                     limit: Int) throws -> (files: [Data], changes: Int) {
        let (_, certificate) = try BundleCommand.trust(replica)
        let batch = try replica.changes(for: recipient?.scope ?? SyncScope(kind: .all), notIn: recipient?.knowledge ?? VersionVector())
        let mine = SyncScope(role: replica.agent.role, area: replica.agent.areaID, families: [])
        let series = UUID().uuidString
        let knowledge = try replica.fullVersionVector()
        let grant = try BundleCommand.grant(of: replica)
        let files = try parts(of: batch, limit: limit) { part, parts, piece in
            try BundleFile.encode(SyncBundle(sender: certificate, scope: mine, knowledge: knowledge,
                                             created: Int64(Date().timeIntervalSince1970 * 1000), series: series,
                                             part: part, parts: parts, batch: piece, grant: grant), key: replica.deviceKey, passphrase: passphrase)
        }
        if var recipient {
            recipient.sentAt = Int64(Date().timeIntervalSince1970 * 1000)
            try replica.rememberPeer(recipient)
        }
        return (files, batch.changes.count)
    }

    /// `batch` encoded in as few parts as keep each within `limit` bytes (whole transactions
    /// per part; a single transaction over the limit goes alone).
    static func parts(of batch: SealedBatch, limit: Int, encode: (Int, Int, SealedBatch) throws -> Data) throws -> [Data] {
        var count = 1
        while true {
            let size = max(1, (batch.changes.count + count - 1) / count)
            let pieces = batch.changes.isEmpty ? [batch] : Batching.batches(batch, maxChanges: size)
            let files = try pieces.enumerated().map { try encode($0.offset + 1, pieces.count, $0.element) }
            if files.allSatisfy({ $0.count <= limit }) || size == 1 { return files }
            count *= 2
        }
    }

    /// Checks and applies one bundle: its passphrase, its sender's signature and certificate, every
    /// change's origin seal; keeps only what this laptop's scope admits (the rest of a transaction
    /// withheld, so its seal still verifies); remembers the sender as a peer, with the scope the
    /// server granted it (none without a valid grant: such a sender is answered with nothing).
    static func take(_ data: Data, named name: String, into replica: LocalReplica, authority: Data,
                     passphrase: String) throws -> (bundle: SyncBundle, fresh: Int, summary: LocalizedText) {
        let bundle = try BundleFile.check(data, named: name, authority: authority, passphrase: passphrase)
        let scope = SyncScope(role: replica.agent.role, area: replica.agent.areaID, families: [])
        let batch = bundle.batch.restricted { scope.kind == .all || scope.admits(area: $0.area, family: nil) }
        let before = try replica.fullVersionVector()
        do {
            try replica.receive(batch)
        } catch let error as StoreError where error.code == .refused {
            throw CLIError("\(name): bundel ditolak, tidak ada yang disimpan: \(error.text.id)",
                           "\(name): the bundle was refused, nothing was saved: \(error.text.en)", code: Exit.serverRefused)
        }
        let fresh = batch.changes.filter { !before.contains($0.dot) }.count
        // Answers to the sender carry what the server granted it, not what it claims.
        try replica.rememberPeer(.init(replica: bundle.sender.replica, agent: bundle.sender.agent,
                                       scope: bundle.grantedScope(authority: authority),
                                       knowledge: bundle.knowledge, heardAt: Int64(Date().timeIntervalSince1970 * 1000),
                                       sentAt: try replica.peer(bundle.sender.replica)?.sentAt))
        let part = bundle.parts > 1 ? " (bagian \(bundle.part) dari \(bundle.parts))" : ""
        let partEn = bundle.parts > 1 ? " (part \(bundle.part) of \(bundle.parts))" : ""
        return (bundle, fresh, LocalizedText(
            id: "dari \(bundle.sender.agent) (\(bundle.sender.device))\(part): \(fresh) perubahan baru, \(batch.changes.count - fresh) sudah ada.",
            en: "from \(bundle.sender.agent) (\(bundle.sender.device))\(partEn): \(fresh) new changes, \(batch.changes.count - fresh) already held."))
    }
}
