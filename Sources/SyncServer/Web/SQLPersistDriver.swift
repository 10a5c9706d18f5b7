import Crypto
import Foundation
import Hummingbird
import SyncEngine

/// Hummingbird's key/value store (`PersistDriver`) over the server's own database, for the
/// sessions of the Dinas pages: they live in the store, not in one process, so any server
/// process behind a balancer answers any request. Keys are kept as SHA-256 digests, so the
/// table never holds a session cookie's value; expired entries read as absent and are swept.
struct SQLPersistDriver: PersistDriver {
    let database: any SQLDatabase
    /// Milliseconds since 1970.
    let now: @Sendable () -> Int64

    private static func stored(_ key: String) -> String { Data(SHA256.hash(data: Data(key.utf8))).hex }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let at = now()
        try await database.transaction { db in
            if let row = try await db.query("SELECT expires_at FROM web_store WHERE key = ?", [.text(Self.stored(key))]).first,
               (row["expires_at"].integer ?? .max) > at {
                throw PersistError.duplicate
            }
            try await db.execute("""
                INSERT INTO web_store (key, value, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
                """, [.text(Self.stored(key)), .text(json), expires.map { .int(at + Self.milliseconds($0)) } ?? .null])
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let at = now()
        try await database.transaction { db in
            try await db.execute("DELETE FROM web_store WHERE expires_at < ?", [.int(at)])
            try await db.execute("""
                INSERT INTO web_store (key, value, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = COALESCE(excluded.expires_at, web_store.expires_at)
                """, [.text(Self.stored(key)), .text(json), expires.map { .int(at + Self.milliseconds($0)) } ?? .null])
        }
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let at = now()
        guard let row = try await database.transaction({ db in
            try await db.query("SELECT value, expires_at FROM web_store WHERE key = ?", [.text(Self.stored(key))]).first
        }) else { return nil }
        let expires = row["expires_at"].integer
        if let expires, expires <= at { return nil }
        guard let object = try? JSONDecoder().decode(type, from: Data(try row.text("value").utf8)) else { throw PersistError.invalidConversion }
        return (object, expires.map { .milliseconds($0 - at) })
    }

    func remove(key: String) async throws {
        try await database.transaction { db in try await db.execute("DELETE FROM web_store WHERE key = ?", [.text(Self.stored(key))]) }
    }

    func run() async throws {}
}
