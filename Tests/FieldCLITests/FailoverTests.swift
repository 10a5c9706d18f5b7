import Foundation
import Glibc
import Testing

/// PostgreSQL made highly available by pg_auto_failover (Debian's `postgresql-15-auto-failover`
/// and `pg-auto-failover-cli`): a monitor, a primary and a standby with synchronous replication,
/// all on loopback ports, started by the test as the `postgres` user and stopped after it. The
/// primary is killed (`kill -9`, keeper and PostgreSQL) while a laptop pushes 5,000 households;
/// the standby is promoted, the server reaches it without a restart (its URL names both hosts),
/// the laptop's next sync completes, and every change the old primary had committed is on the
/// new one. Needs root (for `runuser`) and Debian's `postgresql-15-auto-failover` and
/// `pg-auto-failover-cli`; runs on demand only (`FIELDSYNC_FAILOVER=1`), not yet in CI: in one of
/// its runs here the monitor failed the primary over before the kill (see the closing note).
@Suite("PostgreSQL failover under a push", .serialized)
struct FailoverTests {
    static let autoctl = "/usr/bin/pg_autoctl"
    static let postgresBin = "/usr/lib/postgresql/15/bin"
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: autoctl) }
    static var wanted: Bool { ProcessInfo.processInfo.environment["FIELDSYNC_FAILOVER"] != nil }

    /// A monitor and two nodes of one formation, in a folder of their own.
    final class Formation: @unchecked Sendable {
        let directory: URL
        let monitorPort: Int, ports: [Int]
        private var processes: [Process] = []

        init() throws {
            directory = URL(fileURLWithPath: "/tmp/fieldsync-failover-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .posixPermissions: 0o700], ofItemAtPath: directory.path)
            monitorPort = try BalancedServerTests.freePort()
            ports = [try BalancedServerTests.freePort(), try BalancedServerTests.freePort()]
            let monitor = directory.appendingPathComponent("monitor").path
            let created = try Self.asPostgres(["pg_autoctl", "create", "monitor", "--pgdata", monitor, "--pgport", String(monitorPort),
                                               "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl"])
            try #require(created.status == 0, "pg_autoctl create monitor: \(created.output)")
            processes.append(try background(["pg_autoctl", "run", "--pgdata", monitor], log: "monitor.log"))
            let monitorURL = "postgres://autoctl_node@127.0.0.1:\(monitorPort)/pg_auto_failover?sslmode=disable"
            for (index, port) in ports.enumerated() {
                processes.append(try background(["pg_autoctl", "create", "postgres", "--pgdata", node(index), "--pgport", String(port),
                                                 "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl",
                                                 "--monitor", monitorURL, "--dbname", "fieldsync", "--run"], log: "node\(index).log"))
                // The second node's base backup waits for a checkpoint on the first: ask for one.
                try waitFor(index == 0 ? ["primary", "wait_primary", "single"] : ["secondary"], node: index, nudging: index == 1)
            }
            try waitFor(["primary"], node: 0, nudging: false)
        }

        func node(_ index: Int) -> String { directory.appendingPathComponent("node\(index)").path }

        /// libpq's URL of the formation, as `pg_autoctl show uri` gives it.
        var url: String { "postgres://postgres@127.0.0.1:\(ports[0]),127.0.0.1:\(ports[1])/fieldsync?target_session_attrs=read-write" }

        /// `runuser -u postgres` of `arguments`, with the signals the test process blocks unblocked
        /// again (pg_autoctl stops its services with SIGINT; inherited, a blocked SIGINT made it
        /// wait forever).
        static func command(_ arguments: [String]) -> [String] {
            ["/usr/bin/python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "[signal.signal(s, signal.SIG_DFL) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE)]; "
                + "os.execv(sys.argv[1], sys.argv[1:])",
             "/usr/sbin/runuser", "-u", "postgres", "--", "env", "PATH=\(FailoverTests.postgresBin):/usr/bin:/bin"] + arguments
        }

        static func asPostgres(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            let command = command(arguments)
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            // A file, not a pipe: a PostgreSQL that pg_autoctl starts keeps a pipe open.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("autoctl-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: file.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: file) }
            let handle = try FileHandle(forWritingTo: file)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            return (process.terminationStatus, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
        }

        private func background(_ arguments: [String], log: String) throws -> Process {
            let process = Process()
            let command = Self.command(arguments)
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            let file = directory.appendingPathComponent(log)
            FileManager.default.createFile(atPath: file.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: file)
            process.standardError = process.standardOutput
            try process.run()
            return process
        }

        /// A query on one node through psql; nil when it cannot be reached.
        func query(_ sql: String, node index: Int) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = ["-h", "127.0.0.1", "-p", String(ports[index]), "-U", "postgres", "-d", "fieldsync", "-Atc", sql]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return process.terminationStatus == 0 ? text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }

        /// The node's state as the monitor reports it.
        func state(_ index: Int) -> String? {
            guard let result = try? Self.asPostgres(["pg_autoctl", "show", "state", "--pgdata", directory.appendingPathComponent("monitor").path, "--json"]),
                  result.status == 0, let data = result.output.data(using: .utf8),
                  let nodes = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return nil }
            return nodes.first { ($0["nodeport"] as? Int) == ports[index] }?["current_group_state"] as? String
        }

        func waitFor(_ states: Set<String>, node index: Int, nudging: Bool) throws {
            for _ in 0..<240 {
                if let state = state(index), states.contains(state) { return }
                if nudging { _ = query("CHECKPOINT", node: 0) }
                usleep(500_000)
            }
            let log = (try? String(contentsOf: directory.appendingPathComponent("node\(index).log"), encoding: .utf8)) ?? ""
            Issue.record("node \(index) never reached \(states.sorted()): \(state(index) ?? "?")\n\(log)")
            throw CLIHarnessError.serverDidNotStart("pg_auto_failover")
        }

        /// `kill -9` of a node's keeper and PostgreSQL: the machine is gone.
        func kill(node index: Int) {
            let pkill = Process()
            pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            pkill.arguments = ["-9", "-f", node(index)]
            try? pkill.run()
            pkill.waitUntilExit()
        }

        deinit {
            let pkill = Process()
            pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            pkill.arguments = ["-9", "-f", directory.path]
            try? pkill.run()
            pkill.waitUntilExit()
            // Not `waitUntilExit` on the keepers: killed, they are not always reported ended.
            usleep(500_000)
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("kill -9 of the primary during a push of 5,000 households: the standby is promoted, the server reaches it unrestarted, the next sync completes, nothing committed is lost",
          .enabled(if: wanted))
    func primaryKilledDuringPush() throws {
        try #require(Self.available, "FIELDSYNC_FAILOVER is set but pg_auto_failover or root is missing")
        let formation = try Formation()
        let directory = formation.directory.appendingPathComponent("server")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("server.key").path
        func admin(_ arguments: [String]) throws -> CLI.Result {
            let process = Process()
            process.executableURL = ServerHarness.executable
            process.arguments = arguments + ["--database", formation.url, "--key-file", key]
            process.environment = ProcessInfo.processInfo.environment.merging(["FIELD_LANG": "en"]) { $1 }
            return try CLI.capture(process)
        }
        try #require(try admin(["region", "import", CLI.semarangCSV, "--kota-code", "3374", "--kota-name", "Kota Semarang"]).status == 0)
        let added = try admin(["agent", "add", "--id", "A-SITI", "--name", "Siti", "--role", "psm", "--area", "33.74.11.1006"])
        let code = try #require(added.stdout.range(of: #"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"#, options: .regularExpression).map { String(added.stdout[$0]) })
        let (server, url) = try ServerHarness.launch(database: formation.url, port: 0, in: directory, extra: ["--key-file", key])
        defer {
            server.terminate()
            for _ in 0..<100 where server.isRunning { usleep(100_000) }
            #expect(!server.isRunning, "the server stops on SIGTERM, its dead primary's pool notwithstanding")
            if server.isRunning { Glibc.kill(server.processIdentifier, SIGKILL) }
        }
        let siti = try CLI.enrolled(via: url, code: code, agent: "A-SITI")
        let written = try siti.run("_stress-write", "--count", "5000", "--members", "0")
        try #require(written.status == 0, "\(written.stderr)")

        // The push starts; once the primary holds part of it, the primary's machine dies.
        let sync = siti.process(["sync", "--json"])
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = FileHandle.nullDevice
        try sync.run()
        let households = "SELECT COUNT(DISTINCT record_id) FROM changes WHERE record_type = 'household'"
        var committed = 0
        for _ in 0..<600 {
            committed = Int(formation.query(households, node: 0) ?? "") ?? 0
            if committed > 0 { break }
            usleep(50_000)
        }
        try #require(committed > 0, "the push reached the primary")
        committed = Int(formation.query(households, node: 0) ?? "") ?? committed
        let killed = Date()
        formation.kill(node: 0)
        sync.waitUntilExit()

        // The standby takes over; the server finds it by itself.
        var promoted: Double?
        for _ in 0..<240 {
            if formation.query("SELECT pg_is_in_recovery()", node: 1) == "f" { promoted = Date().timeIntervalSince(killed); break }
            usleep(250_000)
        }
        let promotedAfter = try #require(promoted, "the standby was not promoted")
        let kept = Int(formation.query(households, node: 1) ?? "") ?? 0
        #expect(kept >= committed, "every household the old primary had committed (\(committed)) is on the new one (\(kept))")
        var served: Double?
        for _ in 0..<60 {
            if try siti.run("sync", "--json").status == 0 { served = Date().timeIntervalSince(killed); break }
            usleep(500_000)
        }
        let servedAfter = try #require(served, "the laptop's sync never completed after the failover")
        #expect(formation.query(households, node: 1) == "5000", "all 5,000 households are on the new primary")
        #expect(server.isRunning, "the server was not restarted")
        print("failover: standby promoted \(String(format: "%.1f", promotedAfter)) s after kill -9; sync served again after \(String(format: "%.1f", servedAfter)) s; \(committed) households committed before the kill, \(kept) on the new primary at once")
    }
}
