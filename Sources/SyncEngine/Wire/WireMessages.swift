import FieldModels
import Foundation

/// The messages of the sync protocol (JSON over HTTP, `/v1/…`): their shapes are described in
/// the server's `/openapi.yaml`, which a test keeps true.
///
/// A sync is: `session` (who am I, what may I see, what does the server hold), `push` of what
/// the server lacks in batches that never cut a transaction, then `pull` page by page until
/// `next` is absent.
public enum WireProtocol {
    /// 2: changes travel with their origin seals and replica certificates. 3: region ids are
    /// Kemendagri codes (`33.74.11.1006`); a change sealed under protocol 2 still verifies in
    /// the form it was written (`LegacyAreas`).
    public static let version = 3
    /// Most changes a client puts in one pushed batch or asks for in one pulled page.
    public static let batchChanges = 500
    /// Most changes the server accepts in one pushed batch.
    public static let maxBatchChanges = 2_000
    /// Largest request body the server reads (as sent, possibly gzip).
    public static let maxBodyBytes = 8 << 20
    /// Largest body after inflating.
    public static let maxInflatedBytes = 64 << 20
}

/// An agent as the server knows it.
public struct AgentProfile: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: AgentRole
    /// The region path of its area (kelurahan, kecamatan or kota).
    public var area: String
    /// Household ids assigned to a PKH pendamping.
    public var families: [String]
    /// Areas it held before a move (its own unsent changes there are still accepted).
    public var previousAreas: [String]

    public init(id: String, name: String, role: AgentRole, area: String, families: [String] = [], previousAreas: [String] = []) {
        self.id = id
        self.name = name
        self.role = role
        self.area = area
        self.families = families
        self.previousAreas = previousAreas
    }

    public var scope: SyncScope { SyncScope(role: role, area: area, families: families) }
}

public struct EnrollRequest: Sendable, Codable {
    public var code: String
    /// The device's Ed25519 public key, raw 32 bytes in base64.
    public var publicKey: String
    public var deviceName: String
    /// The replica id the laptop writes as; it becomes this device's, with a certificate.
    public var replica: ReplicaID

    public init(code: String, publicKey: String, deviceName: String, replica: ReplicaID) {
        self.code = code
        self.publicKey = publicKey
        self.deviceName = deviceName
        self.replica = replica
    }
}

public struct EnrollResponse: Sendable, Codable {
    public var device: String
    public var agent: AgentProfile
    public var scope: SyncScope
    /// The authority's public key (raw 32 bytes), which issues every replica certificate.
    public var authority: Data
    /// HMAC-SHA256 of `authority` under the enrolment code (`EnrolmentProof`).
    public var authorityProof: Data
    /// The certificate of the enrolled replica id.
    public var certificate: ReplicaCertificate
    /// The authority's grant of `scope` to the agent, which the laptop shows other laptops.
    public var grant: ScopeGrant?

    public init(device: String, agent: AgentProfile, scope: SyncScope, authority: Data, authorityProof: Data,
                certificate: ReplicaCertificate, grant: ScopeGrant? = nil) {
        self.device = device
        self.agent = agent
        self.scope = scope
        self.authority = authority
        self.authorityProof = authorityProof
        self.certificate = certificate
        self.grant = grant
    }
}

public struct SessionRequest: Sendable, Codable {
    /// The replica id the laptop writes as now. A new one (after a restored backup or a new
    /// key) is registered to the calling device here, unless another device holds it.
    public var replica: ReplicaID
    /// The replicas the laptop holds changes of: the server's vector is told for these (and
    /// the agent's own) only.
    public var replicas: [ReplicaID]?

    public init(replica: ReplicaID, replicas: [ReplicaID]? = nil) {
        self.replica = replica
        self.replicas = replicas
    }
}

/// What the server holds of one of the calling device's own replicas: the counter it holds
/// every change up to, and the digest of that change, so a laptop restored from an old copy
/// finds out that the server holds other content under its replica id.
public struct OwnReplica: Sendable, Codable, Hashable {
    public var replica: ReplicaID
    public var counter: UInt64
    /// `Change.digest` of the change at `counter`; absent when `counter` is 0.
    public var digest: Data?
    public var certificate: ReplicaCertificate

    public init(replica: ReplicaID, counter: UInt64, digest: Data?, certificate: ReplicaCertificate) {
        self.replica = replica
        self.counter = counter
        self.digest = digest
        self.certificate = certificate
    }
}

public struct SessionResponse: Sendable, Codable {
    public var device: String
    public var agent: AgentProfile
    public var scope: SyncScope
    /// What the server holds of the replicas the request named and of the agent's own: the
    /// client pushes what this lacks.
    public var serverVector: VersionVector
    public var maxBatchChanges: Int
    /// Every replica id registered to a device of the calling device's agent, the one it
    /// writes as now included.
    public var own: [OwnReplica]
    /// The authority's grant of `scope` to the agent, as of now (`ScopeGrant`).
    public var grant: ScopeGrant?

    public init(device: String, agent: AgentProfile, scope: SyncScope, serverVector: VersionVector, maxBatchChanges: Int,
                own: [OwnReplica], grant: ScopeGrant? = nil) {
        self.device = device
        self.agent = agent
        self.scope = scope
        self.serverVector = serverVector
        self.maxBatchChanges = maxBatchChanges
        self.own = own
        self.grant = grant
    }
}

