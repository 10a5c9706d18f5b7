import Foundation
import LocalStore
import SyncEngine

/// A peer link without a network, for tests: a TKSK replica answering through `PeerResponder`,
/// every request and answer through JSON as on the wire, cut after `cutAfter` requests.
public final class PeerLink: SyncTransport {
    let responder: PeerResponder
    let asker: ReplicaCertificate
    let scope: SyncScope
    let cutAfter: Int
    let certificates: (ReplicaID) throws -> ReplicaCertificate?
    public private(set) var requests = 0
    public struct Cut: Error {}

    /// - Parameters: `scope`: what the asker was granted; `keeps`: the TKSK's own scope;
    ///   `sender`: the asker's replica, whose certificates a push carries (as `field` sends them).
    public init(_ tksk: LocalReplica, keeps: SyncScope, asker: ReplicaCertificate, scope: SyncScope, sender: LocalReplica? = nil,
                cutAfter: Int = .max) {
        responder = PeerResponder(source: tksk, keeps: keeps)
        self.asker = asker
        self.scope = scope
        self.cutAfter = cutAfter
        certificates = { try sender?.certificate(of: $0) }
    }

    public func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        guard requests < cutAfter else { throw Cut() }
        requests += 1
        var request = request
        if case .push(let push) = request { request = .push(try push.carryingCertificates(certificates)) }
        let decoded = try JSONDecoder().decode(SyncRequest.self, from: try JSONEncoder().encode(request))
        let answer = try responder.answer(decoded, asker: asker, scope: scope)
        return try JSONDecoder().decode(SyncAnswer.self, from: try JSONEncoder().encode(answer))
    }

    /// `field sync --peer` of `replica` over `link` (the shared driver, `LocalReplica.sync`,
    /// with a peer's roles). Throws the cut.
    public static func sync(_ replica: LocalReplica, over link: PeerLink, batchSize: Int) throws -> SyncMachine.Report {
        try replica.sync(over: link, .init(batchSize: batchSize, statePrefix: "peer.test."))
    }
}
