import Crypto
import FieldModels
import Foundation
import SyncEngine

/// Push and pull: what the protocol's `/v1/push` and `/v1/pull` do to the store.
extension ServerStore {
    /// Everything the server holds: gap-free counters, and the dots held beyond a gap.
    func vector() async throws -> VersionVector {
        try await database.transaction { db in try await self.vector(in: db) }
    }

    /// The vector: one row per replica, and the dots held beyond each one's gap-free counter,
    /// found by one index search per replica from the vector, never by reading the change log
    /// (a join PostgreSQL's planner would drive from the log, as SQLite's did on laptops).
    func vector(in db: any SQLConnection) async throws -> VersionVector {
        var counters: [ReplicaID: UInt64] = [:]
        for row in try await db.query("SELECT replica, counter FROM server_vector") {
            counters[ReplicaID(try row.text("replica"))] = UInt64(try row.int("counter"))
        }
        let beyond = try await db.query(Self.beyondQuery(database.dialect)).map { Dot(ReplicaID(try $0.text("replica")), UInt64(try $0.int("counter"))) }
        return VersionVector(counters, beyond: Set(beyond))
    }

    /// The changes held beyond each replica's gap-free counter, the vector the outer loop. On
    /// PostgreSQL `OFFSET 0` keeps the lateral subquery from being flattened into a join the
    /// planner may then drive from the change log.
    static func beyondQuery(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres:
            """
            SELECT v.replica, c.counter FROM server_vector v
            CROSS JOIN LATERAL (SELECT counter FROM dots WHERE replica = v.replica AND counter > v.counter OFFSET 0) AS c
            """
        case .sqlite:
            "SELECT v.replica, c.counter FROM server_vector v CROSS JOIN dots c ON c.replica = v.replica AND c.counter > v.counter"
        }
    }

    /// The entries of `vector` for `replicas` only: a device learns how much the replicas it
    /// already knows of (or may read) have written, never the whole city's activity.
    static func restricted(_ vector: VersionVector, to replicas: Set<ReplicaID>) -> VersionVector {
        VersionVector(vector.counters.filter { replicas.contains($0.key) }, beyond: vector.beyond.filter { replicas.contains($0.replica) })
    }

    /// Opens a sync for a device: notes that it called, registers the replica id it writes as
    /// now (refused when another device holds it), and says what the server holds of the
    /// agent's own replicas and of the replicas the device names (those it holds changes of).
    func session(_ request: SessionRequest, device: DeviceAccount, agent: AgentProfile, now: Int64) async throws -> SessionResponse {
        try await database.transaction { db in
            _ = try await self.register(request.replica, to: device, now: now, in: db)
            try await db.execute("UPDATE devices SET last_seen_at = ?, replica = ? WHERE id = ?",
                                 [.int(now), .text(request.replica.rawValue), .text(device.id)])
            let own = try await self.ownReplicas(of: device, in: db)
            let named = Set(request.replicas ?? []).union(own.map(\.replica))
            return SessionResponse(device: device.id, agent: agent, scope: agent.scope,
                                   serverVector: Self.restricted(try await self.vector(in: db), to: named),
                                   maxBatchChanges: WireProtocol.maxBatchChanges, own: own,
                                   grant: try self.authority.grant(agent: agent.id, scope: agent.scope, issuedAt: now))
        }
    }

    /// Applies a batch in one transaction, or refuses all of it and stores nothing. Each change
    /// must pass `Admission` (grammar, then an origin seal verified with the certificate of the
    /// replica its dot names, and that certificate's agent as author), then what only the
    /// server knows: the origin device is not revoked, the origin agent's scope and the
    /// sender's admit the record, a record keeps its kind and area, and a dot held already
    /// holds the same content. The same batch id again answers as before and applies nothing.
    func push(_ request: PushRequest, device: DeviceAccount, agent: AgentProfile, now: Int64) async throws -> PushResponse {
        try Admission.checkGrammar(request.changes)
        let encoded = try request.changes.map { change in (change, try self.stored(change)) }
        let batchDigest = Data(SHA256.hash(data: Data(encoded.map(\.1.digest).joined().utf8))).hex
        try await makePartitions(for: request.changes.map(\.area))
        return try await database.transaction { db in
            if self.database.dialect == .postgres { try await db.execute(Self.writeLocks(request.changes)) }
            if let row = try await db.query("SELECT device_id, digest, accepted FROM batches WHERE id = ?", [.text(request.batch)]).first {
                guard try row.text("digest") == batchDigest else {
                    throw ServerError(.batchReused, .conflict,
                                      id: "Id batch \(request.batch) sudah dipakai untuk isi lain. Kirim ulang dengan id baru.",
                                      en: "Batch id \(request.batch) was already used for other content. Resend with a new id.")
                }
                return PushResponse(batch: request.batch, accepted: Int(try row.int("accepted")), duplicate: true)
            }
            let held = try await Self.heldDigests(of: request.changes, in: db)
            for (change, coded) in encoded {
                if let stored = held[change.dot], stored != coded.digest { throw Self.dotReused(change) }
            }
            let origins = try await Self.certificates(of: Set(request.changes.map(\.dot.replica)), in: db)
            let admitted: Admission.Admitted
            do {
                admitted = try Admission.checkOrigins(request.sealed, authority: nil, held: { held[$0] != nil }, certificate: { origins[$0] })
            } catch let refusal as Refusal where refusal.code == .badOriginSignature {
                // Perhaps sealed before region ids were codes: check again with the old ids.
                let legacy = try await Self.legacyAreas(in: db)
                admitted = try Admission.checkOrigins(request.sealed, authority: nil, held: { held[$0] != nil }, certificate: { origins[$0] },
                                                      legacy: { legacy })
            }
            try Admission.checkCityWide(admitted.changes, authority: self.authority.publicKey) { origins[$0] }
            try await self.checkAnswers(admitted.changes, in: db)
            let (families, places) = try await self.checkRights(admitted.changes, origins: origins, sender: agent, in: db)
            let moves = Placement.moves(admitted.changes)
            let fresh = encoded.filter { held[$0.0.dot] == nil }
            // Where a change is filed: its record's area after the batch. `replica_areas` must
            // name the same area as the change's row, or a pull would miss its writer.
            let filedArea = { (change: Change) in places[change.recordID]?.area ?? change.area }
            let region = { (change: Change) in places[change.recordID]?.region ?? RegionPartition.key(of: filedArea(change)) }
            // Where each record lies first: a new record's row gives its home region, which
            // its changes and merged state are filed under.
            try await Self.store(places, in: db)
            if self.database.dialect == .postgres {
                try await db.insert(into: "dots", columns: ["replica", "counter", "region", "digest"],
                                    rows: fresh.map { change, coded in
                                        [.text(change.dot.replica.rawValue), .int(Int64(change.dot.counter)), .text(region(change)), .text(coded.digest)]
                                    }, "ON CONFLICT (replica, counter) DO NOTHING")
            }
            try await db.insert(into: "changes", columns: ["replica", "counter", "tx_counter", "record_type", "record_id", "area", "family",
                                                           "body", "digest", "batch_id", "place", "stated", "region"],
                                rows: fresh.map { change, coded in
                                    [.text(change.dot.replica.rawValue), .int(Int64(change.dot.counter)), .int(Int64(change.transaction.counter)),
                                     .text(change.recordType.rawValue), .text(change.recordID), .text(filedArea(change)),
                                     families[change.recordID].map(SQLValue.text) ?? .null, .text(coded.body), .text(coded.digest),
                                     .text(request.batch), .int(moves.contains(Placement.Group(change)) ? 1 : 0), .text(change.area),
                                     .text(region(change))]
                                }, "ON CONFLICT DO NOTHING")
            try await self.index(fresh.map(\.0), in: db)
            try await self.merge(fresh.map { ($0.0, region($0.0)) }, in: db)
            try await Self.storeAttachmentReferences(fresh.map(\.0), in: db)
            let filed = Set(fresh.map { WriterArea(area: filedArea($0.0), replica: $0.0.dot.replica.rawValue) })
            try await db.insert(into: "replica_areas", columns: ["area", "replica"],
                                rows: filed.sorted { ($0.area, $0.replica) < ($1.area, $1.replica) }.map { [.text($0.area), .text($0.replica)] },
                                "ON CONFLICT (area, replica) DO NOTHING")
            let areas = Set(fresh.map { RecordArea(record: $0.0.recordID, area: $0.0.area) })
            try await db.insert(into: "record_areas", columns: ["record_id", "area"],
                                rows: areas.sorted { ($0.record, $0.area) < ($1.record, $1.area) }.map { [.text($0.record), .text($0.area)] },
                                "ON CONFLICT (record_id, area) DO NOTHING")
            let writers = Set(fresh.map(\.0.dot.replica))
            try await db.insert(into: "seals", columns: ["replica", "counter", "signature", "groups"],
                                rows: admitted.seals.map { seal in
                                    [.text(seal.transaction.replica.rawValue), .int(Int64(seal.transaction.counter)),
                                     .text(seal.signature.base64EncodedString()), .text(seal.packedGroups.hex)]
                                }, "ON CONFLICT (replica, counter) DO NOTHING")
            try await db.insert(into: "record_families", columns: ["record_id", "family"],
                                rows: families.sorted(by: { $0.key < $1.key }).map { [.text($0.key), .text($0.value)] },
                                "ON CONFLICT (record_id) DO UPDATE SET family = excluded.family")
            for replica in writers.sorted() {
                try await Self.advance(replica, in: db)
                try await db.execute("UPDATE replicas SET last_change_at = ? WHERE replica = ?", [.int(now), .text(replica.rawValue)])
            }
            let accepted = admitted.changes.count
            // What this device passed on for others: who relayed what, for the audit trail.
            let relayed = Dictionary(grouping: admitted.changes.filter { origins[$0.dot.replica]?.device != device.id },
                                     by: { origins[$0.dot.replica]!.device })
            for (origin, changes) in relayed.sorted(by: { $0.key < $1.key }) {
                try await Self.audit(.relayed, agent: agent.id, device: device.id,
                                     detail: "\(changes.count) changes of \(origin) (agent \(origins[changes[0].dot.replica]!.agent)) in batch \(request.batch)",
                                     now: now, in: db)
            }
            try await db.execute("INSERT INTO batches (id, device_id, digest, accepted, received_at) VALUES (?, ?, ?, ?, ?)",
                                 [.text(request.batch), .text(device.id), .text(batchDigest), .int(Int64(accepted)), .int(now)])
            return PushResponse(batch: request.batch, accepted: accepted, duplicate: false)
        }
    }

    /// On PostgreSQL, what a push must not share with another push running beside it, locked
    /// for its transaction before it reads anything: each replica whose dots it carries (two
    /// pushes of one dot, say a laptop and the TKSK relaying it, must not both find it new, and
    /// a replica's vector entry rises in order) and each record it writes or reads a household
    /// link of (where a record lies, its areas and family are read, judged and written in one
    /// go). Transaction-scoped advisory locks on hashed keys, taken in one statement in one
    /// global order, so two pushes never wait on each other in a cycle; pushes of different
    /// replicas about different records commit in parallel. (SQLite has one writer anyway.)
    static func writeLocks(_ changes: [Change]) -> String {
        let replicas = Set(changes.map { LockKey.hash($0.dot.replica.rawValue) }).map { LockKey(space: LockKey.replicas, key: $0) }
        let records = Set(changes.map(\.recordID)).union(FamilyLinks.lookups(for: changes)).map { LockKey(space: LockKey.records, key: LockKey.hash($0)) }
        let keys = Set(replicas + records).sorted()
        guard !keys.isEmpty else { return "SELECT 1" }
        let values = keys.map { "(\($0.space), \($0.key))" }.joined(separator: ", ")
        return """
            SELECT COUNT(pg_advisory_xact_lock(space, key)) AS locked
            FROM (SELECT space, key FROM (VALUES \(values)) AS k(space, key) ORDER BY space, key) AS ordered
            """
    }

    /// A two-part advisory lock key: a space (replicas or records) and a 32-bit hash in it.
    struct LockKey: Hashable, Comparable {
        static let replicas: Int32 = 7420
        static let records: Int32 = 7421
        var space: Int32
        var key: Int32

        static func < (a: LockKey, b: LockKey) -> Bool { (a.space, a.key) < (b.space, b.key) }

        /// FNV-1a of the UTF-8 bytes: the same on every server process and every run.
        static func hash(_ text: String) -> Int32 {
            var hash: UInt32 = 2_166_136_261
            for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            return Int32(bitPattern: hash)
        }
    }

    private struct WriterArea: Hashable {
        var area: String
        var replica: String
    }

    private struct RecordArea: Hashable {
        var record: String
        var area: String
    }

    /// The digests of the batch's dots that the store already holds.
    private static func heldDigests(of changes: [Change], in db: any SQLConnection) async throws -> [Dot: String] {
        var out: [Dot: String] = [:]
        for (replica, counters) in Dictionary(grouping: changes.map(\.dot), by: \.replica).mapValues({ $0.map(\.counter) }) {
            let rows = try await db.query("SELECT counter, digest FROM dots WHERE replica = ? AND counter >= ? AND counter <= ?",
                                          [.text(replica.rawValue), .int(Int64(counters.min()!)), .int(Int64(counters.max()!))])
            for row in rows { out[Dot(replica, UInt64(try row.int("counter")))] = try row.text("digest") }
        }
        return out
    }

    static func dotReused(_ change: Change) -> Refusal {
        Refusal(.dotReused, change: change,
                id: "sudah ada di server dengan isi lain: replika ini tampaknya dipulihkan dari salinan lama. Jalankan field sync lagi; laptop akan mengambil id replika baru.",
                en: "is already on the server with other content: this replica seems restored from an old copy. Run field sync again; the laptop takes a new replica id.")
    }

    /// One page of changes in `scope` that `knowledge` lacks, from the set `upTo` (the server's
    /// vector when the pull began), after dot `after`, in dot order; never cuts a transaction.
    func pull(_ request: PullRequest, scope: SyncScope) async throws -> PullResponse {
        let limit = min(max(request.maxChanges ?? WireProtocol.batchChanges, 1), WireProtocol.maxBatchChanges)
        return try await database.transaction { db in
            let regions = try await Self.regions(of: scope, in: db)
            let (page, pageBinds) = Self.pageQuery(scope, regions: regions)
            let upTo: VersionVector
            if let given = request.upTo {
                upTo = given
            } else {
                // Only what the caller may learn: replicas with changes in its scope.
                let vector = try await self.vector(in: db)
                upTo = Self.restricted(vector, to: try await Self.writers(in: scope, regions: regions, among: vector, in: db))
            }
            var out: [Change] = []
            let replicas = Set(upTo.counters.keys).union(upTo.beyond.map(\.replica)).sorted()
            for replica in replicas where request.after.map({ replica >= $0.replica }) ?? true {
                var cursor = request.knowledge[replica]
                if let after = request.after, after.replica == replica { cursor = max(cursor, after.counter) }
                let high = max(upTo[replica], upTo.beyond.filter { $0.replica == replica }.map(\.counter).max() ?? 0)
                while cursor < high {
                    let rows = try await db.query(page, [.text(replica.rawValue), .int(Int64(cursor)), .int(Int64(high))] + pageBinds)
                    guard let last = rows.last else { break }
                    cursor = UInt64(try last.int("counter"))
                    for row in rows {
                        let dot = Dot(replica, UInt64(try row.int("counter")))
                        let notice = scope.kind == .area && row["place"].integer == 1
                        guard upTo.contains(dot), !request.knowledge.contains(dot),
                              try notice || scope.reads(type: RecordType(rawValue: row.text("record_type")) ?? .household, area: row.text("area"),
                                                        family: row["family"].string) else { continue }
                        if out.count >= limit, let previous = out.last, previous.transaction != Dot(replica, UInt64(try row.int("tx_counter"))) {
                            return PullResponse(try await Self.sealed(out, in: db), upTo: upTo, next: previous.dot, scope: scope)
                        }
                        out.append(try self.change(fromBody: try row.text("body"), dot: dot))
                    }
                }
            }
            return PullResponse(try await Self.sealed(out, in: db), upTo: upTo, next: nil, scope: scope)
        }
    }

    /// `changes` with their transactions' seals (records left out of the page withheld) and
    /// their replicas' certificates.
    private static func sealed(_ changes: [Change], in db: any SQLConnection) async throws -> SealedBatch {
        var seals: [OriginSeal] = []
        var legacy: LegacyAreas?
        for (transaction, members) in Dictionary(grouping: changes, by: \.transaction).sorted(by: { $0.key < $1.key }) {
            guard let row = try await db.query("SELECT signature, groups FROM seals WHERE replica = ? AND counter = ?",
                                               [.text(transaction.replica.rawValue), .int(Int64(transaction.counter))]).first else { continue }
            let stored = StoredSeal(transaction: transaction, signature: Data(base64Encoded: try row.text("signature")) ?? Data(),
                                    groups: StoredSeal.unpack(Data(hex: try row.text("groups")) ?? Data()))
            if let wired = stored.wire(sending: members, legacy: legacy) {
                seals.append(wired)
            } else {
                legacy = try await legacyAreas(in: db)
                seals.append(stored.wire(sending: members, legacy: legacy)!)
            }
        }
        let certificates = try await certificates(of: Set(changes.map(\.dot.replica)), in: db)
        return SealedBatch(changes: changes, seals: seals, certificates: certificates.values.sorted { $0.replica < $1.replica })
    }

    /// The region ids of before codes, from the region table (see `LegacyAreas`).
    static func legacyAreas(in db: any SQLConnection) async throws -> LegacyAreas {
        LegacyAreas(regions: try await db.query("SELECT id, name FROM regions").map { (try $0.text("id"), try $0.text("name")) })
    }

    /// The households the batch's records belong to, from the batch and what is stored.
    static func families(of changes: [Change], in db: any SQLConnection) async throws -> [String: String] {
        var stored: [String: String] = [:]
        for id in FamilyLinks.lookups(for: changes).sorted() {
            if let row = try await db.query("SELECT family FROM record_families WHERE record_id = ?", [.text(id)]).first {
                stored[id] = try row.text("family")
            }
        }
        return FamilyLinks.families(of: changes, stored: stored)
    }

    /// Raises `replica`'s vector entry over every counter now held without a gap.
    private static func advance(_ replica: ReplicaID, in db: any SQLConnection) async throws {
        let stored = try await db.query("SELECT counter FROM server_vector WHERE replica = ?", [.text(replica.rawValue)]).first
        var counter = try stored.map { try $0.int("counter") } ?? 0
        let start = counter
        scan: while true {
            let rows = try await db.query("SELECT counter FROM dots WHERE replica = ? AND counter > ? ORDER BY counter LIMIT 1000",
                                          [.text(replica.rawValue), .int(counter)])
            for row in rows {
                guard try row.int("counter") == counter + 1 else { break scan }
                counter += 1
            }
            if rows.count < 1000 { break }
        }
        guard stored == nil || counter != start else { return }
        try await db.execute("""
            INSERT INTO server_vector (replica, counter) VALUES (?, ?)
            ON CONFLICT (replica) DO UPDATE SET counter = excluded.counter
            """, [.text(replica.rawValue), .int(counter)])
    }
}
