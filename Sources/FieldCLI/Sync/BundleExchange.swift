import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// Bundle files for `field bundle`: what the sync machine's file transport makes and takes
/// (`LocalReplica.bundleBatch`, `takeBundle`), sealed and cut into parts that fit a chat app.
enum BundleExchange {
    /// The bundle files of what `recipient` lacks in its scope (everything this laptop holds
    /// when there is no recipient), each at most `limit` bytes; notes when it was made for it.
    static func make(_ replica: LocalReplica, for recipient: LocalReplica.Peer?, passphrase: String,
                     limit: Int) throws -> (files: [Data], changes: Int, photos: Int) {
        let (_, certificate) = try BundleCommand.trust(replica)
        let batch = try replica.bundleBatch(for: recipient)
        let mine = replica.ownScope
        let series = UUID().uuidString
        let knowledge = try replica.fullVersionVector()
        let grant = try BundleCommand.grant(of: replica)
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        var files = try parts(of: batch, limit: limit) { part, parts, piece in
            try BundleFile.encode(SyncBundle(sender: certificate, scope: mine, knowledge: knowledge, created: created, series: series,
                                             part: part, parts: parts, batch: piece, grant: grant), key: replica.deviceKey, passphrase: passphrase)
        }
        // The photos the changes attach travel after them, in files of their own.
        let groups = try photoGroups(replica, for: batch, limit: limit)
        for (index, group) in groups.enumerated() {
            files.append(try BundleFile.encode(SyncBundle(sender: certificate, scope: mine, knowledge: knowledge, created: created,
                                                          series: series + "-photos", part: index + 1, parts: groups.count,
                                                          batch: SealedBatch(), grant: grant, attachments: group),
                                               key: replica.deviceKey, passphrase: passphrase))
        }
        return (files, batch.changes.count, groups.reduce(0) { $0 + $1.count })
    }

    /// The photos held here that the changes of `batch` attach, whole, in groups that keep a
    /// file within `limit` (a photo larger than that goes alone).
    static func photoGroups(_ replica: LocalReplica, for batch: SealedBatch, limit: Int) throws -> [[AttachmentChunk]] {
        let digests = Set(batch.changes.compactMap { $0.value == .bool(true) ? AttachmentProtocol.digest(inField: $0.field) : nil })
        var groups: [[AttachmentChunk]] = [], current: [AttachmentChunk] = [], size = 0
        for digest in digests.sorted() {
            guard let held = try replica.attachment(digest), let bytes = try replica.attachmentBytes(digest) else { continue }
            let cost = bytes.count * 4 / 3 + 1_024   // base64 in JSON, and the description
            if !current.isEmpty, size + cost > limit {
                groups.append(current)
                (current, size) = ([], 0)
            }
            current.append(AttachmentChunk(info: held.info, offset: 0, bytes: bytes))
            size += cost
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// Keeps the photos a bundle carries, each checked against its digest; returns how many
    /// were new. Kept whatever order the parts come in: a photo waits for its record, and is
    /// sent on to the server once a record here refers to it.
    static func takePhotos(_ bundle: SyncBundle, named name: String, into replica: LocalReplica) throws -> Int {
        var fresh = 0
        for chunk in bundle.attachments ?? [] {
            guard chunk.offset == 0, chunk.bytes.count == chunk.info.size, chunk.info.problem == nil,
                  try replica.attachment(chunk.info.digest) == nil else { continue }
            guard try replica.storeDownloaded(chunk.bytes, at: 0, info: chunk.info, fromServer: false) else {
                throw CLIError("\(name): foto \(chunk.info.digest.prefix(12)) tidak cocok dengan digestnya; foto itu tidak disimpan.",
                               "\(name): photo \(chunk.info.digest.prefix(12)) does not match its digest; it was not stored.", code: Exit.serverRefused)
            }
            fresh += 1
        }
        return fresh
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

    /// Checks one bundle file (its passphrase, its sender's signature and certificate) and takes
    /// it (`LocalReplica.takeBundle`: every origin seal checked, this laptop's scope kept, the
    /// sender remembered with the scope the server granted it).
    static func take(_ data: Data, named name: String, into replica: LocalReplica, authority: Data, passphrase: String,
                     progress: ProgressBar = ProgressBar(enabled: false)) throws -> (bundle: SyncBundle, fresh: Int, summary: LocalizedText) {
        let bundle = try BundleFile.check(data, named: name, authority: authority, passphrase: passphrase)
        let taken: LocalReplica.BundleTaken
        do {
            var stored = 0
            progress.start(L("Impor", "Import"), total: nil, bytes: data.count)
            defer { progress.finish() }
            taken = try replica.takeBundle(bundle) { event in
                if case .stored(let count) = event {
                    stored += count
                    progress.update(done: stored, bytes: data.count)
                }
            }
        } catch let error as StoreError where error.code == .refused {
            throw CLIError("\(name): bundel ditolak, tidak ada yang disimpan: \(error.text.id)",
                           "\(name): the bundle was refused, nothing was saved: \(error.text.en)", code: Exit.serverRefused)
        }
        let photos = try takePhotos(bundle, named: name, into: replica)
        let part = bundle.parts > 1 ? " (bagian \(bundle.part) dari \(bundle.parts))" : ""
        let partEn = bundle.parts > 1 ? " (part \(bundle.part) of \(bundle.parts))" : ""
        return (bundle, taken.fresh, LocalizedText(
            id: "dari \(bundle.sender.agent) (\(bundle.sender.device))\(part): \(taken.fresh) perubahan baru, \(taken.kept - taken.fresh) sudah ada"
                + (bundle.attachments == nil ? "." : "; \(photos) foto baru."),
            en: "from \(bundle.sender.agent) (\(bundle.sender.device))\(partEn): \(taken.fresh) new changes, \(taken.kept - taken.fresh) already held"
                + (bundle.attachments == nil ? "." : "; \(photos) new photos.")))
    }
}
