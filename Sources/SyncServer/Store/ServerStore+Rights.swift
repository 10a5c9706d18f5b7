import FieldModels
import SyncEngine

/// What only the server can judge of a pushed batch: who may write each record, where each
/// record lies, and households moving between kelurahan (`Placement`).
extension ServerStore {
    /// Where a record lies as a batch is admitted: its kind, its area now, the place change
    /// that decides it, and every area a held change of it has stated.
    struct RecordPlace {
        var type: String
        var area: String
        var head: (lamport: UInt64, dot: Dot)?
        var known: Set<String>
        /// Whether the store holds the record already, and the area it held it under.
        var storedArea: String?
        /// The home region of a held record (`RegionPartition`).
        var storedRegion: String?
        /// Whether the batch brought a new deciding place change (the row must be written).
        var placed = false

        /// Its home region (`RegionPartition`): the kabupaten/kota of the area it was first
        /// stored in (where a new record lies after its first batch), kept when it moves.
        var region: String { storedRegion ?? RegionPartition.key(of: area) }
    }

    /// What only the server can judge of admitted changes: the origin device is not revoked;
    /// the origin agent's scope admits the area the writer saw the record in (a relay is judged
    /// by its origin: the seal proves who wrote it, and a relaying laptop's scope cannot be
    /// asked, since a household moving into it is relayed before its move may reach here); a
    /// record keeps its kind; a change states an area the record has been in, unless it is a
    /// move: a change of the record's kelurahan to a new one, whose transaction holds its
    /// departure (stating the area it leaves, which the writer must cover). Changes are judged
    /// in Lamport order, so a change made after a move in the same batch finds the new area.
    /// Returns the family of each record and where each record lies after the batch.
    func checkRights(_ changes: [Change], origins: [ReplicaID: ReplicaCertificate], sender: AgentProfile,
                     in db: any SQLConnection) async throws -> (families: [String: String], places: [String: RecordPlace]) {
        var agents: [String: AgentProfile] = [sender.id: sender]
        var revoked: [String: Bool] = [:]
        for certificate in Set(changes.compactMap { origins[$0.dot.replica] }).sorted(by: { $0.replica < $1.replica }) {
            if revoked[certificate.device] == nil {
                let row = try await db.query("SELECT revoked_at FROM devices WHERE id = ?", [.text(certificate.device)]).first
                revoked[certificate.device] = row.map { $0["revoked_at"] != .null } ?? true
            }
            if agents[certificate.agent] == nil, let profile = try await Self.agent(certificate.agent, in: db) {
                agents[certificate.agent] = profile
            }
        }
        var places: [String: RecordPlace] = [:]
        for id in Set(changes.map(\.recordID)).sorted() {
            places[id] = try await Self.place(of: id, in: db)
        }
        let families = try await Self.families(of: changes, in: db)
        // Where each move's writer says the record was: its departure change, same transaction.
        var departures: [Dot: [String: Change]] = [:]
        for change in changes where change.isDeparture { departures[change.transaction, default: [:]][change.recordID] = change }
        // Transactions in Lamport order; in each, a move's departure, then places, then the rest.
        let rank = { (change: Change) in change.isDeparture ? 0 : change.isPlace ? 1 : 2 }
        var opened: [Dot: UInt64] = [:]
        for change in changes { opened[change.transaction] = min(opened[change.transaction] ?? .max, change.lamport) }
        let ordered = changes.sorted {
            (opened[$0.transaction]!, $0.transaction, rank($0), $0.dot) < (opened[$1.transaction]!, $1.transaction, rank($1), $1.dot)
        }
        for change in ordered {
            let certificate = origins[change.dot.replica]!
            guard revoked[certificate.device] == false else {
                throw Refusal(.originRevoked, change: change, id: "perangkat asalnya \(certificate.device) sudah dicabut; perubahan barunya tidak diterima.",
                              en: "its origin device \(certificate.device) was revoked; its new changes are not accepted.")
            }
            guard let origin = agents[certificate.agent] else {
                throw Refusal(.unknownOrigin, change: change, id: "petugas asalnya \(certificate.agent) tidak dikenal server.",
                              en: "its origin agent \(certificate.agent) is unknown to the server.")
            }
            let family = families[change.recordID]
            // An agent record (a laptop's own, written at `field init`) lies in its agent's area,
            // which a PKH pendamping's families scope does not name: its area is judged instead.
            func admits(_ agent: AgentProfile, _ area: String) -> Bool {
                agent.scope.admits(area: area, family: family)
                    || (change.agent == agent.id && !area.isEmpty && agent.previousAreas.contains { RegionPath.contains($0, area) })
                    || (change.recordType == .agent && agent.scope.kind == .families && !area.isEmpty && RegionPath.contains(agent.area, area))
            }
            var place = places[change.recordID] ?? RecordPlace(type: change.recordType.rawValue, area: change.area, known: [])
            guard place.type == change.recordType.rawValue else {
                throw Refusal(.recordTypeMismatch, change: change, id: "data ini sudah tercatat sebagai jenis lain.",
                              en: "this record is already held as another kind.")
            }
            // The area whose writers may write this change: the one it states, or in a move,
            // the one the record's departure states.
            let departure = departures[change.transaction]?[change.recordID]
            let from = departure?.area ?? change.area
            if place.known.isEmpty {
                // A household is first known by its kelurahan: an edit that comes before it
                // cannot say where the household lies (a relay out of order), and taking its
                // area would refuse the household's true first changes later. (Members, entries
                // and visits are not held to this yet: older clients write them without one.)
                if change.recordType == .household, !change.isPlace, !change.isDeparture {
                    throw Refusal(.areaMismatch, change: change,
                                  id: "kelurahan data ini belum diterima server. Kirim dulu perubahan pertamanya (field sync mengirim menurut urutan waktu Lamport).",
                                  en: "the server has not received this record's kelurahan yet. Send its first changes first (field sync sends in Lamport order).")
                }
                try await Self.checkArea(of: change, in: db)
            } else if !place.known.contains(change.area) {
                guard change.isPlace, departure != nil else {
                    // A writer who never covered the record is told only that it is not theirs.
                    guard place.known.contains(where: { admits(origin, $0) }) else { throw Self.outsideScope(change, origin: origin) }
                    throw Refusal(.areaMismatch, change: change,
                                  id: "menyebut wilayah \(change.area), padahal data ini tidak pernah di sana. Pindah kelurahan dicatat dengan field household move oleh petugas wilayah asalnya.",
                                  en: "states the area \(change.area), but this record was never there. A move to another kelurahan is recorded with field household move by an agent of the area it leaves.")
                }
                try await Self.checkArea(of: change, in: db)
            }
            guard admits(origin, from) else { throw Self.outsideScope(change, origin: origin) }
            if change.recordType == .report,
               let problem = ReportRights.problem(id: change.recordID, field: change.field, value: change.value, writer: change.agent, role: origin.role) {
                throw Refusal(.reportRights, change: change, field: change.field, id: "\(problem.id).", en: "\(problem.en).")
            }
            place.known.insert(change.area)
            if change.isPlace, place.head.map({ $0 < (change.lamport, change.dot) }) ?? true {
                place.head = (change.lamport, change.dot)
                place.area = change.area
                place.placed = true
            }
            places[change.recordID] = place
            try await Self.checkRegionCode(change, in: db)
        }
        return (families, places)
    }

