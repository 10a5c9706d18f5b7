/// The change log and the merged state by kabupaten/kota (`RegionPartition`). Every record has
/// a home region, the kabupaten/kota of the area it was first stored in (`records.region`,
/// kept when it moves); its changes, its field versions and its summary carry it (`region`).
///
/// On PostgreSQL `changes`, `merged_versions` and `merged_records` are declaratively
/// partitioned by it (`PARTITION BY LIST (region)`), one partition of each per region, made
/// by `fieldsync_partition` the first time a region sends data. PostgreSQL allows a unique
/// key of a partitioned table only with the partition key in it, so a dot is unique in the
/// change log per region only; `dots`, a narrow table beside it keyed by the dot alone, holds
/// each dot's region and digest: the store's vector, a push's "held already?" and the
/// replica-ordered searches read it, without visiting every region's partition. On SQLite the
/// key is a plain column and `dots` a view of the change log.
extension ServerSchema {
    /// PostgreSQL's own text of a migration, by name, where it differs from SQLite's.
    static let postgres: [String: [String]] = ["v16-region-partitions": partitionsPostgres, "v17-attach-partitions": [attachingPartition]]

    /// A region's partitions made apart and then attached: `CREATE TABLE … PARTITION OF` locks
    /// the whole parent (ACCESS EXCLUSIVE), so the first push of a new region waited for every
    /// push in flight and every push after it waited for it; attaching takes only SHARE UPDATE
    /// EXCLUSIVE, which the reads and writes of pushes and pulls do not conflict with.
    static let attachingPartition = """
        CREATE OR REPLACE FUNCTION fieldsync_partition(region TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
        DECLARE parent TEXT;
        BEGIN
            IF to_regclass('changes_' || region) IS NOT NULL THEN RETURN 0; END IF;
            PERFORM pg_advisory_xact_lock(7419);
            -- Another push made them while this one waited (its catalog cache may not show it yet).
            FOREACH parent IN ARRAY ARRAY['changes', 'merged_versions', 'merged_records'] LOOP
                EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', parent || '_' || region, parent);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', parent, parent || '_' || region, region);
            END LOOP;
            RETURN 1;
        EXCEPTION WHEN duplicate_table THEN
            RETURN 0;
        END $$
        """

    /// The partition key of a record in `column`, as `RegionPartition.key(of:)` computes it.
    private static func keyExpression(_ column: String, postgres: Bool) -> String {
        let code = postgres ? "\(column) ~ '^[0-9]{2}\\.[0-9]{2}'" : "\(column) GLOB '[0-9][0-9].[0-9][0-9]*'"
        let legacy = postgres ? "\(column) ~ '^[0-9]{4}(/|$)'"
            : "(\(column) GLOB '[0-9][0-9][0-9][0-9]' OR \(column) GLOB '[0-9][0-9][0-9][0-9]/*')"
        return """
            CASE WHEN \(code) THEN substr(\(column), 1, 2) || substr(\(column), 4, 2) WHEN \(legacy) THEN substr(\(column), 1, 4) \
            ELSE '\(RegionPartition.unknown)' END
            """
    }

    /// A row's home region, from its record's (`'0000'` for a row whose record is unknown).
    private static let homeOfRow = "COALESCE((SELECT r.region FROM records r WHERE r.record_id = t.record_id), '\(RegionPartition.unknown)')"

    static let partitionsSQLite: [String] = [
        "ALTER TABLE records ADD COLUMN region TEXT NOT NULL DEFAULT '\(RegionPartition.unknown)'",
        "UPDATE records SET region = \(keyExpression("area", postgres: false))",
        // The city-wide records (holidays, questionnaires) and the records of a household,
        // whose regions a PKH pull reads.
        "CREATE INDEX records_type ON records(record_type)",
        "CREATE INDEX record_families_family ON record_families(family)",
    ] + ["changes", "merged_versions", "merged_records"].flatMap { table in
        [
            "ALTER TABLE \(table) ADD COLUMN region TEXT NOT NULL DEFAULT '\(RegionPartition.unknown)'",
            "UPDATE \(table) AS t SET region = \(homeOfRow)",
        ]
    } + [
        // The conflict target PostgreSQL's key gives; the same statement on both.
        "CREATE UNIQUE INDEX merged_records_region ON merged_records(record_id, region)",
        "CREATE VIEW dots AS SELECT replica, counter, region, digest FROM changes",
    ]

