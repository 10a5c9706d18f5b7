import Foundation
import Glibc
import Logging
@testable import SyncServer
import SyncTestSupport
import Testing

/// A real `field-server serve` on loopback, on a store of its own: the embedded SQLite file,
/// or a fresh database on the PostgreSQL named by `FIELDSYNC_POSTGRES_URL`.
final class ServerHarness: @unchecked Sendable {
    // Set up in init; `process` changes only on restart.
    private(set) var process: Process
    let database: String
    let url: String
    let directory: URL
    /// Options `serve` runs with besides the store and port (`--tls-cert`, `--tls-key`).
    let serveArguments: [String]
    /// The network namespace the server runs in (its own loopback), if not this one.
    let namespace: String?

    enum Store: String, CaseIterable, Sendable {
        case sqlite, postgres

        static var available: [Store] {
            (ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"] ?? "").isEmpty ? [.sqlite] : [.sqlite, .postgres]
        }
    }

    static let executable = CLI.executable.deletingLastPathComponent().appendingPathComponent("field-server")

    /// The key that seals the store's sensitive values.
    var keyFile: String { directory.appendingPathComponent("server.key").path }
    /// What the server wrote on stderr.
    var logFile: URL { directory.appendingPathComponent("server.log") }

    /// `copying` names a SQLite store and its key file to start from (a copy; the originals are
    /// not touched), for a store an earlier version made.
    /// `database` names a store the test started itself (a PostgreSQL cluster of its own), used
    /// instead of a new one of `store`'s kind; `directory` where the key and log go.
    init(_ store: Store, serveArguments: [String] = [], loadRegions: Bool = true, copying seed: (store: URL, key: URL)? = nil,
         namespace: String? = nil, database given: String? = nil, directory folder: URL? = nil) throws {
        self.namespace = namespace
        directory = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let seed {
            precondition(store == .sqlite, "a seed store is a SQLite file")
            // Owner-only, as the server made them (a clone gives every file mode 644).
            for (from, name) in [(seed.store, "server.sqlite"), (seed.key, "server.key")] {
                let copy = directory.appendingPathComponent(name)
                try FileManager.default.copyItem(at: from, to: copy)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy.path)
            }
        }
        switch store {
        case _ where given != nil:
            database = given!
        case .sqlite:
            database = directory.appendingPathComponent("server.sqlite").path
        case .postgres:
            database = try Self.freshPostgresDatabase()
        }
        self.serveArguments = serveArguments + ["--key-file", directory.appendingPathComponent("server.key").path]
        (process, url) = try Self.launch(database: database, port: 0, in: directory, extra: self.serveArguments, namespace: namespace)
        // Areas are checked against the region table, as a Dinas sets it up.
        guard loadRegions else { return }
        let regions = try admin("region", "import", CLI.semarangCSV, "--kota-code", "3374", "--kota-name", "Kota Semarang")
        guard regions.status == 0 else { throw CLIHarnessError.adminFailed(regions.stdout + regions.stderr) }
    }

    /// A new, empty database on the PostgreSQL named by `FIELDSYNC_POSTGRES_URL`; its URL.
    static func freshPostgresDatabase() throws -> String {
        let admin = ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"]!
        let name = "fieldsync_live_" + UUID().uuidString.prefix(8).lowercased()
        var components = URLComponents(string: admin)!
        let create = Process()
        create.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        create.arguments = ["createdb", "-h", components.host!, "-p", String(components.port!), "-U", components.user!, name]
        try create.run()
        create.waitUntilExit()
        try #require(create.terminationStatus == 0, "createdb \(name)")
        components.path = "/" + name
        return components.string!
    }

    /// Starts `field-server serve` and waits for the line that gives its address.
    static func launch(database: String, port: Int, in directory: URL, extra: [String] = [],
                       namespace: String? = nil) throws -> (Process, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--database", database, "--port", String(port)] + extra
        if let namespace { Self.enter(namespace, process) }
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        let log = directory.appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let errors = try FileHandle(forWritingTo: log)
        errors.seekToEndOfFile()
        process.standardError = errors
        try process.run()
        return (process, try address(printedBy: process, on: out) { (try? String(contentsOf: log, encoding: .utf8)) ?? "" })
    }

    /// Runs `process` in network namespace `name` (`ip netns exec` replaces itself with it, so
    /// the process id and signals are the program's own).
    static func enter(_ name: String, _ process: Process) {
        process.arguments = ["netns", "exec", name, process.executableURL!.path] + (process.arguments ?? [])
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
    }

