/// The server's schema as named migrations, the same text on SQLite and PostgreSQL. A released
/// migration is never edited; changes come as new ones.
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
    ]
}
