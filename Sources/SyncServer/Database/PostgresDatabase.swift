import FieldModels
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The production store: PostgreSQL through PostgresNIO's connection pool. A push takes
/// transaction-scoped advisory locks on the replicas and records it writes
/// (`ServerStore.writeLocks`), so pushes about different replicas and records commit in parallel.
///
/// The URL may name several hosts, as libpq and `pg_autoctl show uri` write it
/// (`postgres://h1:5432,h2:5432/fieldsync?target_session_attrs=read-write`): PostgresNIO connects
/// to one host, so the store keeps a pool for each and writes through the one that is not in
/// recovery (the primary). When the primary is lost (the connection fails, or the host turns
/// out to be read-only after a failover) the store asks every host again on the next request,
/// so a standby promoted by pg_auto_failover is reached without restarting the server. A
/// transaction cut by the loss was never committed, and its request fails: the laptop sends it
/// again.
final class PostgresDatabase: SQLDatabase {
    let dialect = SQLDialect.postgres
    /// One pool per host, in the order the URL names them.
    let clients: [PostgresClient]
    let hosts: [String]
    /// A connection of its own to each host, to ask whether it is in recovery: a pool whose
    /// host is gone keeps a request waiting through its retries, a lone connection fails at once.
    private let probes: [PostgresConnection.Configuration]
    private let runners: [Task<Void, Never>]
    private let primary = PrimaryChoice()

    /// The first host's pool (one-host URLs, and tests that speak to PostgreSQL directly).
    var client: PostgresClient { clients[0] }

