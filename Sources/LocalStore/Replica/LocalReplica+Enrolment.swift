import Crypto
import FieldModels
import Foundation
import GRDB
import SyncEngine

/// This laptop's enrolment with a sync server: the server, the device id it was given, and
/// the Ed25519 key that signs every request and seals every transaction, sealed by the
/// replica's vault like any sensitive value.
public struct Enrolment: Sendable {
    public var server: String
    public var device: String
    public var key: Curve25519.Signing.PrivateKey
}

extension LocalReplica {
    /// Stores the enrolment, the authority the server named and the certificate of this
    /// replica id, and the agent the server assigned (role, area), which takes effect the next
    /// time the replica is opened.
    public func saveEnrolment(server: String, device: String, authority: Data, certificate: ReplicaCertificate, agent: Agent) throws {
        try transaction { db in
            try Meta.set(db, "enrolment.server", server)
            try Meta.set(db, "enrolment.device", device)
            try db.execute(sql: "DELETE FROM meta WHERE key = 'enrolment.key'")
            try Meta.set(db, "authority", authority.base64EncodedString())
            try storeCertificate(certificate, in: db)
            try Meta.setAgent(db, agent)
        }
    }

    /// Records the agent as the server now knows it (moved to another area, say); takes effect
    /// the next time the replica is opened.
    public func updateAgent(_ agent: Agent) throws {
        try transaction { db in
            try Meta.setAgent(db, agent)
        }
    }

    /// The enrolment, or nil before `field enroll`.
    public func enrolment() throws -> Enrolment? {
        let values = try read { db in (try Meta.get(db, "enrolment.server"), try Meta.get(db, "enrolment.device")) }
        guard let server = values.0, let device = values.1 else { return nil }
        return Enrolment(server: server, device: device, key: signer.key)
    }

    /// A value the sync client keeps between runs (checkpoints, an unfinished pull).
    public func syncState(_ key: String) throws -> String? {
        try read { db in try Meta.get(db, "sync." + key) }
    }

    public func setSyncState(_ key: String, _ value: String?) throws {
        try transaction { db in try Self.setState(key, value, in: db) }
    }

    static func setState(_ key: String, _ value: String?, in db: Database) throws {
        if let value {
            try Meta.set(db, "sync." + key, value)
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: ["sync." + key])
        }
    }

    /// Removes from this laptop every record outside `scope` whose changes the server already
    /// holds (`serverVector`): what an agent moved to another area must no longer carry.
    /// Records with changes the server lacks stay until they are sent. Returns the ids removed.
    @discardableResult
    public func forget(outside scope: SyncScope, heldBy serverVector: VersionVector) throws -> [String] {
        try transaction { db in
            var removed: [String] = []
            let rows = try Row.fetchAll(db, sql: "SELECT id, type, area FROM record ORDER BY id")
            let families = try families(in: db)
            for row in rows {
                let id: String = row["id"]
                guard RecordType(rawValue: row["type"]) != .device, !scope.admits(area: row["area"], family: families[id]) else { continue }
                let dots = try dots(of: id, in: db)
                guard dots.allSatisfy(serverVector.contains) else { continue }
                try remove(id, dots: dots, in: db)
                removed.append(id)
            }
            guard !removed.isEmpty else { return removed }
            // What this laptop holds of other replicas shrank: recount their vector entries.
            try db.execute(sql: "DELETE FROM version_vector WHERE replica <> ?", arguments: [replicaID.rawValue])
            for other in try String.fetchAll(db, sql: "SELECT DISTINCT replica FROM change_log WHERE replica <> ?", arguments: [replicaID.rawValue]) {
                try db.execute(sql: "INSERT INTO version_vector (replica, counter) VALUES (?, 0)", arguments: [other])
                try advanceVector(for: ReplicaID(other), in: db)
            }
            return removed
        }
    }

    /// The household ("family") every record belongs to, from the link fields it shows: a
    /// household is its own; a person, entry or visit names its household or its person's.
    func families(in db: Database) throws -> [String: String] {
        let rows = try Row.fetchAll(db, sql: "SELECT id, type FROM record ORDER BY id")
        var families: [String: String] = [:]
        for row in rows where row["type"] == RecordType.household.rawValue { families[row["id"]] = row["id"] }
        for row in rows {
            let id: String = row["id"]
            let live = try liveValues(recordID: id, in: db)
            let link = { (field: String) in live[field].flatMap { MergeRules.shown(field, $0) }?.text.flatMap { $0.isEmpty ? nil : $0 } }
            if let household = link("household") {
                families[id] = household
            } else if let person = link("person") {
                let family = try families[person] ?? liveValues(recordID: person, in: db)["household"].flatMap { MergeRules.shown("household", $0) }?.text
                if let family { families[id] = family }
            }
        }
        return families
    }
}
