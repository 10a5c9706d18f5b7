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

    /// Drives `SyncMachine` for `replica` as `field sync --peer` does: no reconcile, no adopting
    /// (only the server does those), every page stored with its checkpoint. Throws the cut.
    public static func sync(_ replica: LocalReplica, over link: PeerLink, batchSize: Int) throws -> SyncMachine.Report {
        var machine = SyncMachine(.init(batchSize: batchSize, statePrefix: "peer.test.")) { UUID().uuidString }
        var action = machine.start()
        let view = { SyncMachine.LocalView(replica: replica.replicaID, held: try replica.fullVersionVector()) }
        let decode = { (key: String) in try replica.syncState(key).map { Data($0.utf8) } }
        while true {
            switch action {
            case .look: action = machine.looked(try view())
            case .send(let request): action = machine.received(try link.exchange(request))
            case .reconcile: action = machine.reconciled(changed: false)
            case .collect(let vector): action = machine.collected(try replica.changes(notIn: vector), own: try view())
            case .loadPull(let scope):
                let pending = try decode(machine.pullStateKey).flatMap { try? JSONDecoder().decode(SyncMachine.PullProgress.self, from: $0) }
                let checkpoint = try decode(machine.checkpointKey(scope)).flatMap { try? JSONDecoder().decode(VersionVector.self, from: $0) }
                action = machine.pullLoaded(.init(held: try replica.fullVersionVector(), checkpoint: checkpoint, pending: pending))
            case .store(let page, let state):
                try replica.receive(page, state: state)
                action = machine.stored()
            case .adopt: action = machine.adopted()
            case .finish(let report): return report
            case .fail(let failure): throw failure
            }
        }
    }
}
