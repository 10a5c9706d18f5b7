import Crypto
import FieldModels
import Foundation

/// What a bundle carries: sealed changes for a laptop that cannot reach the sender over a
/// network (a USB stick, a chat app), and who sent them, with the sender's scope and knowledge
/// so the recipient can answer with exactly what the sender lacks. Self-describing and
/// idempotent: importing one twice, or parts out of order, is harmless. The sender signs the
/// payload with its device key; each change also keeps its origin seal, so a bundle relayed
/// through a third laptop proves where every change comes from.
public struct SyncBundle: Sendable, Codable {
    public static let format = 1

    public var format: Int
    /// The sending replica's certificate (issued by the authority both laptops trust).
    public var sender: ReplicaCertificate
    /// The sender's scope: what it may hold, and so what an answer to it may carry.
    public var scope: SyncScope
    /// Everything the sender held when it made the bundle.
    public var knowledge: VersionVector
    /// When the bundle was made, by the sender's clock (shown, never compared).
    public var created: Int64
    /// A bundle too large for one file is cut into parts of one series, each importable alone.
    public var series: String
    public var part: Int
    public var parts: Int
    public var changes: [Change]
    public var seals: [OriginSeal]
    public var certificates: [ReplicaCertificate]
    /// The authority's grant of the sender's scope: an answer to the sender carries what the
    /// grant admits, never what `scope` merely claims (`grantedScope`).
    public var grant: ScopeGrant?
    /// Whole photos the changes of the series refer to (`photos/<digest>`), in parts of their
    /// own after the records'; absent in bundles that carry none (and in older bundles).
    public var attachments: [AttachmentChunk]?

    public init(sender: ReplicaCertificate, scope: SyncScope, knowledge: VersionVector, created: Int64, series: String,
                part: Int = 1, parts: Int = 1, batch: SealedBatch, grant: ScopeGrant? = nil, attachments: [AttachmentChunk]? = nil) {
        self.grant = grant
        self.attachments = attachments
        self.format = Self.format
        self.sender = sender
        self.scope = scope
        self.knowledge = knowledge
        self.created = created
        self.series = series
        self.part = part
        self.parts = parts
        self.changes = batch.changes
        self.seals = batch.seals
        self.certificates = batch.certificates
    }

    public var batch: SealedBatch { SealedBatch(changes: changes, seals: seals, certificates: certificates) }

    /// The scope an answer to the sender may carry: its grant's, when `authority` issued the
    /// grant to the sender's agent; otherwise nothing.
    public func grantedScope(authority: Data) -> SyncScope {
        ScopeGrant.scope(of: grant, to: sender.agent, authority: authority)
    }

    /// The bytes the sender signs: a domain tag and the SHA-256 of the encoded payload.
    public static func message(payload: Data) -> Data {
        Data("FIELDSYNC-BUNDLE-1\n".utf8) + Data(SHA256.hash(data: payload))
    }

    /// The sender's signature over `payload`.
    public static func sign(_ payload: Data, key: Curve25519.Signing.PrivateKey) throws -> Data {
        try key.signature(for: message(payload: payload))
    }

    /// Reads a payload whose signature the sender's certificate, issued by `authority`,
    /// verifies; refuses anything else with a message saying what is wrong.
    public static func open(payload: Data, signature: Data, authority: Data) throws -> SyncBundle {
        let bundle: SyncBundle
        do {
            bundle = try JSONDecoder().decode(SyncBundle.self, from: payload)
        } catch {
            throw BundleError.damaged
        }
        guard bundle.format == format else { throw BundleError.unknownFormat(bundle.format) }
        guard bundle.sender.isIssued(by: authority) else { throw BundleError.unknownSender }
        guard SignatureCheck.isValid(signature, for: message(payload: payload), publicKey: bundle.sender.publicKey) else {
            throw BundleError.forged
        }
        return bundle
    }
}

/// Why a bundle was refused. Nothing of it was applied.
public enum BundleError: Error, Sendable, Equatable {
    case damaged
    case unknownFormat(Int)
    case unknownSender
    case forged
    case tooLarge(limit: Int)

    public var text: LocalizedText {
        switch self {
        case .damaged:
            LocalizedText(id: "Berkas bundel rusak atau terpotong. Minta pengirim membuatnya lagi.",
                          en: "The bundle file is damaged or cut short. Ask the sender to make it again.")
        case .unknownFormat(let format):
            LocalizedText(id: "Bundel berformat \(format) tidak dikenal versi field ini. Perbarui field.",
                          en: "This version of field does not know bundle format \(format). Update field.")
        case .unknownSender:
            LocalizedText(id: "Pengirim bundel tidak terdaftar pada server Dinas yang sama dengan laptop ini.",
                          en: "The bundle's sender is not enrolled with the same Dinas server as this laptop.")
        case .forged:
            LocalizedText(id: "Tanda tangan bundel tidak cocok dengan isinya: bundel diubah atau dipalsukan. Tidak ada yang disimpan.",
                          en: "The bundle's signature does not match its content: it was altered or forged. Nothing was saved.")
        case .tooLarge(let limit):
            LocalizedText(id: "Berkas bundel lebih dari \(limit >> 20) MiB setelah diurai.",
                          en: "The bundle file is over \(limit >> 20) MiB once inflated.")
        }
    }
}
