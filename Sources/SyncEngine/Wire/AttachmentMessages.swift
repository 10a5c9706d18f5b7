import FieldModels
import Foundation

/// Attachments (photos) travel after the records, in chunks, named by the SHA-256 of their
/// bytes. A record refers to one by a set element `photos/<digest>`, which syncs like any field;
/// the bytes follow on their own:
///
/// 1. `POST /v1/attachments/offer`: the laptop names what it holds; the server answers, per
///    digest, how many bytes it holds already (all of them: never sent again), or why it
///    refuses (no record in the sender's scope refers to it).
/// 2. `POST /v1/attachments/chunk/<digest>/<offset>`: the raw bytes from `offset`, at most
///    `chunkBytes`; the answer is how many bytes the server now holds. After a cut the laptop
///    offers again and goes on from there.
/// 3. `POST /v1/attachments/want`, then `POST /v1/attachments/fetch` chunk by chunk: the same
///    the other way, for the photos of records in the puller's scope that it lacks.
public enum AttachmentProtocol {
    /// Bytes per chunk: small enough that a cut link loses little, large enough that the
    /// signed request around it costs about 1%.
    public static let chunkBytes = 64 << 10
    /// Largest attachment accepted: a re-encoded photo is well under 1 MB.
    public static let maxBytes = 8 << 20
    /// Most digests named in one offer or want.
    public static let maxPerRequest = 500
    /// The media types an attachment may have.
    public static let mediaTypes: Set<String> = ["image/jpeg"]
    /// The prefix of the set elements that refer to attachments.
    public static let fieldPrefix = "photos/"

    /// The digest a field refers to, when it is a photo reference (`photos/<digest>`).
    public static func digest(inField field: String) -> String? {
        guard field.hasPrefix(fieldPrefix) else { return nil }
        let digest = String(field.dropFirst(fieldPrefix.count))
        return Grammar.isDigest(digest) ? digest : nil
    }
}

/// What an attachment is, besides its bytes.
public struct AttachmentInfo: Sendable, Hashable, Codable {
    public var digest: String
    public var size: Int
    public var mediaType: String
    /// A line the agent wrote about it ("tampak depan rumah").
    public var caption: String?
    /// When it was taken, `YYYY-MM-DD HH:MM:SS` by the camera's clock.
    public var takenAt: String?

    public init(digest: String, size: Int, mediaType: String = "image/jpeg", caption: String? = nil, takenAt: String? = nil) {
        self.digest = digest
        self.size = size
        self.mediaType = mediaType
        self.caption = caption
        self.takenAt = takenAt
    }

    /// What is wrong with it as a peer described it, or nil.
    public var problem: LocalizedText? {
        if !Grammar.isDigest(digest) {
            return LocalizedText(id: "Digest lampiran '\(Grammar.shown(digest))' bukan SHA-256 heksadesimal.",
                                 en: "Attachment digest '\(Grammar.shown(digest))' is not a hex SHA-256.")
        }
        if !(1...AttachmentProtocol.maxBytes).contains(size) {
            return LocalizedText(id: "Ukuran lampiran \(size) bait di luar 1…\(AttachmentProtocol.maxBytes).",
                                 en: "Attachment size \(size) bytes is outside 1…\(AttachmentProtocol.maxBytes).")
        }
        if !AttachmentProtocol.mediaTypes.contains(mediaType) {
            return LocalizedText(id: "Jenis lampiran '\(Grammar.shown(mediaType))' tidak didukung (hanya image/jpeg).",
                                 en: "Attachment type '\(Grammar.shown(mediaType))' is not supported (image/jpeg only).")
        }
        if let caption, let problem = Grammar.textProblem(caption, maxLength: 200, multiline: false) {
            return LocalizedText(id: "Keterangan lampiran \(problem.text.id)", en: "Attachment caption \(problem.text.en)")
        }
        if let takenAt, takenAt.utf8.count != 19 || CivilDate(String(takenAt.prefix(10))) == nil {
            return LocalizedText(id: "Waktu foto '\(Grammar.shown(takenAt))' bukan YYYY-MM-DD HH:MM:SS.",
                                 en: "Photo time '\(Grammar.shown(takenAt))' is not YYYY-MM-DD HH:MM:SS.")
        }
        return nil
    }
}

public struct AttachmentOffer: Sendable, Codable {
    public var attachments: [AttachmentInfo]
    public init(attachments: [AttachmentInfo]) { self.attachments = attachments }
}

/// Where the receiving side stands with one attachment.
public struct AttachmentState: Sendable, Equatable, Codable {
    public var digest: String
    /// Bytes held, from the start; equal to the size when complete.
    public var received: Int
    public var complete: Bool
    /// Why it will not take it (an error code and a message), if it will not.
    public var refused: ErrorBody.Detail?

    public init(digest: String, received: Int, complete: Bool, refused: ErrorBody.Detail? = nil) {
        self.digest = digest
        self.received = received
        self.complete = complete
        self.refused = refused
    }
}

public struct AttachmentOfferResponse: Sendable, Codable {
    public var attachments: [AttachmentState]
    public init(attachments: [AttachmentState]) { self.attachments = attachments }
}

public struct AttachmentWant: Sendable, Codable {
    public var digests: [String]
    public init(digests: [String]) { self.digests = digests }
}

/// The attachments asked for that the server holds whole and the asker may see.
public struct AttachmentWantResponse: Sendable, Codable {
    public var attachments: [AttachmentInfo]
    public init(attachments: [AttachmentInfo]) { self.attachments = attachments }
}

public struct AttachmentFetch: Sendable, Codable {
    public var digest: String
    public var offset: Int
    public init(digest: String, offset: Int) {
        self.digest = digest
        self.offset = offset
    }
}

/// One chunk as a peer laptop sends it (inside a sealed peer message): the attachment it
/// belongs to, where it starts, and the bytes.
public struct AttachmentChunk: Sendable, Codable {
    public var info: AttachmentInfo
    public var offset: Int
    public var bytes: Data
    public init(info: AttachmentInfo, offset: Int, bytes: Data) {
        self.info = info
        self.offset = offset
        self.bytes = bytes
    }
}

/// The attachment requests between two laptops (a PSM's and its TKSK's `serve-local`): the same
/// four steps as with the server, carried in one sealed message each.
public enum AttachmentRequest: Sendable, Codable {
    case offer(AttachmentOffer)
    case chunk(AttachmentChunk)
    case want(AttachmentWant)
    case fetch(AttachmentFetch)
}

public enum AttachmentAnswer: Sendable, Codable {
    case offer(AttachmentOfferResponse)
    case chunk(AttachmentState)
    case want(AttachmentWantResponse)
    case fetch(Data)
}
