import GRDB

/// The replica's schema, as named migrations. A migration, once released, is never edited:
/// changes come as new migrations.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE region (
                    id TEXT PRIMARY KEY NOT NULL, level TEXT NOT NULL, name TEXT NOT NULL,
                    parent TEXT, postal_code TEXT, kota_code TEXT NOT NULL);
                CREATE INDEX region_parent ON region(parent);
                -- Every change ever made or received, one row per field: the history and the sync log.
                CREATE TABLE change_log (
                    replica TEXT NOT NULL, counter INTEGER NOT NULL,
                    tx_replica TEXT NOT NULL, tx_counter INTEGER NOT NULL,
                    record_type TEXT NOT NULL, record_id TEXT NOT NULL, area TEXT NOT NULL,
                    field TEXT NOT NULL, value TEXT, sealed BLOB,
                    supersedes TEXT NOT NULL, lamport INTEGER NOT NULL, wall_time INTEGER NOT NULL,
                    agent TEXT NOT NULL,
                    PRIMARY KEY (replica, counter)) WITHOUT ROWID;
                CREATE INDEX change_log_record ON change_log(record_id, lamport);
                CREATE INDEX change_log_area ON change_log(area);
                -- Dots some held change has replaced: such a value is never current again.
                CREATE TABLE superseded (replica TEXT NOT NULL, counter INTEGER NOT NULL,
                    PRIMARY KEY (replica, counter)) WITHOUT ROWID;
                -- The current value(s) of each field: one, or several while a conflict is open.
                CREATE TABLE field_value (
                    record_id TEXT NOT NULL, field TEXT NOT NULL, replica TEXT NOT NULL, counter INTEGER NOT NULL,
                    lamport INTEGER NOT NULL, value TEXT, sealed BLOB,
                    PRIMARY KEY (record_id, field, replica, counter)) WITHOUT ROWID;
                CREATE INDEX field_value_search ON field_value(field, value);
                CREATE TABLE record (
                    id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL, area TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0, created_lamport INTEGER NOT NULL,
                    updated_lamport INTEGER NOT NULL,
                    -- Rule warnings as sealed JSON: they can quote personal details.
                    warnings BLOB);
                CREATE INDEX record_type_area ON record(type, area);
                -- Keyed hashes of NIK and No. KK, for lookups without storing the numbers.
                CREATE TABLE blind_index (kind TEXT NOT NULL, digest BLOB NOT NULL, record_id TEXT NOT NULL,
                    PRIMARY KEY (kind, digest, record_id)) WITHOUT ROWID;
                CREATE INDEX blind_index_record ON blind_index(record_id);
                -- For each replica, the highest counter held with no gaps below it.
                CREATE TABLE version_vector (replica TEXT PRIMARY KEY NOT NULL, counter INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-provenance") { db in
            try db.execute(sql: """
                -- The origin seal of every transaction held: the origin device's signature and the
                -- digest of each record's share of the transaction (32 bytes each).
                CREATE TABLE origin_seal (replica TEXT NOT NULL, counter INTEGER NOT NULL, signature BLOB NOT NULL,
                    groups BLOB NOT NULL, PRIMARY KEY (replica, counter)) WITHOUT ROWID;
                -- Which device and key each replica id belongs to, as the server certified it.
                CREATE TABLE replica_certificate (replica TEXT PRIMARY KEY NOT NULL, device TEXT NOT NULL, agent TEXT NOT NULL,
                    public_key BLOB NOT NULL, issued_at INTEGER NOT NULL, signature BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX change_log_transaction ON change_log(tx_replica, tx_counter);
                """)
        }
        migrator.registerMigration("v3-search-tokens") { db in
            try db.execute(sql: """
                -- Keyed hashes of word prefixes of names, addresses and labels, and of RT/RW
                -- numbers: search without any of them readable in the file.
                CREATE TABLE search_token (token BLOB NOT NULL, record_id TEXT NOT NULL,
                    PRIMARY KEY (token, record_id)) WITHOUT ROWID;
                CREATE INDEX search_token_record ON search_token(record_id);
                DROP INDEX field_value_search;
                """)
        }
        migrator.registerMigration("v4-region-codes") { db in
            // The official Kemendagri code of each region (`33.74.11.1006`), when its file gave one.
            try db.execute(sql: """
                ALTER TABLE region ADD COLUMN code TEXT;
                CREATE UNIQUE INDEX region_code ON region(code) WHERE code IS NOT NULL;
                """)
        }
        migrator.registerMigration("v5-conflict-counts") { db in
            // Each record's own open conflicts (fields, delete), kept as the record changes, so
            // counting them does not read the replica; filled for older replicas on first open.
            try db.execute(sql: """
                ALTER TABLE record ADD COLUMN conflicts INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX record_conflicted ON record(conflicts) WHERE conflicts > 0;
                """)
        }
        migrator.registerMigration("v6-forgotten") { db in
            // Changes this laptop let go because the server holds them and they lie outside its
            // scope (an old area's records, households that moved away): a PSM syncing with this
            // laptop is told they are held, so it neither sends them again nor takes them as lost.
            try db.execute(sql: """
                CREATE TABLE forgotten (replica TEXT NOT NULL, counter INTEGER NOT NULL, PRIMARY KEY (replica, counter)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v7-official-region-codes") { db in
            // Region ids become the Kemendagri codes (`3374/banyumanik/srondol-kulon` is now
            // `33.74.11.1006`) wherever the replica keeps one; see `RegionCodeMigration`.
            try RegionCodeMigration.run(db)
        }
        migrator.registerMigration("v8-attachments") { db in
            // Photos, by the SHA-256 of their bytes: the bytes and what is said of them sealed
            // (a photo is as personal as the NIK), the original file only when the agent asked to
            // keep it, and whether the server has acknowledged holding all of it.
            // A download under way keeps its chunks in `attachment_part` until the last is in.
            try db.execute(sql: """
                CREATE TABLE attachment (
                    digest TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, media_type TEXT NOT NULL,
                    added_at INTEGER NOT NULL, info BLOB NOT NULL, body BLOB NOT NULL, original BLOB,
                    uploaded INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE attachment_part (
                    digest TEXT NOT NULL, start_at INTEGER NOT NULL, length INTEGER NOT NULL, body BLOB NOT NULL, info BLOB NOT NULL,
                    PRIMARY KEY (digest, start_at));
                """)
        }
        return migrator
    }
}
