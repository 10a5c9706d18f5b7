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
        /// When this laptop last made a bundle for it.
        public var sentAt: Int64?

        public init(replica: ReplicaID, agent: String, scope: SyncScope, knowledge: VersionVector, heardAt: Int64, sentAt: Int64? = nil) {
            self.replica = replica
            self.agent = agent
            self.scope = scope
            self.knowledge = knowledge
            self.heardAt = heardAt
            self.sentAt = sentAt
        }
    }

    /// Every peer heard from, by replica id.
    public func peers() throws -> [Peer] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT value FROM meta WHERE key LIKE 'sync.peer.%' ORDER BY key")
                .compactMap { try? JSONDecoder().decode(Peer.self, from: Data($0.utf8)) }
        }
    }

    /// How many records of each kind are shown (deleted ones left out).
    public func recordCounts() throws -> [RecordType: Int] {
        try read { db in
            var out: [RecordType: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT type, COUNT(*) AS n FROM record WHERE deleted = 0 GROUP BY type") {
                if let type = RecordType(rawValue: row["type"]) { out[type] = row["n"] }
            }
            return out
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
            let families = scope.kind == .families ? try families(in: db) : [:]
            var areas: [String: (now: String, wasHere: Bool)] = [:]
            func place(of id: String) throws -> (now: String, wasHere: Bool) {
                if let known = areas[id] { return known }
                let found = (try String.fetchOne(db, sql: "SELECT area FROM record WHERE id = ?", arguments: [id]) ?? "",
                             try wasStated(id, in: scope, db: db))
                areas[id] = found
                return found
            }
            let moves = try self.moves(among: delta.changes, in: db)
            return try sealed(delta.changes.filter { change in
                guard change.recordType != .device else { return false }
                let (now, wasHere) = try place(of: change.recordID)
                return scope.sends(type: change.recordType, recordArea: now, family: families[change.recordID], inMove: moves.contains(Placement.Group(change)),
                                   wasHere: wasHere)
            }, in: db)
        }
    }

    /// The groups of `changes` that are moves (`Placement.moves`), by the departures held.
    func moves(among changes: [Change], in db: Database) throws -> Set<Placement.Group> {
        var out = Placement.moves(changes)
        for group in Set(changes.map(Placement.Group.init)) where !out.contains(group) {
            let departed = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM change_log WHERE record_id = ? AND tx_replica = ? AND tx_counter = ? AND field = ?)
                """, arguments: [group.record, group.transaction.replica.rawValue, Int64(group.transaction.counter), Placement.departureField])
            if departed == true { out.insert(group) }
        }
        return out
    }

    /// Whether a change held of record `id` stated an area inside `scope`: the record was there once.
    func wasStated(_ id: String, in scope: SyncScope, db: Database) throws -> Bool {
        try String.fetchAll(db, sql: "SELECT DISTINCT area FROM change_log WHERE record_id = ?", arguments: [id])
            .contains { scope.admits(area: $0, family: nil) }
    }

    /// Whether this laptop holds any change of `record`.
    public func holds(record: String) throws -> Bool {
        try read { db in try holds(record: record, in: db) }
    }

    func holds(record: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM change_log WHERE record_id = ?)", arguments: [record]) ?? false
    }
}

/// A TKSK's laptop answers its PSM's sync (`PeerResponder`) from its replica.
extension LocalReplica: PeerSource {}
