import FieldModels
import Foundation
import SyncEngine

/// Bundles, the third transport of the sync machine (a USB stick, a chat app): a bundle is made
/// by the machine pushing into a `BundleOutbox` that stands for the recipient, and taken by the
/// machine pulling from a `BundleInbox` that answers from the file, page by page. Sealing the
/// result as a file (passphrase, signature, compression) is the caller's.
extension LocalReplica {
    /// What taking a bundle did.
    public struct BundleTaken: Sendable, Equatable {
        /// Changes this replica did not hold before.
        public var fresh: Int
        /// Changes of the bundle in this replica's scope (the rest was left out).
        public var kept: Int
        /// The scope the server granted the sender: what an answer to it may carry.
        public var senderScope: SyncScope
    }

    /// What `recipient` lacks in its granted scope, as it last told this laptop (everything this
    /// laptop holds when nobody is named), sealed; notes when it was made for the recipient.
    public func bundleBatch(for recipient: Peer?, batchSize: Int = WireProtocol.batchChanges) throws -> SealedBatch {
        let (_, certificate) = try enrolment()
        let scope = recipient?.scope ?? SyncScope(kind: .all)
        let outbox = BundleOutbox(knowledge: recipient?.knowledge ?? VersionVector(), scope: scope, sender: certificate,
                                  certificates: { try self.certificate(of: $0) })
        let configuration = SyncMachine.Configuration(batchSize: batchSize, maxRounds: 1, statePrefix: "file.", directions: .push, checkStored: false)
        _ = try sync(over: outbox, configuration, roles: SyncRoles(collect: { try self.changes(for: scope, notIn: $0) }))
        if var recipient {
            recipient.sentAt = ChangeWriter.millis(Date())
            try rememberPeer(recipient)
        }
        return outbox.batch
    }

    /// Takes one bundle (already opened: its sender's signature and certificate checked): keeps
    /// what this replica's scope admits, the rest of a transaction withheld so every origin seal
    /// still verifies; remembers the sender as a peer with the scope the server granted it (none
    /// without a valid grant). Every change is checked before any is stored: a bundle with one
    /// forged or altered change is refused whole (`StoreError.refused`). Stored page by page with
    /// a note of how far it got, so an import cut by a crash resumes when run again.
    /// `progress` hears of each page stored (`SyncProgress.stored`).
    public func takeBundle(_ bundle: SyncBundle, batchSize: Int = WireProtocol.batchChanges,
                           progress: (SyncProgress) -> Void = { _ in }) throws -> BundleTaken {
        try takeBundle(bundle, batchSize: batchSize, progress: progress) { $0 }
    }

    func takeBundle(_ bundle: SyncBundle, batchSize: Int, progress: (SyncProgress) -> Void = { _ in },
                    through wrap: (BundleInbox) -> any SyncTransport) throws -> BundleTaken {
        let (authority, certificate) = try enrolment()
        let scope = ownScope
        let keeps = try read { db in try Placement.kept(by: scope, bundle.batch.changes) { try self.holds(record: $0, in: db) } }
        let kept = bundle.batch.restricted { keeps.contains($0.dot) }
        try check(kept)
        let before = try fullVersionVector()
        let configuration = SyncMachine.Configuration(batchSize: batchSize, maxRounds: 1, statePrefix: Self.statePrefix(of: bundle),
                                                      directions: .pull)
        do {
            _ = try sync(over: wrap(BundleInbox(bundle, asker: certificate, scope: scope)), configuration, progress: progress)
        } catch let refused as PageRefused {
            throw refused.error
        }
        // A file's pull checkpoint stands for nothing once it is taken: this replica's vector holds it.
        try setSyncState(configuration.statePrefix + SyncMachine.checkpointKey(scope), nil)
        let senderScope = bundle.grantedScope(authority: authority)
        try rememberPeer(Peer(replica: bundle.sender.replica, agent: bundle.sender.agent, scope: senderScope, knowledge: bundle.knowledge,
                              heardAt: ChangeWriter.millis(Date()), sentAt: try peer(bundle.sender.replica)?.sentAt))
        return BundleTaken(fresh: kept.changes.filter { !before.contains($0.dot) }.count, kept: kept.changes.count, senderScope: senderScope)
    }

    /// The sync-state keys of one bundle file's pull: its series and part, so that a cut import
    /// resumes only with the same file.
    static func statePrefix(of bundle: SyncBundle) -> String {
        let series = String(bundle.series.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" }.prefix(64))
        return "file.\(series).\(bundle.part)."
    }

    /// What this laptop keeps: its agent's area (PKH families are not exchanged between laptops).
    public var ownScope: SyncScope { SyncScope(role: agent.role, area: agent.areaID, families: []) }

    /// This laptop's authority and certificate, or why it cannot exchange bundles.
    public func enrolment() throws -> (authority: Data, certificate: ReplicaCertificate) {
        guard let authority = try authority(), let certificate = try ownCertificate() else {
            throw StoreError(.notEnrolled, id: "Laptop ini belum terdaftar di server Dinas: bundel hanya dapat ditukar antarlaptop terdaftar. Jalankan dulu: field enroll --server URL --code KODE",
                             en: "This laptop is not enrolled with the Dinas server: bundles are exchanged between enrolled laptops only. Run first: field enroll --server URL --code CODE")
        }
        return (authority, certificate)
    }
}