    /// The loopback address a server process prints on its first line; the process is stopped
    /// and the error tells what it printed (and `more`) when there is none.
    static func address(printedBy process: Process, on out: Pipe, more: () -> String = { "" }) throws -> String {
        var seen = ""
        while !seen.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = seen.range(of: #"https?://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            process.terminate()
            process.waitUntilExit()
            throw CLIHarnessError.serverDidNotStart(seen + more())
        }
        // Its log lines go to stdout too: read on, or a full pipe stops the server mid-write
        // (it did during a failover, logging each failed connection to the dead primary).
        let reader = out.fileHandleForReading
        Thread.detachNewThread {
            while !reader.availableData.isEmpty {}
        }
        return String(seen[range])
    }

    /// Starts the server again on the same store and port, after `stop` or `kill`.
    func restart() throws {
        precondition(!process.isRunning)
        var lastError: Error?
        // The port can linger for a moment after a kill.
        for _ in 0..<50 {
            do {
                let (started, address) = try Self.launch(database: database, port: port, in: directory, extra: serveArguments,
                                                         namespace: namespace)
                precondition(address == url)
                process = started
                return
            } catch {
                lastError = error
                usleep(100_000)
            }
        }
        throw lastError!
    }

    /// Sends `signal` and waits for the server to end; returns how it ended.
    func kill(_ signal: Int32) -> (status: Int32, signalled: Bool) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// The server's own store, opened beside the running server for inspection.
    func openStore() async throws -> ServerStore {
        try await ServerStore.open(database, logger: Logger(label: "test.inspect"), keyFile: keyFile)
    }

    var port: Int { Int(url.split(separator: ":").last!)! }

    /// Runs an operator command (`agent add …`) on the same store.
    @discardableResult
    func admin(_ arguments: String...) throws -> CLI.Result { try admin(arguments) }

    @discardableResult
    func admin(_ arguments: [String], env extra: [String: String] = [:]) throws -> CLI.Result {
        let admin = Process()
        admin.executableURL = Self.executable
        admin.arguments = arguments + ["--database", database, "--key-file", keyFile]
        var env = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        env["FIELD_LANG"] = "en"
        admin.environment = env
        return try CLI.capture(admin)
    }

    /// Adds an agent and returns its one-time enrolment code.
    func addAgent(id: String, role: String, area: String, families: String? = nil) throws -> String {
        let result = try admin(["agent", "add", "--id", id, "--name", "Petugas \(id)", "--role", role, "--area", area]
                               + (families.map { ["--families", $0] } ?? []))
        guard result.status == 0, let range = result.stdout.range(of: #"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"#, options: .regularExpression) else {
            throw CLIHarnessError.adminFailed(result.stdout + result.stderr)
        }
        return String(result.stdout[range])
    }

    /// SIGTERM, then at most `limit` seconds for the server to end (read from /proc), SIGKILL
    /// after that; how long it took, nil when it had to be killed.
    func stop(within limit: TimeInterval) -> TimeInterval? {
        let asked = Date()
        process.terminate()
        while !PostgresTools.ended(process.processIdentifier) && Date().timeIntervalSince(asked) < limit { usleep(100_000) }
        let took = Date().timeIntervalSince(asked)
        guard PostgresTools.ended(process.processIdentifier) else {
            Glibc.kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return took
    }

    /// SIGTERM, then waits: the graceful shutdown.
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { _ = stop() }
}

enum CLIHarnessError: Error {
    case serverDidNotStart(String)
    case adminFailed(String)
}

extension CLI {
    /// A laptop for `agent` in `area`, enrolled with `server`.
    static func enrolled(_ server: ServerHarness, agent: String, role: String = "psm", area: String, kelurahan: String,
                         families: String? = nil) throws -> CLI {
        let code = try server.addAgent(id: agent, role: role, area: area, families: families)
        var cli = try CLI()
        cli.namespace = server.namespace
        try #require(try cli.run("init", "--name", agent, "--role", "psm", "--area", kelurahan, "--regions", semarangCSV,
                                 "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10").status == 0)
        let enrolled = try cli.run("enroll", "--server", server.url, "--code", code)
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
        return cli
    }

    /// `field sync`, expecting success.
    @discardableResult
    func sync(_ extra: String..., env: [String: String] = [:]) throws -> CLI.Result {
        let result = try run(["sync", "--json"] + extra, env: env)
        #expect(result.status == 0, "field sync: \(result.stderr)")
        return result
    }
}
