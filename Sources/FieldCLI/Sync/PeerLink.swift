import Crypto
import FieldModels
import Foundation
import LocalStore
import SyncEngine
import WireCodec

/// One message between two laptops on the office network: a sync request or its answer, and
/// who sends it (its certificate, issued by the Dinas authority, and its scope grant), signed
/// with the sender's device key.
struct PeerMessage: Codable {
    var sender: ReplicaCertificate
    var grant: ScopeGrant?
    /// JSON of a `SyncRequest` or a `SyncAnswer`.
    var body: Data
    var signature: Data

    static func message(_ body: Data) -> Data { Data("FIELDSYNC-PEER-1\n".utf8) + Data(SHA256.hash(data: body)) }

    init(sender: ReplicaCertificate, grant: ScopeGrant?, body: Data, key: Curve25519.Signing.PrivateKey) throws {
        self.sender = sender
        self.grant = grant
        self.body = body
        self.signature = try key.signature(for: Self.message(body))
    }

    /// Whether an enrolled device of `authority` sent this, unaltered.
    func isGenuine(authority: Data) -> Bool {
        guard sender.isIssued(by: authority), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: sender.publicKey) else { return false }
        return key.isValidSignature(signature, for: Self.message(body))
    }

    /// The scope an answer to the sender may carry: its valid grant's, else nothing.
    func grantedScope(authority: Data) -> SyncScope {
        ScopeGrant.scope(of: grant, to: sender.agent, authority: authority)
    }
}

/// Messages sealed under the bundle passphrase: `FSP1`, a 16-byte salt and the scrypt cost,
/// then AES-GCM over the gzip of the JSON message, the header authenticated with it. The key is
/// derived once per salt (a sync uses one salt for all its requests; answers reuse it).
final class PeerSeal: @unchecked Sendable {
    static let magic = Data("FSP1".utf8)
    private let passphrase: String
    private var keys: [Data: SymmetricKey] = [:]
    private let lock = NSLock()

    init(passphrase: String) { self.passphrase = passphrase }

    enum Failure: Error { case wrongPassphrase, damaged }

    private func key(salt: Data, logN: Int) throws -> SymmetricKey {
        if let known = lock.withLock({ keys[salt] }) { return known }
        let derived = try Vault.passphraseKey(passphrase, salt: salt, logN: logN)
        lock.withLock {
            if keys.count > 64 { keys.removeAll() }
            keys[salt] = derived
        }
        return derived
    }

    func seal(_ message: PeerMessage, salt: Data) throws -> Data {
        try PassphraseBox.seal(try Gzip.compress(try JSONEncoder().encode(message)), magic: Self.magic, salt: salt, logN: BundleFile.logN,
                               key: try key(salt: salt, logN: BundleFile.logN))
    }

    /// The message and the salt it was sealed with.
    func open(_ data: Data) throws -> (PeerMessage, salt: Data) {
        let (inner, salt): (Data, Data)
        do {
            (inner, salt) = try PassphraseBox.open(data, magic: Self.magic) { try key(salt: $0, logN: $1) }
        } catch PassphraseBox.Failure.damaged {
            throw Failure.damaged
        } catch {
            throw Failure.wrongPassphrase
        }
        guard let json = try? Gzip.decompress(inner, limit: BundleFile.maxInflated),
              let message = try? JSONDecoder().decode(PeerMessage.self, from: json) else { throw Failure.damaged }
        return (message, salt)
    }
}

/// Who a laptop is on a peer link: its certificate, grant and key, and the authority it trusts.
struct PeerIdentity {
    let certificate: ReplicaCertificate
    let grant: ScopeGrant?
    let key: Curve25519.Signing.PrivateKey
    let authority: Data
    /// The certificate of a replica whose changes this laptop holds.
    let certificateOf: (ReplicaID) throws -> ReplicaCertificate?

    init(_ replica: LocalReplica) throws {
        (authority, certificate) = try BundleCommand.trust(replica)
        grant = try BundleCommand.grant(of: replica)
        key = replica.deviceKey
        certificateOf = { try replica.certificate(of: $0) }
    }

    func message(_ body: some Encodable) throws -> PeerMessage {
        try PeerMessage(sender: certificate, grant: grant, body: try JSONEncoder().encode(body), key: key)
    }
}

