import Foundation
import Logging
@testable import SyncServer
import Testing

/// PostgreSQL connections that require TLS (`sslmode` in the URL, as libpq reads it).
@Suite("PostgreSQL over TLS")
struct PostgresTLSTests {
    static let ca = ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_CA"] ?? ""

    /// Whether the store's own connection is encrypted, as the server sees it.
    static let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-pgtls-\(UUID().uuidString).key").path

    static func encrypted(_ location: String) async throws -> Bool {
        let store = try await ServerStore.open(location, logger: Logger(label: "test"), keyFile: keyFile)
        do {
            let rows = try await store.database.transaction { db in
                try await db.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            }
            await store.database.close()
            return try rows.first?.int("ssl") == 1
        } catch {
            await store.database.close()
            throw error
        }
    }

    @Test("sslmode=verify-full with the server's CA and sslmode=require encrypt; disable does not; an unknown mode is refused",
          .enabled(if: StoreKind.available.contains(.postgres) && !PostgresTLSTests.ca.isEmpty))
    func sslModes() async throws {
        let location = try await StoreKind.postgres.freshLocation()
        #expect(try await Self.encrypted(location + "?sslmode=verify-full&sslrootcert=" + Self.ca))
        #expect(try await Self.encrypted(location + "?sslmode=require"))
        #expect(try await !Self.encrypted(location))
        await #expect(throws: ServerError.self) { _ = try await Self.encrypted(location + "?sslmode=sometimes") }
    }
}
