import FieldModels
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SyncEngine
import WireCodec

/// The HTTP API: `/v1/info`, `/v1/enroll`, and the signed `/v1/session`, `/v1/push`,
/// `/v1/pull`, `/v1/digests` and `/v1/attachments/…`; `/openapi.yaml` describes them all.
struct SyncRoutes: Sendable {
    let store: ServerStore
    /// Milliseconds since 1970; injected so tests can move time.
    let now: @Sendable () -> Int64

    /// Whether the Dinas pages' cookies are marked `Secure` (the server speaks https itself).
    let secureCookies: Bool

    /// Addresses of load balancers whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    let trustedProxies: Set<String>

    init(store: ServerStore, now: @escaping @Sendable () -> Int64 = { Clock.now }, secureCookies: Bool = false, trustedProxies: Set<String> = []) {
        self.store = store
        self.now = now
        self.secureCookies = secureCookies
        self.trustedProxies = trustedProxies
    }

    func router() -> Router<SyncRequestContext> {
        let router = Router(context: SyncRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        if !trustedProxies.isEmpty { router.add(middleware: TrustedProxyMiddleware(trusted: trustedProxies)) }
        router.get("/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        DinasPages(store: store, now: now, secureCookies: secureCookies).add(to: router)
        router.get("/v1/info") { request, _ in
            try WireBody.response(ServerInfo.current, for: request)
        }
        router.post("/v1/enroll") { request, context in
            let body = try await WireBody.read(request)
            let enroll = try WireBody.decode(EnrollRequest.self, from: body)
            return try WireBody.response(try await store.enroll(enroll, source: context.source, now: now()), for: request)
        }
        router.post("/v1/nonce") { request, _ in
            let now = now()
            return try WireBody.response(NonceResponse(nonce: store.issueNonce(now: now), serverTime: now), for: request)
        }
        router.post("/v1/session") { request, _ in
            let (session, device, agent) = try await signed(SessionRequest.self, request)
            return try answer(try await store.session(session, device: device, agent: agent, now: now()), for: request)
        }
        router.post("/v1/push") { request, context in
            let (push, device, agent) = try await signed(PushRequest.self, request)
            do {
                return try await self.push(push, device: device, agent: agent, request: request)
            } catch {
                let refusal: ServerError? = (error as? Refusal).map(ServerError.init) ?? (error as? ServerError)
                if let refusal, refusal.status.code < 500 {
                    try await store.audit(.batchRefused, agent: agent.id, device: device.id, source: context.source,
                                          detail: "\(refusal.code.rawValue): \(refusal.text.en)", now: now())
                }
                throw error
            }
        }
        router.post("/v1/digests") { request, _ in
            let (asked, device, _) = try await signed(DigestsRequest.self, request)
            return try answer(try await store.digests(asked, device: device), for: request)
        }
        router.post("/v1/pull") { request, _ in
            let (pull, _, agent) = try await signed(PullRequest.self, request)
            let named = [pull.knowledge, pull.upTo ?? VersionVector()].flatMap { Array($0.counters.keys) + $0.beyond.map(\.replica) }
                + (pull.after.map { [$0.replica] } ?? [])
            if let bad = named.first(where: { !Grammar.isReplicaID($0.rawValue) }) {
                throw Refusal(.badReplicaID, LocalizedText(id: "Permintaan tarik menyebut id replika tidak sah '\(Grammar.shown(bad.rawValue))'.",
                                                           en: "The pull names an invalid replica id '\(Grammar.shown(bad.rawValue))'."))
            }
            return try answer(try await store.pull(pull, scope: agent.scope), for: request)
        }
        router.post("/v1/attachments/offer") { request, _ in
            let (offer, device, agent) = try await signed(AttachmentOffer.self, request)
            return try answer(try await store.offer(offer, device: device, scope: agent.scope, now: now()), for: request)
        }
        router.post("/v1/attachments/chunk/:digest/:offset") { request, context in
            let (bytes, _, agent) = try await signedBytes(request)
            guard let digest = context.parameters.get("digest"), let offset = context.parameters.get("offset").flatMap(Int.init) else {
                throw ServerError.badRequest(.badAttachment, id: "Alamat potongan harus /v1/attachments/chunk/DIGEST/POSISI.",
                                             en: "A chunk's address must be /v1/attachments/chunk/DIGEST/OFFSET.")
            }
            return try answer(try await store.chunk(digest, offset: offset, bytes: bytes, scope: agent.scope), for: request)
        }
        router.post("/v1/attachments/want") { request, _ in
            let (want, _, agent) = try await signed(AttachmentWant.self, request)
            return try answer(try await store.want(want, scope: agent.scope), for: request)
        }
        router.post("/v1/attachments/fetch") { request, _ in
            let (fetch, _, agent) = try await signed(AttachmentFetch.self, request)
            let bytes = try await store.fetch(fetch, scope: agent.scope)
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[HTTPField.Name(RequestSignature.nextNonceHeader)!] = store.issueNonce(now: now())
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return router
    }

    /// Bounds, then the store's push.
    private func push(_ push: PushRequest, device: DeviceAccount, agent: AgentProfile, request: Request) async throws -> Response {
        guard push.changes.count <= WireProtocol.maxBatchChanges else {
            throw ServerError(.batchTooLarge, .contentTooLarge,
                              id: "Batch berisi \(push.changes.count) perubahan; paling banyak \(WireProtocol.maxBatchChanges).",
                              en: "The batch holds \(push.changes.count) changes; at most \(WireProtocol.maxBatchChanges).")
        }
        guard Grammar.isBatchID(push.batch) else {
            throw ServerError.badRequest(.badBatchID, id: "Id batch harus 1–100 huruf, angka, - atau _ ASCII.",
                                         en: "The batch id must be 1–100 ASCII letters, digits, - or _.")
        }
        return try answer(try await store.push(push, device: device, agent: agent, now: now()), for: request)
    }

    /// The answer to a signed request, with a fresh nonce for the device's next one.
    private func answer(_ value: some Encodable, for request: Request) throws -> Response {
        var response = try WireBody.response(value, for: request)
        response.headers[HTTPField.Name(RequestSignature.nextNonceHeader)!] = store.issueNonce(now: now())
        return response
    }

    /// Reads a signed request: checks the device, its signature over the nonce and the body,
    /// that it is not revoked, and uses the nonce up; returns the decoded body with the device
    /// and its agent.
    private func signed<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> (T, DeviceAccount, AgentProfile) {
        let (body, device, agent) = try await signedBytes(request)
        return (try WireBody.decode(type, from: body), device, agent)
    }

    /// `signed` for a body of raw bytes (an attachment chunk).
    private func signedBytes(_ request: Request) async throws -> (Data, DeviceAccount, AgentProfile) {
        let body = try await WireBody.read(request)
        guard let deviceID = request.headers[HTTPField.Name(RequestSignature.deviceHeader)!],
              let nonce = request.headers[HTTPField.Name(RequestSignature.nonceHeader)!],
              let signature = request.headers[HTTPField.Name(RequestSignature.signatureHeader)!] else {
            throw ServerError(.unsigned, .unauthorized,
                              id: "Permintaan tanpa tanda tangan perangkat (X-Field-Device, X-Field-Nonce, X-Field-Signature).",
                              en: "The request carries no device signature (X-Field-Device, X-Field-Nonce, X-Field-Signature).")
        }
        guard let device = try await store.device(deviceID) else { throw ServerError.unknownDevice }
        guard RequestSignature.verify(method: request.method.rawValue, path: request.uri.path, device: deviceID, nonce: nonce,
                                      body: body, signature: signature, publicKey: device.publicKey) else {
            throw ServerError.badSignature
        }
        guard device.revokedAt == nil else { throw ServerError.deviceRevoked }
        try await store.consumeNonce(nonce, now: now())
        guard let agent = try await store.agent(device.agentID) else { throw ServerError.unknownDevice }
        return (body, device, agent)
    }
}

/// What `/v1/info` says.
struct ServerInfo: Codable, Sendable, Equatable {
    var name = "FieldSync"
    var version: String
    var protocolVersion: Int
    var recordTypes: [String]

    static let current = ServerInfo(version: "0.4.0", protocolVersion: WireProtocol.version,
                                    recordTypes: RecordType.allCases.map(\.rawValue))
}

/// The context of a request: Hummingbird's, and the address it came from (for the limits on
/// enrolment codes and the audit trail).
struct SyncRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The client's address as a trusted proxy in front of the server saw it
    /// (`TrustedProxyMiddleware`), when the request came through one.
    var forwardedFor: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address (behind a trusted proxy, the one it forwarded), or `unknown`
    /// (in-process tests).
    var source: String { forwardedFor ?? remoteAddress?.ipAddress ?? "unknown" }
}

/// Behind a load balancer (haproxy) every request comes from the balancer's address, so the
/// limits on enrolment codes and logins, and the audit trail, would see one client. When the
/// peer is one of the `trusted` addresses, the client is the last address of its
/// `X-Forwarded-For` (the one that proxy saw; earlier entries are the client's own word and
/// are ignored). From any other peer the header is ignored.
struct TrustedProxyMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext
    let trusted: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.remoteAddress?.ipAddress, trusted.contains(peer),
              let header = request.headers[values: HTTPField.Name("X-Forwarded-For")!].last,
              let last = header.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty,
              (try? SocketAddress(ipAddress: last, port: 0)) != nil else {
            return try await next(request, context)
        }
        var forwarded = context
        forwarded.forwardedFor = last
        return try await next(request, forwarded)
    }
}

/// Turns every error into a JSON body with a code and a message (`ErrorBody`), and logs the
/// unexpected ones without request data.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            if error.status.code >= 500 { context.logger.error("request failed: \(ErrorCause.summary(error))") }
            throw error
        } catch let refusal as Refusal {
            throw ServerError(refusal)
        } catch let error as HTTPError {
            let text = error.status == .notFound
                ? LocalizedText(id: "Alamat tidak ada. Lihat /openapi.yaml.", en: "No such address. See /openapi.yaml.")
                : LocalizedText(id: "Permintaan ditolak: \(error.status.reasonPhrase).", en: "Request refused: \(error.status.reasonPhrase).")
            let code: ErrorCode = switch error.status {
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .contentTooLarge: .bodyTooLarge
            default: error.status.code < 500 ? .badRequest : .internal
            }
            throw ServerError(code, error.status, id: text.id, en: text.en)
        } catch {
            context.logger.error("request failed: \(ErrorCause.summary(error))")
            throw ServerError.internalFailure(String(describing: type(of: error)), cause: error)
        }
    }
}
