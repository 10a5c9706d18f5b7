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

    /// Removes from this laptop what lies outside `scope` and the server already holds
    /// (`serverVector`): the records of an area its agent was moved away from, and households
    /// that moved to another kelurahan. Of a record that was in `scope` once (a change of it
    /// stated an area inside), its moves stay (`Placement.moves`): they say where it went, and without
    /// them every sync would bring them back; its other fields, the sensitive ones among them,
    /// go. Records with changes the server lacks stay until they are sent. Returns the ids
    /// removed or cut down to their place.
    @discardableResult
    public func forget(outside scope: SyncScope, heldBy serverVector: VersionVector) throws -> [String] {
        guard scope.kind != .all else { return [] }
        return try transaction { db in
            var removed: [String] = []
            let rows = scope.kind == .area
                ? try outside(scope.area, in: db)
                : try Row.fetchAll(db, sql: "SELECT id, type, area FROM record ORDER BY id")
            let families = scope.kind == .families ? try families(in: db) : [:]
            for row in rows {
                let id: String = row["id"]
                guard let type = RecordType(rawValue: row["type"]), type != .device,
                      !scope.reads(type: type, area: row["area"], family: families[id]) else { continue }
                let dots = try dots(of: id, in: db)
                guard dots.allSatisfy(serverVector.contains) else { continue }
                var gone = dots
                if scope.kind == .area, try wasStated(id, in: scope, db: db) {
                    gone = try keepMovesOnly(id, type: type, in: db)
                    guard !gone.isEmpty else { continue }
                } else {
                    try remove(id, dots: dots, in: db)
                }
                for dot in gone {
                    try db.execute(sql: "INSERT OR IGNORE INTO forgotten (replica, counter) VALUES (?, ?)",
                                   arguments: [dot.replica.rawValue, Int64(dot.counter)])
                }
                removed.append(id)
            }
            guard !removed.isEmpty else { return removed }
            // The server holds this laptop's own changes up to here: a later restore check
            // starts after them, as their local copies may be gone now.
            for own in try ownReplicaIDs(in: db) where serverVector[own] > 0 {
                let confirmed = UInt64(try Meta.get(db, "sync.confirmed." + own.rawValue) ?? "") ?? 0
                if serverVector[own] > confirmed { try Self.setState("confirmed." + own.rawValue, String(serverVector[own]), in: db) }
            }
            // What this laptop holds shrank: recount the vector, its own entries too (new
            // changes take their counters from `meta`, never from the vector), so that a record
            // coming back into the scope brings back all of its history.
            let replicas = Set(try String.fetchAll(db, sql: "SELECT DISTINCT replica FROM change_log")).union([replicaID.rawValue])
            try db.execute(sql: "DELETE FROM version_vector")
            for replica in replicas.sorted() {
                try db.execute(sql: "INSERT INTO version_vector (replica, counter) VALUES (?, 0)", arguments: [replica])
                try advanceVector(for: ReplicaID(replica), in: db)
            }
            return removed
        }
    }

    /// The records whose area lies outside `area`, by index (`record_type_area`): an area covers
    /// the ids from itself up to itself followed by `/` (after a dot come digits only, and `/`
    /// follows `.`), so what lies outside is below or above that range. A sync with nothing new
    /// reads the few records outside, not the replica.
    private func outside(_ area: String, in db: Database) throws -> [Row] {
        var rows: [Row] = []
        for type in RecordType.allCases where type != .device {
            rows += try Row.fetchAll(db, sql: "SELECT id, type, area FROM record WHERE type = ? AND (area < ? OR area >= ?)",
                                     arguments: [type.rawValue, area, area + "/"])
        }
        return rows.sorted { ($0["id"] as String) < ($1["id"] as String) }
    }

    /// Cuts a record that moved away down to its moves (`Placement.moves`: where it went, no
    /// personal field). Returns the dots let go: none when that is all it holds.
    private func keepMovesOnly(_ id: String, type: RecordType, in db: Database) throws -> [Dot] {
        let others = try Row.fetchAll(db, sql: """
            SELECT replica, counter FROM change_log c WHERE record_id = ? AND NOT EXISTS (
                SELECT 1 FROM change_log d WHERE d.record_id = c.record_id AND d.tx_replica = c.tx_replica
                    AND d.tx_counter = c.tx_counter AND d.field = ?)
            """, arguments: [id, Placement.departureField])
        guard !others.isEmpty else { return [] }
        // The marks that a removed change was replaced stay: when the record comes back into
        // the scope with its history, what its moves replaced is not current again.
        for row in others {
            let dot: [DatabaseValueConvertible] = [row["replica"] as String, row["counter"] as Int64]
            try db.execute(sql: "DELETE FROM field_value WHERE replica = ? AND counter = ?", arguments: StatementArguments(dot))
            try db.execute(sql: "DELETE FROM change_log WHERE replica = ? AND counter = ?", arguments: StatementArguments(dot))
        }
        try db.execute(sql: "UPDATE record SET warnings = NULL WHERE id = ?", arguments: [id])
        try refreshDerivedRows(recordID: id, type: type, in: db)
        return others.map { Dot(ReplicaID($0["replica"]), UInt64($0["counter"] as Int64)) }
    }

    /// How many of this laptop's own changes (under any replica id it wrote as) the server has
    /// not confirmed holding. Counted in the log, not from the vector: after `forget` the
    /// vector stops below changes let go, while later ones are still held and unsent.
    public func unsentOwnChanges() throws -> Int {
        try read { db in
            var total = 0
            for own in try ownReplicaIDs(in: db) {
                let confirmed = Int64(try Meta.get(db, "sync.confirmed." + own.rawValue) ?? "") ?? 0
                total += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE replica = ? AND counter > ?",
                                          arguments: [own.rawValue, confirmed]) ?? 0
            }
            return total
        }
    }

    /// This laptop's own changes it let go because the server holds them (`forget`).
    public func forgottenOwn() throws -> [Dot] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT counter FROM forgotten WHERE replica = ? ORDER BY counter", arguments: [replicaID.rawValue])
                .map { Dot(replicaID, UInt64($0["counter"] as Int64)) }
        }
    }

    /// What this laptop holds, and what it let go because the server holds it (`forget`): what
    /// it tells a PSM that syncs with it.
    public func coveredVector() throws -> VersionVector {
        try read { db in
            var vector = try fullVersionVector(in: db)
            for row in try Row.fetchAll(db, sql: "SELECT replica, counter FROM forgotten ORDER BY replica, counter") {
                vector.insert(Dot(ReplicaID(row["replica"]), UInt64(row["counter"] as Int64)))
            }
            return vector
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
