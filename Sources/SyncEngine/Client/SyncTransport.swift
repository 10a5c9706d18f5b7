import Foundation

/// One request of the sync protocol, whatever carries it.
public enum SyncRequest: Sendable {
    case session(SessionRequest)
    case push(PushRequest)
    case pull(PullRequest)
    case digests(DigestsRequest)

    /// The address of this request on an HTTP server.
    public var path: String {
        switch self {
        case .session: "/v1/session"
        case .push: "/v1/push"
        case .pull: "/v1/pull"
        case .digests: "/v1/digests"
        }
    }
}

/// The answer to a `SyncRequest`, of the same kind.
public enum SyncAnswer: Sendable {
    case session(SessionResponse)
    case push(PushResponse)
    case pull(PullResponse)
    case digests(DigestsResponse)

    public var kind: String {
        switch self {
        case .session: "session"
        case .push: "push"
        case .pull: "pull"
        case .digests: "digests"
        }
    }
}

/// What carries sync requests: HTTP to the server (`HTTPTransport` in the `field` command), HTTP
/// to a peer laptop (`PeerTransport`, answered by `PeerResponder`), a file (`BundleOutbox`,
/// `BundleInbox`), or anything a test puts in its place. Blocking: one request at a time.
/// Errors are the transport's own (a cut link, a refusal) and end the sync; nothing
/// half-applied remains, because every page is stored whole with its checkpoint.
public protocol SyncTransport {
    func exchange(_ request: SyncRequest) throws -> SyncAnswer
}

/// The rewound-replica check: how far the laptop's own changes written as one replica id are
/// the very changes the server holds under those dots. A laptop restored from an old copy
/// holds fewer, or other, changes than the server under its own id; from the parting point on,
/// its own changes must move to a new id, and what the server holds there must come back.
public enum RewindCheck {
    public enum Failure: Error, Sendable, Equatable {
        case unexpectedAnswer(String)
    }

    /// The highest counter up to which `local` (the laptop's digests of its own changes as
    /// `server.replica`, by counter, from `confirmed + 1` on) matches the server; 0 when the
    /// server holds none. `confirmed` is a counter an earlier sync found agreed. Asks the
    /// server for its digests page by page only when the newest ones differ.
    public static func agreedCounter(local: [UInt64: Data], confirmed: UInt64, server: OwnReplica?,
                                     over transport: some SyncTransport) throws -> UInt64 {
        try agreedCounter(local: { local[$0] }, confirmed: confirmed, server: server, over: transport)
    }

    /// The same, reading each local digest when it is compared (`local(counter)`): a replica of
    /// half a million changes is not read whole to compare the newest one.
    public static func agreedCounter(local: (UInt64) throws -> Data?, confirmed: UInt64, server: OwnReplica?,
                                     over transport: some SyncTransport) throws -> UInt64 {
        guard let server, server.counter > 0 else { return 0 }
        let confirmed = min(confirmed, server.counter)
        if try local(server.counter) == server.digest { return server.counter }
        var agreed = confirmed
        var after = confirmed
        while true {
            guard case .digests(let page) = try transport.exchange(.digests(DigestsRequest(replica: server.replica, after: after))) else {
                throw Failure.unexpectedAnswer("digests")
            }
            for entry in page.digests {
                guard entry.counter == agreed + 1, try local(entry.counter) == entry.digest else { return agreed }
                agreed = entry.counter
            }
            guard page.more, let last = page.digests.last else { return agreed }
            after = last.counter
        }
    }
}

/// On a peer link, requests and answers travel as `{"kind": …, "body": …}`.
private enum KindedKeys: String, CodingKey { case kind, body }

extension SyncRequest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindedKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "session": self = .session(try container.decode(SessionRequest.self, forKey: .body))
        case "push": self = .push(try container.decode(PushRequest.self, forKey: .body))
        case "pull": self = .pull(try container.decode(PullRequest.self, forKey: .body))
        case "digests": self = .digests(try container.decode(DigestsRequest.self, forKey: .body))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown request \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindedKeys.self)
        switch self {
        case .session(let body): try container.encode("session", forKey: .kind); try container.encode(body, forKey: .body)
        case .push(let body): try container.encode("push", forKey: .kind); try container.encode(body, forKey: .body)
        case .pull(let body): try container.encode("pull", forKey: .kind); try container.encode(body, forKey: .body)
        case .digests(let body): try container.encode("digests", forKey: .kind); try container.encode(body, forKey: .body)
        }
    }
}

extension SyncAnswer: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindedKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "session": self = .session(try container.decode(SessionResponse.self, forKey: .body))
        case "push": self = .push(try container.decode(PushResponse.self, forKey: .body))
        case "pull": self = .pull(try container.decode(PullResponse.self, forKey: .body))
        case "digests": self = .digests(try container.decode(DigestsResponse.self, forKey: .body))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown answer \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindedKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .session(let body): try container.encode(body, forKey: .body)
        case .push(let body): try container.encode(body, forKey: .body)
        case .pull(let body): try container.encode(body, forKey: .body)
        case .digests(let body): try container.encode(body, forKey: .body)
        }
    }
}
