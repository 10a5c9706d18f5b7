import FieldModels

/// The messages of the sync protocol (JSON over HTTP, `/v1/…`): their shapes are described in
/// the server's `/openapi.yaml`, which a test keeps true.
///
/// A sync is: `session` (who am I, what may I see, what does the server hold), `push` of what
/// the server lacks in batches that never cut a transaction, then `pull` page by page until
/// `next` is absent.
public enum WireProtocol {
    public static let version = 1
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

    public init(device: String, agent: AgentProfile, scope: SyncScope) {
        self.device = device
        self.agent = agent
        self.scope = scope
    }
}

public struct SessionRequest: Sendable, Codable {
    public var replica: ReplicaID
    public init(replica: ReplicaID) { self.replica = replica }
}

public struct SessionResponse: Sendable, Codable {
    public var device: String
    public var agent: AgentProfile
    public var scope: SyncScope
    /// Everything the server holds: the client pushes what this lacks.
    public var serverVector: VersionVector
    public var maxBatchChanges: Int

    public init(device: String, agent: AgentProfile, scope: SyncScope, serverVector: VersionVector, maxBatchChanges: Int) {
        self.device = device
        self.agent = agent
        self.scope = scope
        self.serverVector = serverVector
        self.maxBatchChanges = maxBatchChanges
    }
}

public struct PushRequest: Sendable, Codable {
    /// Chosen by the client, kept across retries: the same batch twice is applied once.
    public var batch: String
    public var changes: [Change]

    public init(batch: String, changes: [Change]) {
        self.batch = batch
        self.changes = changes
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
    public var upTo: VersionVector
    public var next: Dot?
    public var scope: SyncScope

    public init(changes: [Change], upTo: VersionVector, next: Dot?, scope: SyncScope) {
        self.changes = changes
        self.upTo = upTo
        self.next = next
        self.scope = scope
    }
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
