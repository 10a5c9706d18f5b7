import FieldModels
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The production store: PostgreSQL through PostgresNIO's connection pool. A push takes
/// transaction-scoped advisory locks on the replicas and records it writes
/// (`ServerStore.writeLocks`), so pushes about different replicas and records commit in parallel.
final class PostgresDatabase: SQLDatabase {
    let dialect = SQLDialect.postgres
    let client: PostgresClient
    private let runner: Task<Void, Never>

    /// From a URL: `postgres://user[:password]@host[:port]/database`. Returns once the pool's
    /// run loop has started, so the first query does not find it idle (PostgresNIO warns then).
    init(url: String, logger: Logger) async throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty else {
            throw ServerError.badConfiguration(LocalizedText(
                id: "URL basis data tidak dikenali: pakai postgres://pengguna@host:port/nama", en: "Unrecognised database URL: use postgres://user@host:port/name"))
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: try Self.tls(components))
        configuration.options.maximumConnections = 10
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = client
        var runner: Task<Void, Never>?
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            runner = Task {
                // `run()` marks the client running before its first suspension.
                started.resume()
                await client.run()
            }
        }
        self.runner = runner!
    }

    /// TLS to the database as libpq's `sslmode` in the URL says: `disable` (the default),
    /// `require` (encrypted, server not verified), or `verify-full` (encrypted, the server's
    /// certificate checked against the system's CAs or `sslrootcert=FILE`, and its name).
    static func tls(_ components: URLComponents) throws -> PostgresClient.Configuration.TLS {
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        switch items["sslmode"] ?? "disable" {
        case "disable":
            return .disable
        case "require":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(tls)
        case "verify-full":
            var tls = TLSConfiguration.makeClientConfiguration()
            if let root = items["sslrootcert"], !root.isEmpty { tls.trustRoots = .file(root) }
            return .require(tls)
        case let other:
            throw ServerError.badConfiguration(LocalizedText(
                id: "sslmode=\(other) tidak dikenal: pakai disable, require atau verify-full (dengan sslrootcert=BERKAS bila CA sendiri).",
                en: "sslmode=\(other) is unknown: use disable, require or verify-full (with sslrootcert=FILE for your own CA)."))
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let wrapped = Connection(connection: connection)
            try await wrapped.execute("BEGIN")
            do {
                let result = try await body(wrapped)
                try await wrapped.execute("COMMIT")
                return result
            } catch {
                try? await wrapped.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement outside any transaction (CREATE DATABASE and the like).
    func executeAlone(_ sql: String) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "fieldsync.server.postgres"))
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    private struct Connection: SQLConnection {
        let connection: PostgresConnection
        private static let logger = Logger(label: "fieldsync.server.postgres")

        func execute(_ sql: String, _ binds: [SQLValue]) async throws {
            _ = try await query(sql, binds)
        }

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            var bindings = PostgresBindings(capacity: binds.count)
            for value in binds {
                switch value {
                case .null: bindings.appendNull()
                case .int(let int): bindings.append(int)
                case .text(let text): bindings.append(text)
                case .bytes(let data): bindings.append(ByteBuffer(bytes: data))
                }
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings), logger: Self.logger)
            var out: [SQLRow] = []
            for try await row in rows {
                var values: [String: SQLValue] = [:]
                for cell in row {
                    guard cell.bytes != nil else {
                        values[cell.columnName] = .null
                        continue
                    }
                    switch cell.dataType {
                    case .int2, .int4, .int8, .numeric: values[cell.columnName] = .int(try cell.decode(Int64.self))
                    case .bool: values[cell.columnName] = .int(try cell.decode(Bool.self) ? 1 : 0)
                    case .bytea: values[cell.columnName] = .bytes(Data(try cell.decode(ByteBuffer.self).readableBytesView))
                    default: values[cell.columnName] = .text(try cell.decode(String.self))
                    }
                }
                out.append(SQLRow(values: values))
            }
            return out
        }

        /// `?` placeholders as PostgreSQL's `$1, $2, …`.
        static func numbered(_ sql: String) -> String {
            var out = ""
            var index = 0
            for character in sql {
                if character == "?" {
                    index += 1
                    out += "$\(index)"
                } else {
                    out.append(character)
                }
            }
            return out
        }
    }
}