/// The sync protocol to a TKSK laptop running `field serve-local`: each request sealed and
/// signed, each answer checked the same way (the answering laptop enrolled with the same Dinas).
final class PeerTransport: SyncTransport, MeteredTransport {
    static let path = "/v1/peer"
    let url: String
    private let identity: PeerIdentity
    private let seal: PeerSeal
    private let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
    private let session: CurlSession
    /// The answering laptop, once it answered.
    private(set) var peer: PeerMessage?
    private(set) var bytesSent = 0
    private(set) var bytesReceived = 0

    init(url: String, identity: PeerIdentity, passphrase: String, timeout: Int, caFile: String?) {
        self.url = url
        self.identity = identity
        self.seal = PeerSeal(passphrase: passphrase)
        self.session = CurlSession(timeout: timeout, caFile: caFile, userAgent: "field/\(FieldVersion.current)")
    }

    static let attachmentsPath = "/v1/peer/attachments"

    func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        var request = request
        if case .push(let push) = request {
            // The peer may not hold the certificates of the changes this laptop relays.
            request = .push(try push.carryingCertificates(identity.certificateOf))
        }
        return try roundTrip(request, path: Self.path)
    }

    /// One sealed, signed request to the peer and its checked answer.
    private func roundTrip<Answer: Decodable>(_ request: some Encodable, path: String) throws -> Answer {
        let body = try seal.seal(try identity.message(request), salt: salt)
        let answer: CurlSession.Answer
        do {
            answer = try session.post(url + path, headers: ["Content-Type": "application/octet-stream"], body: body)
        } catch CurlSession.Failure.network(let detail), CurlSession.Failure.untrusted(let detail) {
            throw CLIError("Laptop rekan \(url) tidak dapat dihubungi (\(detail)). Data tetap aman di laptop ini; jalankan lagi untuk melanjutkan.",
                           "The peer laptop \(url) cannot be reached (\(detail)). The data stays safe on this laptop; run it again to resume.",
                           code: Exit.network)
        }
        bytesSent += body.count
        bytesReceived += answer.body.count
        guard answer.status == 200 else {
            let reason = String(decoding: answer.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError("Laptop rekan menolak pertukaran: \(reason)", "The peer laptop refused the exchange: \(reason)", code: Exit.serverRefused)
        }
        guard let (message, _) = try? seal.open(answer.body), message.isGenuine(authority: identity.authority),
              let decoded = try? JSONDecoder().decode(Answer.self, from: message.body) else {
            throw CLIError("Jawaban laptop rekan \(url) tidak sah (bukan perangkat terdaftar, atau diubah di jalan). Tidak ada yang disimpan dari jawaban itu.",
                           "The answer of the peer laptop \(url) is not genuine (not an enrolled device, or altered on the way). Nothing of it was saved.",
                           code: Exit.serverRefused)
        }
        peer = message
        return decoded
    }
}

extension PeerTransport: AttachmentChannel {
    var isServer: Bool { false }

    private func attachments(_ request: AttachmentRequest) throws -> AttachmentAnswer {
        try roundTrip(request, path: Self.attachmentsPath)
    }

    private var unexpected: CLIError {
        CLIError("Jawaban laptop rekan tentang foto tidak sesuai permintaan.", "The peer laptop's answer about photos does not fit the request.",
                 code: Exit.serverRefused)
    }

    func offer(_ offer: AttachmentOffer) throws -> AttachmentOfferResponse {
        guard case .offer(let answer) = try attachments(.offer(offer)) else { throw unexpected }
        return answer
    }

    func chunk(_ info: AttachmentInfo, offset: Int, bytes: Data) throws -> AttachmentState {
        guard case .chunk(let answer) = try attachments(.chunk(AttachmentChunk(info: info, offset: offset, bytes: bytes))) else { throw unexpected }
        return answer
    }

    func want(_ want: AttachmentWant) throws -> AttachmentWantResponse {
        guard case .want(let answer) = try attachments(.want(want)) else { throw unexpected }
        return answer
    }

    func fetch(_ fetch: AttachmentFetch) throws -> Data {
        guard case .fetch(let answer) = try attachments(.fetch(fetch)) else { throw unexpected }
        return answer
    }
}

