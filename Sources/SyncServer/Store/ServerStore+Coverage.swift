import FieldModels
import Foundation
import SyncEngine

/// What the field has gathered, per kelurahan, and who has gone quiet: read from the merged
/// state (records not deleted, by where they lie now) and the device register.
struct Coverage: Sendable, Codable, Equatable {
    struct Kelurahan: Sendable, Codable, Equatable {
        var id: String
        var name: String
        var kecamatan: String
        /// Records there now, not deleted, by kind (`household`, `person`, `visit`, …).
        var records: [String: Int]
        /// Whether any PSM (or PSM coordinator) has written there.
        var psmData: Bool
    }

    struct Device: Sendable, Codable, Equatable {
        var id: String
        var agent: String
        var name: String
        /// Its own last sync with the server (ms since 1970), nil when never.
        var lastSync: Int64?
        /// The newest change of its that reached the server by any path, a TKSK's relay too.
        var newestChange: Int64?
        /// Whether the newest news of it came through another device.
        var relayed: Bool
        /// Whole days since it was last heard of either way; nil when never.
        var quietDays: Int?
    }

    var kelurahan: [Kelurahan]
    var devices: [Device]
    /// The devices not heard of for at least the asked number of days (or never), by id.
    var quiet: [String]
    /// The kelurahan where no PSM has written anything, by id.
    var withoutPSM: [String]
}

extension ServerStore {
    /// The coverage of the region table's kelurahan and of the active devices at `now`; a device
    /// is quiet when neither it nor a relay has brought anything of it for `quietDays` days.
    func coverage(now: Int64, quietDays: Int) async throws -> Coverage {
        try await database.transaction { db in
            var names: [String: String] = [:]
            for row in try await db.query("SELECT id, name FROM regions WHERE level = 'kecamatan'") { names[try row.text("id")] = try row.text("name") }
            var counts: [String: [String: Int]] = [:]
            for row in try await db.query("""
                SELECT p.area, m.record_type, COUNT(*) AS n FROM merged_records m JOIN records p ON p.record_id = m.record_id
                WHERE m.status <> 'deleted' GROUP BY p.area, m.record_type
                """) {
                counts[try row.text("area"), default: [:]][try row.text("record_type")] = Int(try row.int("n"))
            }
            let psmAreas = Set(try await db.query("""
                SELECT DISTINCT w.area FROM replica_areas w JOIN replicas r ON r.replica = w.replica JOIN agents a ON a.id = r.agent_id
                WHERE a.role IN ('psm', 'psm-koordinator')
                """).map { try $0.text("area") })
            let kelurahan = try await db.query("SELECT id, name, parent FROM regions WHERE level = 'kelurahan' ORDER BY id").map { row in
                let id = try row.text("id")
                return Coverage.Kelurahan(id: id, name: try row.text("name"), kecamatan: names[row["parent"].string ?? ""] ?? "",
                                          records: counts[id] ?? [:], psmData: psmAreas.contains(id))
            }
            let newest = try await Self.newestChanges(in: db)
            let day: Int64 = 86_400_000
            let devices = try await db.query("SELECT * FROM devices WHERE revoked_at IS NULL AND id <> ? ORDER BY agent_id, id",
                                             [.text(Self.ownDeviceID)]).map(Self.device(from:)).map { device in
                let heard = [device.lastSeenAt, newest[device.id]].compactMap { $0 }.max()
                return Coverage.Device(id: device.id, agent: device.agentID, name: device.name, lastSync: device.lastSeenAt,
                                       newestChange: newest[device.id], relayed: (newest[device.id] ?? 0) > (device.lastSeenAt ?? 0),
                                       quietDays: heard.map { Int(max(0, now - $0) / day) })
            }
            return Coverage(kelurahan: kelurahan, devices: devices,
                            quiet: devices.filter { ($0.quietDays ?? .max) >= quietDays }.map(\.id),
                            withoutPSM: kelurahan.filter { !$0.psmData }.map(\.id))
        }
    }
}
