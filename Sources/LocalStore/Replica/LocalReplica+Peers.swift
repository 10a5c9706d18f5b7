import FieldModels
import Foundation
import GRDB
import SyncEngine

/// What a laptop knows of the laptops it exchanges with directly (by bundle today): each
/// peer's scope and what it held when it last sent something, so an answer carries exactly what
/// the peer lacks and may see.
extension LocalReplica {
    /// A peer as last heard from.
    public struct Peer: Sendable, Codable, Equatable {
        public var replica: ReplicaID
        public var agent: String
        public var scope: SyncScope
        public var knowledge: VersionVector
        /// When this laptop last heard from it (its own clock).
        public var heardAt: Int64

        public init(replica: ReplicaID, agent: String, scope: SyncScope, knowledge: VersionVector, heardAt: Int64) {
            self.replica = replica
            self.agent = agent
            self.scope = scope
            self.knowledge = knowledge
            self.heardAt = heardAt
        }
    }

    public func rememberPeer(_ peer: Peer) throws {
        try setSyncState("peer." + peer.replica.rawValue, String(decoding: try JSONEncoder().encode(peer), as: UTF8.self))
    }

    public func peer(_ replica: ReplicaID) throws -> Peer? {
        try syncState("peer." + replica.rawValue).flatMap { try? JSONDecoder().decode(Peer.self, from: Data($0.utf8)) }
    }

    /// The certificate of the replica id this laptop writes as (after enrolment).
    public func ownCertificate() throws -> ReplicaCertificate? {
        try certificate(of: replicaID)
    }

    /// What a peer with `scope` that holds `knowledge` lacks of what this laptop holds, sealed:
    /// changes of records its scope admits only, the records left out of a transaction withheld.
    /// Changes this laptop holds without a seal stay here.
    public func changes(for scope: SyncScope, notIn knowledge: VersionVector) throws -> SealedBatch {
        let delta = try changes(notIn: knowledge)
        guard scope.kind != .all else { return delta }
        return try read { db in
            let families = try families(in: db)
            return try sealed(delta.changes.filter { change in
                change.recordType != .device && scope.admits(area: change.area, family: families[change.recordID])
            }, in: db)
        }
    }
}