/// The TKSK's side of a peer link: opens and checks each request, answers it with
/// `PeerResponder` over the replica, seals the answer, and remembers the asker as a peer.
struct PeerService {
    let replica: LocalReplica
    let identity: PeerIdentity
    let seal: PeerSeal
    let log: (LocalizedText) -> Void

    func handle(_ body: Data) -> (status: Int, body: Data) {
        handle(body) { message, asker, scope in
            let request = try JSONDecoder().decode(SyncRequest.self, from: message.body)
            let answer = try PeerResponder(source: replica, keeps: replica.ownScope).answer(request, asker: asker, scope: scope)
            try remember(asker, scope: scope, request: request, answer: answer)
            return try identity.message(answer)
        }
    }

    /// A photo request (`/v1/peer/attachments`): answered from the replica for the asker's scope.
    func handleAttachments(_ body: Data) -> (status: Int, body: Data) {
        handle(body) { message, asker, scope in
            let request = try JSONDecoder().decode(AttachmentRequest.self, from: message.body)
            let answer = try replica.answer(request, scope: scope)
            if case .chunk(let state) = answer, state.complete {
                log(LocalizedText(id: "\(asker.agent): foto \(state.digest.prefix(12)) diterima.", en: "\(asker.agent): photo \(state.digest.prefix(12)) received."))
            }
            return try identity.message(answer)
        }
    }

    /// Opens and checks a sealed request, answers it with `body`, and seals the answer.
    private func handle(_ body: Data, answering: (PeerMessage, ReplicaCertificate, SyncScope) throws -> PeerMessage) -> (status: Int, body: Data) {
        let opened: (PeerMessage, salt: Data)
        do {
            opened = try seal.open(body)
        } catch PeerSeal.Failure.wrongPassphrase {
            return refuse("kata sandi bundel tidak cocok dengan laptop ini.", "the bundle passphrase does not match this laptop's.")
        } catch {
            return refuse("pesan rusak.", "the message is damaged.")
        }
        let (message, salt) = opened
        guard message.isGenuine(authority: identity.authority) else {
            return refuse("pengirim bukan perangkat terdaftar di Dinas ini, atau pesannya diubah.",
                          "the sender is not a device enrolled with this Dinas, or the message was altered.")
        }
        let asker = message.sender
        let scope = message.grantedScope(authority: identity.authority)
        do {
            return (200, try seal.seal(try answering(message, asker, scope), salt: salt))
        } catch let error as StoreError where error.code == .refused {
            log(LocalizedText(id: "\(asker.agent): perubahan ditolak: \(error.text.id)", en: "\(asker.agent): changes refused: \(error.text.en)"))
            return refuse("perubahan ditolak, tidak ada yang disimpan: \(error.text.id)", "changes refused, nothing was saved: \(error.text.en)")
        } catch {
            log(LocalizedText(id: "\(asker.agent): pertukaran gagal: \(error)", en: "\(asker.agent): the exchange failed: \(error)"))
            return refuse("permintaan tidak dapat dijawab.", "the request cannot be answered.")
        }
    }

    private func refuse(_ id: String, _ en: String) -> (status: Int, body: Data) {
        (403, Data((L(id, en) + "\n").utf8))
    }

    /// Notes who called and, after a complete pull, what the asker now holds in its scope.
    private func remember(_ asker: ReplicaCertificate, scope: SyncScope, request: SyncRequest, answer: SyncAnswer) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var peer = try replica.peer(asker.replica)
            ?? LocalReplica.Peer(replica: asker.replica, agent: asker.agent, scope: scope, knowledge: VersionVector(), heardAt: now)
        peer.scope = scope
        peer.heardAt = now
        switch (request, answer) {
        case (.push(let push), .push(let result)):
            log(LocalizedText(id: "\(asker.agent): diterima \(result.accepted) perubahan baru dari \(push.changes.count).",
                              en: "\(asker.agent): received \(result.accepted) new changes of \(push.changes.count)."))
        case (.pull(let pull), .pull(let page)):
            if !page.changes.isEmpty {
                log(LocalizedText(id: "\(asker.agent): dikirim \(page.changes.count) perubahan.", en: "\(asker.agent): sent \(page.changes.count) changes."))
            }
            if page.next == nil {
                peer.knowledge = pull.knowledge.union(page.upTo)
                peer.sentAt = now
            }
        default:
            break
        }
        try replica.rememberPeer(peer)
    }
}