public struct PushRequest: Sendable, Codable {
    /// Chosen by the client, kept across retries: the same batch twice is applied once.
    public var batch: String
    public var changes: [Change]
    /// One origin seal per transaction among `changes`.
    public var seals: [OriginSeal]
    /// The certificates of the replicas that wrote `changes`, for a receiver that may not hold
    /// them (a peer laptop); the server uses its own register and ignores these.
    public var certificates: [ReplicaCertificate]?

    public init(batch: String, changes: [Change], seals: [OriginSeal], certificates: [ReplicaCertificate]? = nil) {
        self.batch = batch
        self.changes = changes
        self.seals = seals
        self.certificates = certificates
    }

    public init(batch: String, _ sealed: SealedBatch) {
        self.init(batch: batch, changes: sealed.changes, seals: sealed.seals)
    }

    public var sealed: SealedBatch { SealedBatch(changes: changes, seals: seals) }

    /// This push with the certificates of the replicas whose transactions it carries, for a
    /// receiver that may not hold them (a peer laptop).
    public func carryingCertificates(_ lookup: (ReplicaID) throws -> ReplicaCertificate?) rethrows -> PushRequest {
        var push = self
        push.certificates = try Set(seals.map(\.transaction.replica)).sorted().compactMap(lookup)
        return push
    }
}

/// A nonce for the next signed request, and the server's clock (milliseconds since 1970), so
/// a laptop can tell how far off its own clock is; nothing depends on the laptop's clock.
public struct NonceResponse: Sendable, Codable {
    public var nonce: String
    public var serverTime: Int64

    public init(nonce: String, serverTime: Int64) {
        self.nonce = nonce
        self.serverTime = serverTime
    }
}

/// Asks for the digests of the changes the server holds under one of the calling device's own
/// replica ids, after `after`: how a restored laptop finds where its history and the server's
/// part.
public struct DigestsRequest: Sendable, Codable {
    public var replica: ReplicaID
    public var after: UInt64
    public var limit: Int?

    public init(replica: ReplicaID, after: UInt64, limit: Int? = nil) {
        self.replica = replica
        self.after = after
        self.limit = limit
    }
}

public struct DigestsResponse: Sendable, Codable {
    public struct Entry: Sendable, Codable, Hashable {
        public var counter: UInt64
        public var digest: Data
        public init(counter: UInt64, digest: Data) {
            self.counter = counter
            self.digest = digest
        }
    }

    public var replica: ReplicaID
    /// In counter order.
    public var digests: [Entry]
    /// Whether more follow after the last entry.
    public var more: Bool

    public init(replica: ReplicaID, digests: [Entry], more: Bool) {
        self.replica = replica
        self.digests = digests
        self.more = more
    }
}

public struct PushResponse: Sendable, Codable, Equatable {
    public var batch: String
    /// Changes new to the server.
    public var accepted: Int
    /// True when this batch id had been applied before (nothing applied now).
    public var duplicate: Bool

    public init(batch: String, accepted: Int, duplicate: Bool) {
        self.batch = batch
        self.accepted = accepted
        self.duplicate = duplicate
    }
}

/// One page of a pull. The first page sends `knowledge` alone; the server answers with the
/// set it is sending from (`upTo`) and, while more remain, `next`. Later pages send the same
/// `knowledge` and `upTo` with `after: next`. A pull cut anywhere resumes from the last page
/// applied; once `next` is absent, `upTo` is everything in scope the client now holds.
public struct PullRequest: Sendable, Codable {
    public var knowledge: VersionVector
    public var upTo: VersionVector?
    public var after: Dot?
    public var maxChanges: Int?

    public init(knowledge: VersionVector, upTo: VersionVector? = nil, after: Dot? = nil, maxChanges: Int? = nil) {
        self.knowledge = knowledge
        self.upTo = upTo
        self.after = after
        self.maxChanges = maxChanges
    }
}

public struct PullResponse: Sendable, Codable {
    public var changes: [Change]
    /// One origin seal per transaction among `changes`, with the digests of the records the
    /// caller's scope leaves out.
    public var seals: [OriginSeal]
    /// The certificates of the replicas that wrote `changes`.
    public var certificates: [ReplicaCertificate]
    public var upTo: VersionVector
    public var next: Dot?
    public var scope: SyncScope

    public init(_ sealed: SealedBatch, upTo: VersionVector, next: Dot?, scope: SyncScope) {
        self.changes = sealed.changes
        self.seals = sealed.seals
        self.certificates = sealed.certificates
        self.upTo = upTo
        self.next = next
        self.scope = scope
    }

    public var sealed: SealedBatch { SealedBatch(changes: changes, seals: seals, certificates: certificates) }
}

/// How every error travels: `{"error": {"code": "...", "message": "...", "messageEn": "..."}}`.
public struct ErrorBody: Sendable, Codable, Equatable {
    public struct Detail: Sendable, Codable, Equatable {
        public var code: String
        /// In Bahasa Indonesia.
        public var message: String
        public var messageEn: String
    }

    public var error: Detail

    public init(code: String, text: LocalizedText) {
        error = Detail(code: code, message: text.id, messageEn: text.en)
    }
}