    /// From a URL: `postgres://user[:password]@host[:port][,host[:port]…]/database`. Returns once
    /// the pools' run loops have started, so the first query does not find them idle.
    init(url: String, logger: Logger) async throws {
        let parsed = try Self.parse(url)
        let tls = try Self.tls(parsed.components)
        var clients: [PostgresClient] = []
        var probes: [PostgresConnection.Configuration] = []
        let probeTLS: PostgresConnection.Configuration.TLS = try tls.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        let user = parsed.components.user ?? "postgres", password = parsed.components.password
        for (host, port) in parsed.hosts {
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: parsed.database, tls: tls.map { .require($0) } ?? .disable)
            configuration.options.maximumConnections = 10
            configuration.options.connectTimeout = .seconds(3)
            clients.append(PostgresClient(configuration: configuration, backgroundLogger: logger))
            var probe = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                         database: parsed.database, tls: probeTLS)
            probe.options.connectTimeout = TimeAmount.seconds(5)
            probes.append(probe)
        }
        self.clients = clients
        self.probes = probes
        hosts = parsed.hosts.map { "\($0.host):\($0.port)" }
        var runners: [Task<Void, Never>] = []
        for client in clients {
            await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                runners.append(Task {
                    // `run()` marks the client running before its first suspension.
                    started.resume()
                    await client.run()
                })
            }
        }
        self.runners = runners
    }

    /// The parts of a URL with one or several hosts.
    static func parse(_ url: String) throws -> (components: URLComponents, hosts: [(host: String, port: Int)], database: String?) {
        let unrecognised = ServerError.badConfiguration(LocalizedText(
            id: "URL basis data tidak dikenali: pakai postgres://pengguna@host:port/nama (beberapa host: host1:port,host2:port)",
            en: "Unrecognised database URL: use postgres://user@host:port/name (several hosts: host1:port,host2:port)"))
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(String(url[..<schemeEnd.lowerBound])) else { throw unrecognised }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let userInfo = authority.lastIndex(of: "@").map { String(authority[..<$0]) }
        let hostList = authority.lastIndex(of: "@").map { String(authority[authority.index(after: $0)...]) } ?? String(authority)
        var hosts: [(String, Int)] = []
        for entry in hostList.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard let host = parts.first, !host.isEmpty else { throw unrecognised }
            guard parts.count == 1 || Int(parts[1]) != nil else { throw unrecognised }
            hosts.append((host, parts.count == 2 ? Int(parts[1])! : 5432))
        }
        // The first host stands for all in URLComponents, which reads the user, path and query.
        let single = "postgres://" + (userInfo.map { $0 + "@" } ?? "") + hosts[0].0 + ":\(hosts[0].1)" + rest[authorityEnd...]
        guard let components = URLComponents(string: single), !hosts.isEmpty else { throw unrecognised }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let attributes = items["target_session_attrs"], !["read-write", "any", "primary"].contains(attributes) {
            throw ServerError.badConfiguration(LocalizedText(
                id: "target_session_attrs=\(attributes) tidak didukung: server selalu menulis ke primary (read-write).",
                en: "target_session_attrs=\(attributes) is not supported: the server always writes to the primary (read-write)."))
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        return (components, hosts, database.isEmpty ? nil : database)
    }

    /// The pool of the host that is not in recovery, asked of every host in turn when not known
    /// (three rounds a second apart: a standby being promoted gets a moment).
    func primaryClient() async throws -> (index: Int, client: PostgresClient) {
        if let known = await primary.index { return (known, clients[known]) }
        if clients.count == 1 { return (0, clients[0]) }
        for round in 0..<3 {
            if round > 0 { try await Task.sleep(for: .seconds(1)) }
            for index in clients.indices where await inRecovery(host: index) == false {
                await primary.choose(index)
                return (index, clients[index])
            }
        }
        throw ServerError(.internal, .serviceUnavailable,
                          id: "Basis data tidak punya primary yang bisa ditulis saat ini (\(hosts.joined(separator: ", "))); coba lagi sebentar lagi.",
                          en: "The database has no writable primary right now (\(hosts.joined(separator: ", "))); try again shortly.")
    }

    /// Whether a host is in recovery (a standby), through a connection of its own; nil when it
    /// cannot be reached.
    func inRecovery(host index: Int) async -> Bool? {
        let logger = Logger(label: "fieldsync.server.postgres")
        guard let connection = try? await PostgresConnection.connect(configuration: probes[index], id: index, logger: logger) else { return nil }
        var answer: Bool?
        if let rows = try? await connection.query("SELECT pg_is_in_recovery()", logger: logger) {
            do {
                for try await standby in rows.decode(Bool.self) { answer = standby }
            } catch {
                answer = nil
            }
        }
        try? await connection.close()
        return answer
    }

    /// Whether `error` means the host written to is no longer the primary: the connection
    /// failed or closed, the server is shutting down or starting, or it is read-only now.
    static func losesPrimary(_ error: any Error) -> Bool {
        if error is HostUnreachable { return true }
        guard let failure = error as? PSQLError else { return false }
        guard let state = failure.serverInfo?[.sqlState] else { return true }
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "25006"
    }

    /// TLS to the database as libpq's `sslmode` in the URL says: `disable` (the default),
    /// `require` (encrypted, server not verified), or `verify-full` (encrypted, the server's
    /// certificate checked against the system's CAs or `sslrootcert=FILE`, and its name).
    static func tls(_ components: URLComponents) throws -> TLSConfiguration? {
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        switch items["sslmode"] ?? "disable" {
        case "disable":
            return nil
        case "require":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return tls
        case "verify-full":
            var tls = TLSConfiguration.makeClientConfiguration()
            if let root = items["sslrootcert"], !root.isEmpty { tls.trustRoots = .file(root) }
            return tls
        case let other:
            throw ServerError.badConfiguration(LocalizedText(
                id: "sslmode=\(other) tidak dikenal: pakai disable, require atau verify-full (dengan sslrootcert=BERKAS bila CA sendiri).",
                en: "sslmode=\(other) is unknown: use disable, require or verify-full (with sslrootcert=FILE for your own CA)."))
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        let (index, client) = try await primaryClient()
        do {
            guard clients.count > 1 else { return try await Self.transaction(on: client, body) }
            // With several hosts a dead primary must not hold a request for the pool's minute
            // of retries: no connection within 10 s counts as the primary lost.
            return try await Self.transaction(on: client, connectWithin: .seconds(10), body)
        } catch {
            if clients.count > 1, Self.losesPrimary(error) { await primary.forget(index) }
            throw error
        }
    }

    /// A transaction on one host's pool, whichever role it has.
    static func transaction<T: Sendable>(on client: PostgresClient, _ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await transaction(on: connection, body) }
    }

    /// `body` in one transaction on a leased connection: committed when it returns, rolled back
    /// when it throws.
    static func transaction<T: Sendable>(on connection: PostgresConnection, _ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
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

    /// One statement on one host's pool (a standby's replay position), given up after `limit`:
    /// a pool whose host is gone keeps retrying for a minute.
    static func rows(on client: PostgresClient, _ sql: String, within limit: Duration = .seconds(3)) async throws -> [SQLRow] {
        try await transaction(on: client, connectWithin: limit) { db in try await db.query(sql) }
    }

    /// Runs one statement outside any transaction (CREATE DATABASE and the like).
    func executeAlone(_ sql: String) async throws {
        try await primaryClient().client.withConnection { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "fieldsync.server.postgres"))
        }
    }

    /// Stops the pools, waiting at most a few seconds: a pool whose host is gone (a killed
    /// primary) may keep trying to connect, and must not hold up the server's shutdown.
    func close() async {
        for runner in runners { runner.cancel() }
        let stopped = StopFlag()
        let runners = runners
        Task {
            for runner in runners { _ = await runner.value }
            await stopped.set()
        }
        for _ in 0..<100 where !(await stopped.value) { try? await Task.sleep(for: .milliseconds(50)) }
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

/// Which host is the primary, once known; forgotten when it is lost.
private actor PrimaryChoice {
    private(set) var index: Int?

    func choose(_ chosen: Int) { index = chosen }

    /// Forgets `lost` (not a newer choice another request already made).
    func forget(_ lost: Int) { if index == lost { index = nil } }
}

private actor StopFlag {
    private(set) var value = false
    func set() { value = true }
}