    static let partitionsPostgres: [String] = [
        "ALTER TABLE records ADD COLUMN region TEXT",
        "UPDATE records SET region = \(keyExpression("area", postgres: true))",
        "ALTER TABLE records ALTER COLUMN region SET NOT NULL",
        "CREATE INDEX records_type ON records(record_type)",
        "CREATE INDEX record_families_family ON record_families(family)",
        // One partition of each table for a region, made once: the advisory lock keeps two
        // pushes from making the same one, and is taken only when it is missing.
        """
        CREATE FUNCTION fieldsync_partition(region TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
        DECLARE parent TEXT;
        BEGIN
            IF to_regclass('changes_' || region) IS NOT NULL THEN RETURN 0; END IF;
            PERFORM pg_advisory_xact_lock(7419);
            FOREACH parent IN ARRAY ARRAY['changes', 'merged_versions', 'merged_records'] LOOP
                EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES IN (%L)', parent || '_' || region, parent, region);
            END LOOP;
            RETURN 1;
        END $$
        """,
        // The tables as they were, kept aside until copied.
        "ALTER TABLE changes RENAME TO changes_v15",
        "ALTER TABLE changes_v15 RENAME CONSTRAINT changes_pkey TO changes_v15_pkey",
        "DROP INDEX changes_area",
        "DROP INDEX changes_family",
        "DROP INDEX changes_record",
        "ALTER TABLE merged_versions RENAME TO merged_versions_v15",
        "ALTER TABLE merged_versions_v15 RENAME CONSTRAINT merged_versions_pkey TO merged_versions_v15_pkey",
        "ALTER TABLE merged_records RENAME TO merged_records_v15",
        "ALTER TABLE merged_records_v15 RENAME CONSTRAINT merged_records_pkey TO merged_records_v15_pkey",
        "DROP INDEX merged_records_type",
        """
        CREATE TABLE changes (replica TEXT NOT NULL, counter BIGINT NOT NULL, tx_counter BIGINT NOT NULL,
            record_type TEXT NOT NULL, record_id TEXT NOT NULL, area TEXT NOT NULL, family TEXT,
            body TEXT NOT NULL, digest TEXT NOT NULL, batch_id TEXT NOT NULL, place BIGINT NOT NULL DEFAULT 0, stated TEXT,
            region TEXT NOT NULL, PRIMARY KEY (replica, counter, region)) PARTITION BY LIST (region)
        """,
        """
        CREATE TABLE merged_versions (record_id TEXT NOT NULL, field TEXT NOT NULL, replica TEXT NOT NULL, counter BIGINT NOT NULL,
            lamport BIGINT NOT NULL, value TEXT, agent TEXT NOT NULL, wall_time BIGINT NOT NULL, region TEXT NOT NULL,
            PRIMARY KEY (record_id, field, replica, counter, region)) PARTITION BY LIST (region)
        """,
        """
        CREATE TABLE merged_records (record_id TEXT NOT NULL, record_type TEXT NOT NULL, status TEXT NOT NULL, conflicts TEXT NOT NULL,
            region TEXT NOT NULL, PRIMARY KEY (record_id, region)) PARTITION BY LIST (region)
        """,
        "SELECT COUNT(fieldsync_partition(region)) AS made FROM (SELECT region FROM records UNION SELECT '\(RegionPartition.unknown)') AS r",
        """
        INSERT INTO changes (replica, counter, tx_counter, record_type, record_id, area, family, body, digest, batch_id, place, stated, region)
        SELECT replica, counter, tx_counter, record_type, record_id, area, family, body, digest, batch_id, place, stated, \(homeOfRow)
        FROM changes_v15 AS t
        """,
        """
        INSERT INTO merged_versions (record_id, field, replica, counter, lamport, value, agent, wall_time, region)
        SELECT record_id, field, replica, counter, lamport, value, agent, wall_time, \(homeOfRow) FROM merged_versions_v15 AS t
        """,
        """
        INSERT INTO merged_records (record_id, record_type, status, conflicts, region)
        SELECT record_id, record_type, status, conflicts, \(homeOfRow) FROM merged_records_v15 AS t
        """,
        "DROP TABLE changes_v15",
        "DROP TABLE merged_versions_v15",
        "DROP TABLE merged_records_v15",
        "CREATE INDEX changes_area ON changes(area)",
        "CREATE INDEX changes_family ON changes(family)",
        "CREATE INDEX changes_record ON changes(record_id)",
        "CREATE INDEX merged_records_type ON merged_records(record_type, status)",
        """
        CREATE TABLE dots (replica TEXT NOT NULL, counter BIGINT NOT NULL, region TEXT NOT NULL, digest TEXT NOT NULL,
            PRIMARY KEY (replica, counter))
        """,
        "INSERT INTO dots (replica, counter, region, digest) SELECT replica, counter, region, digest FROM changes",
    ]
}

/// The partition key: the kabupaten/kota of an area, its 4-digit Kemendagri code (`3374` for
/// `33.74.11.1006`, and for a store's region path of before codes, `3374/banyumanik/…`);
/// `0000` for an area that names none (a record that has none).
enum RegionPartition {
    static let unknown = "0000"

    static func key(of area: String) -> String {
        let bytes = Array(area.utf8.prefix(5))
        func digit(_ index: Int) -> Bool { index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) }
        if bytes.count == 5, digit(0), digit(1), bytes[2] == UInt8(ascii: "."), digit(3), digit(4) {
            return String(decoding: [bytes[0], bytes[1], bytes[3], bytes[4]], as: UTF8.self)
        }
        if (0..<4).allSatisfy(digit), bytes.count == 4 || bytes[4] == UInt8(ascii: "/") {
            return String(decoding: bytes[0..<4], as: UTF8.self)
        }
        return unknown
    }
}