    /// Where the store holds a record now, or nil for a record it has not seen.
    static func place(of id: String, in db: any SQLConnection) async throws -> RecordPlace? {
        guard let row = try await db.query("SELECT record_type, area, region, place_lamport, place_replica, place_counter FROM records WHERE record_id = ?",
                                           [.text(id)]).first else { return nil }
        let area = try row.text("area")
        var known: Set<String> = [area]
        for stated in try await db.query("SELECT area FROM record_areas WHERE record_id = ?", [.text(id)]) { known.insert(try stated.text("area")) }
        var head: (UInt64, Dot)?
        if let lamport = row["place_lamport"].integer, let replica = row["place_replica"].string, let counter = row["place_counter"].integer {
            head = (UInt64(lamport), Dot(ReplicaID(replica), UInt64(counter)))
        }
        return RecordPlace(type: try row.text("record_type"), area: area, head: head, known: known, storedArea: area,
                           storedRegion: try row.text("region"))
    }

    /// Keeps where each record of a batch lies: a new record's row, a moved record's new area,
    /// and every change of a moved record filed again under it, so its new area's pull carries
    /// its whole history.
    static func store(_ places: [String: RecordPlace], in db: any SQLConnection) async throws {
        for (id, place) in places.sorted(by: { $0.key < $1.key }) {
            let head: [SQLValue] = place.head.map { [.int(Int64($0.lamport)), .text($0.dot.replica.rawValue), .int(Int64($0.dot.counter))] }
                ?? [.null, .null, .null]
            // The areas it was in and is no longer: where its moves must still reach (`sqlFilter`).
            for area in place.known.sorted() where area != place.area {
                try await db.execute("INSERT INTO former_areas (area, record_id) VALUES (?, ?) ON CONFLICT (area, record_id) DO NOTHING",
                                     [.text(area), .text(id)])
            }
            guard let storedArea = place.storedArea else {
                try await db.execute("""
                    INSERT INTO records (record_id, record_type, area, place_lamport, place_replica, place_counter, region) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (record_id) DO NOTHING
                    """, [.text(id), .text(place.type), .text(place.area)] + head + [.text(place.region)])
                continue
            }
            guard place.placed else { continue }
            try await db.execute("UPDATE records SET area = ?, place_lamport = ?, place_replica = ?, place_counter = ? WHERE record_id = ?",
                                 [.text(place.area)] + head + [.text(id)])
            if storedArea != place.area {
                try await db.execute("UPDATE changes SET area = ? WHERE region = ? AND record_id = ?", [.text(place.area), .text(place.region), .text(id)])
                try await db.execute("""
                    INSERT INTO moved_records (record_id, area) VALUES (?, ?) ON CONFLICT (record_id) DO UPDATE SET area = excluded.area
                    """, [.text(id), .text(place.area)])
            }
        }
    }

    /// A household's Kemendagri code must be its kelurahan's, when the region table has codes.
    static func checkRegionCode(_ change: Change, in db: any SQLConnection) async throws {
        guard change.recordType == .household, change.field == "regionCode", case .text(let code) = change.value, !code.isEmpty,
              let known = try await db.query("SELECT code FROM regions WHERE id = ?", [.text(change.area)]).first?["code"].string,
              known != code else { return }
        throw Refusal(.badValue, change: change, id: "kode wilayah \(code) bukan kode kelurahan rumah tangga ini (\(known)).",
                      en: "the region code \(code) is not the code of this household's kelurahan (\(known)).")
    }

    /// Says that a record lies outside its writer's scope, without saying where it does lie.
    static func outsideScope(_ change: Change, origin: AgentProfile) -> Refusal {
        let who = "\(origin.id) (\(origin.scope))"
        return Refusal(.outsideScope, change: change, id: "di luar wilayah tugas \(who). Batch ditolak; tidak ada yang disimpan.",
                       en: "outside the scope of \(who). Batch refused; nothing was stored.")
    }
}
