import FieldModels

/// The server's schema as named migrations, the same text on SQLite and PostgreSQL unless
/// `postgres` gives PostgreSQL its own. A released migration is never edited; changes come as
/// new ones.
enum ServerSchema {
    static let migrations: [(name: String, sql: [String])] = [
        ("v1-server", [
            """
            CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, area TEXT NOT NULL,
                families TEXT NOT NULL, previous_areas TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            // Only a hash of each one-time code is kept.
            """
            CREATE TABLE enrolments (code_hash TEXT PRIMARY KEY, agent_id TEXT NOT NULL, expires_at BIGINT NOT NULL,
                used_by TEXT)
            """,
            """
            CREATE TABLE devices (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL, replica TEXT NOT NULL, enrolled_at BIGINT NOT NULL, revoked_at BIGINT,
                last_seen_at BIGINT)
            """,
            // Every change received, as its JSON; `digest` tells a reused dot from a repeat.
            """
            CREATE TABLE changes (replica TEXT NOT NULL, counter BIGINT NOT NULL, tx_counter BIGINT NOT NULL,
                record_type TEXT NOT NULL, record_id TEXT NOT NULL, area TEXT NOT NULL, family TEXT,
                body TEXT NOT NULL, digest TEXT NOT NULL, batch_id TEXT NOT NULL, PRIMARY KEY (replica, counter))
            """,
            "CREATE INDEX changes_area ON changes(area)",
            "CREATE INDEX changes_family ON changes(family)",
            "CREATE TABLE record_families (record_id TEXT PRIMARY KEY, family TEXT NOT NULL)",
            // For each replica, the highest counter held with no gap below it.
            "CREATE TABLE server_vector (replica TEXT PRIMARY KEY, counter BIGINT NOT NULL)",
            """
            CREATE TABLE batches (id TEXT PRIMARY KEY, device_id TEXT NOT NULL, digest TEXT NOT NULL,
                accepted BIGINT NOT NULL, received_at BIGINT NOT NULL)
            """,
        ]),
        ("v2-provenance", [
            // The key that issues replica certificates (one row).
            "CREATE TABLE authority (id INTEGER PRIMARY KEY, private_key TEXT NOT NULL, created_at BIGINT NOT NULL)",
            // Each replica id belongs to one device and one key; the certificate says so.
            """
            CREATE TABLE replicas (replica TEXT PRIMARY KEY, device_id TEXT NOT NULL, agent_id TEXT NOT NULL,
                public_key TEXT NOT NULL, issued_at BIGINT NOT NULL, signature TEXT NOT NULL)
            """,
            "CREATE INDEX replicas_device ON replicas(device_id)",
            // The origin seal of every transaction held: its signature and all its group digests (hex).
            """
            CREATE TABLE seals (replica TEXT NOT NULL, counter BIGINT NOT NULL, signature TEXT NOT NULL,
                groups TEXT NOT NULL, PRIMARY KEY (replica, counter))
            """,
            // Every record's kind and area (its area now, since v9: households move).
            "CREATE TABLE records (record_id TEXT PRIMARY KEY, record_type TEXT NOT NULL, area TEXT NOT NULL)",
        ]),
        ("v3-audit", [
            // Append-only: what happened to agents, devices, codes and batches. Never a NIK or a name.
            """
            CREATE TABLE audit (id TEXT PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL, agent_id TEXT, device_id TEXT,
                source TEXT, detail TEXT NOT NULL)
            """,
            "CREATE INDEX audit_kind_source ON audit(kind, source, at)",
            "CREATE INDEX audit_at ON audit(at)",
            // A code issued later voids the agent's earlier ones.
            "ALTER TABLE enrolments ADD COLUMN voided_at BIGINT",
            "ALTER TABLE enrolments ADD COLUMN issued_at BIGINT",
        ]),
        ("v4-nonces", [
            // The request nonces already answered, until they expire: a signed request is good once.
            "CREATE TABLE used_nonces (nonce TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
            "CREATE INDEX used_nonces_expiry ON used_nonces(expires_at)",
        ]),
        ("v5-sealed-store", [
            // Small named values of the store: the id of the key that seals it.
            "CREATE TABLE server_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // Keyed hashes of NIK and No. KK, to find a record without storing the number.
            "CREATE TABLE blind_index (kind TEXT NOT NULL, digest TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (kind, digest, record_id))",
        ]),
        ("v6-regions", [
            // The region table areas are checked against (kota, kecamatan, kelurahan paths).
            "CREATE TABLE regions (id TEXT PRIMARY KEY, level TEXT NOT NULL, name TEXT NOT NULL, parent TEXT)",
        ]),
        ("v7-replica-activity", [
            // When the server last stored a change of each replica, by whatever path it came.
            "ALTER TABLE replicas ADD COLUMN last_change_at BIGINT",
        ]),
        ("v8-region-codes", [
            // The official Kemendagri code of each region (`33.74.11.1006`), when its file gave one.
            "ALTER TABLE regions ADD COLUMN code TEXT",
        ]),
        ("v9-household-moves", [
            // A record's changes are filed under its area now (`area`), whatever area each
            // stated when written (`stated`; NULL before moves: the same); `place` marks the
            // changes of its moves (`Placement.moves`), which also go to every area it was ever in.
            "ALTER TABLE changes ADD COLUMN place BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE changes ADD COLUMN stated TEXT",
            "CREATE INDEX changes_record ON changes(record_id)",
            "CREATE TABLE record_areas (record_id TEXT NOT NULL, area TEXT NOT NULL, PRIMARY KEY (record_id, area))",
            "CREATE INDEX record_areas_area ON record_areas(area)",
            // The place change that decides a record's area: the highest Lamport time, then dot.
            "ALTER TABLE records ADD COLUMN place_lamport BIGINT",
            "ALTER TABLE records ADD COLUMN place_replica TEXT",
            "ALTER TABLE records ADD COLUMN place_counter BIGINT",
        ]),
        ("v10-pull-by-index", [
            // A pull asks, per replica, whether it wrote anything in the caller's area: one
            // index probe each, instead of reading every change the area holds.
            "CREATE INDEX changes_replica_area ON changes(replica, area)",
            // The areas each record was in and left: its moves still go there. Few rows (only
            // records that moved), so a pull filters by them without reading every record.
            "CREATE TABLE former_areas (area TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (area, record_id))",
            """
            INSERT INTO former_areas (area, record_id)
            SELECT a.area, a.record_id FROM record_areas a JOIN records r ON r.record_id = a.record_id WHERE r.area <> a.area
            """,
        ]),
        ("v11-writers-by-area", [
            // Which replicas have changes filed under each area: a pull finds the writers of
            // its area in one search, whatever the number of replicas in the city (one probe
            // per replica cost 500 queries a pull at 500 devices). Written by each push for
            // its own replicas (locked by it on PostgreSQL).
            "CREATE TABLE replica_areas (area TEXT NOT NULL, replica TEXT NOT NULL, PRIMARY KEY (area, replica))",
            "INSERT INTO replica_areas (area, replica) SELECT DISTINCT area, replica FROM changes",
            // The area of each record that moved: the writers of its history, filed there
            // since, are its new area's writers too.
            "CREATE TABLE moved_records (record_id TEXT PRIMARY KEY, area TEXT NOT NULL)",
            "CREATE INDEX moved_records_area ON moved_records(area)",
            """
            INSERT INTO moved_records (record_id, area)
            SELECT r.record_id, r.area FROM records r WHERE EXISTS (SELECT 1 FROM former_areas f WHERE f.record_id = r.record_id)
            """,
        ]),
        ("v12-drop-writer-probe-index", [
            // Only the per-replica writer probe that `replica_areas` replaced searched it; every
            // push paid for it.
            "DROP INDEX IF EXISTS changes_replica_area",
        ]),
        ("v13-attachments", [
            // Photos: what was offered and how much of it is in (`received`), the chunks as they
            // came, sealed (BYTEA; on SQLite a BLOB in a column of that name), and which records
            // refer to which photo, for the scope checks.
            """
            CREATE TABLE attachments (digest TEXT PRIMARY KEY, size BIGINT NOT NULL, media_type TEXT NOT NULL, info TEXT NOT NULL,
                received BIGINT NOT NULL, complete INTEGER NOT NULL, created_at BIGINT NOT NULL, device_id TEXT NOT NULL)
            """,
            "CREATE TABLE attachment_chunks (digest TEXT NOT NULL, start_at BIGINT NOT NULL, body BYTEA NOT NULL, PRIMARY KEY (digest, start_at))",
            "CREATE TABLE attachment_refs (digest TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (digest, record_id))",
        ]),
        ("v14-merged-state", [
            // The server as a merged replica (`ServerStore.merge`): each record's current field
            // versions (a sensitive field's value left in its sealed change), every dot some
            // change replaced, and each record's status and fields in conflict. Filled from the
            // log by `replayMergedState` when the store opens.
            """
            CREATE TABLE merged_versions (record_id TEXT NOT NULL, field TEXT NOT NULL, replica TEXT NOT NULL, counter BIGINT NOT NULL,
                lamport BIGINT NOT NULL, value TEXT, agent TEXT NOT NULL, wall_time BIGINT NOT NULL,
                PRIMARY KEY (record_id, field, replica, counter))
            """,
            "CREATE TABLE superseded (replica TEXT NOT NULL, counter BIGINT NOT NULL, PRIMARY KEY (replica, counter))",
            "CREATE TABLE merged_records (record_id TEXT PRIMARY KEY, record_type TEXT NOT NULL, status TEXT NOT NULL, conflicts TEXT NOT NULL)",
            "CREATE INDEX merged_records_type ON merged_records(record_type, status)",
        ]),
        ("v15-dinas-pages", [
            // Staff accounts of the Dinas pages (bcrypt hashes only), and Hummingbird's key/value
            // store for their sessions (`SQLPersistDriver`: keys as digests, with their expiry).
            """
            CREATE TABLE staff (username TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL, disabled_at BIGINT)
            """,
            "CREATE TABLE web_store (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at BIGINT)",
            "CREATE INDEX web_store_expiry ON web_store(expires_at)",
        ]),
        // On SQLite, the partition key as a plain column; on PostgreSQL, `postgres` rebuilds
        // the tables partitioned (`ServerSchema+Partitions`).
        ("v16-region-partitions", partitionsSQLite),
        // PostgreSQL only: a region's partitions attached rather than created in place.
        ("v17-attach-partitions", []),
    ]

    /// Stores whose changes came before origin seals cannot be proven now; the operator must
    /// start a new store (laptops keep their data and send it again, sealed).
    static let unprovenStore = LocalizedText(
        id: "Penyimpanan ini berisi perubahan dari sebelum segel asal (protokol 1); asalnya tidak dapat dibuktikan. Buat penyimpanan baru (--database), daftarkan ulang petugas, lalu laptop sinkron lagi: data mereka tetap di laptop dan terkirim ulang dengan segel.",
        en: "This store holds changes from before origin seals (protocol 1); their origin cannot be proven. Start a new store (--database), add the agents again, and sync the laptops: their data stays on them and is sent again, sealed.")
}
