import Foundation
import Glibc
import SyncTestSupport
import Testing

/// PostgreSQL made highly available by pg_auto_failover (Debian's `postgresql-15-auto-failover`
/// and `pg-auto-failover-cli`): a monitor, a primary and a standby with synchronous replication,
/// all on loopback ports, started by the test as the `postgres` user and stopped after it. The
/// primary is killed (`kill -9`, keeper and PostgreSQL) while a laptop pushes 5,000 households;
/// the standby is promoted, the server reaches it without a restart (its URL names both hosts),
/// the laptop's next sync completes, and every change the old primary had committed is on the
/// new one. The times are printed: promotion, and the first batch stored on the new primary.
/// Needs root (for `runuser`) and Debian's `postgresql-15-auto-failover` and
/// `pg-auto-failover-cli` (`scripts/install-deps`); CI requires it (`FIELDSYNC_REQUIRE_FAILOVER`),
/// elsewhere `FIELDSYNC_FAILOVER=1` runs it; `FIELDSYNC_KEEP_FAILOVER=1` keeps the logs.
@Suite("PostgreSQL failover under a push", .serialized)
struct FailoverTests {
    static let autoctl = "/usr/bin/pg_autoctl"
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: autoctl) }
    static var wanted: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["FIELDSYNC_FAILOVER"] != nil || environment["FIELDSYNC_REQUIRE_FAILOVER"] != nil
    }

    /// A monitor and two nodes of one formation, in a folder of their own.
    final class Formation: @unchecked Sendable {
        let directory: URL
        let monitorPort: Int, ports: [Int]
        /// The monitor's and each node's `pg_autoctl` as spawned (the roots of their process trees).
        private var monitorProcess: pid_t = 0
        private var nodeProcesses: [pid_t] = []

        init() throws {
            directory = try PostgresTools.folder("fieldsync-failover")
            monitorPort = try PostgresTools.freePort()
            ports = [try PostgresTools.freePort(), try PostgresTools.freePort()]
            let monitor = directory.appendingPathComponent("monitor").path
            let created = try PostgresTools.run(["pg_autoctl", "create", "monitor", "--pgdata", monitor, "--pgport", String(monitorPort),
                                               "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl"])
            try #require(created.status == 0, "pg_autoctl create monitor: \(created.output)")
            // The monitor's health checks, shortened from their defaults (a check every 5 s, a
            // node unhealthy after 20 s, 30 s for a lost primary to demote): about 10 s from a
            // dead primary to a promoted standby instead of about a minute.
            try Self.tune(monitor)
            monitorProcess = try background(["pg_autoctl", "run", "--pgdata", monitor], log: "monitor.log")
            let monitorURL = "postgres://autoctl_node@127.0.0.1:\(monitorPort)/pg_auto_failover?sslmode=disable"
            for (index, port) in ports.enumerated() {
                nodeProcesses.append(try background(["pg_autoctl", "create", "postgres", "--pgdata", node(index), "--pgport", String(port),
                                                 "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl",
                                                 "--monitor", monitorURL, "--dbname", "fieldsync", "--run"], log: "node\(index).log"))
                // The second node's base backup waits for a checkpoint on the first: ask for one.
                try waitFor(index == 0 ? ["primary", "wait_primary", "single"] : ["secondary"], node: index, nudging: index == 1)
            }
            try waitFor(["primary"], node: 0, nudging: false)
        }

        static func tune(_ monitor: String) throws {
            let settings = ["health_check_period = 1000", "health_check_timeout = 1000", "health_check_max_retries = 1",
                            "health_check_retry_delay = 500", "node_considered_unhealthy_timeout = 4000", "primary_demote_timeout = 4000"]
            let file = URL(fileURLWithPath: monitor).appendingPathComponent("postgresql.conf")
            let handle = try FileHandle(forWritingTo: file)
            handle.seekToEndOfFile()
            handle.write(Data(("\n" + settings.map { "pgautofailover." + $0 }.joined(separator: "\n") + "\n").utf8))
            try handle.close()
        }

        func node(_ index: Int) -> String { directory.appendingPathComponent("node\(index)").path }

        /// libpq's URL of the formation, as `pg_autoctl show uri` gives it.
        var url: String { "postgres://postgres@127.0.0.1:\(ports[0]),127.0.0.1:\(ports[1])/fieldsync?target_session_attrs=read-write" }

        private func background(_ arguments: [String], log: String) throws -> pid_t {
            try PostgresTools.spawn(PostgresTools.command(arguments), output: directory.appendingPathComponent(log).path)
        }

        /// A query on one node through psql; nil when it cannot be reached.
        func query(_ sql: String, node index: Int) -> String? {
            PostgresTools.query(sql, port: ports[index], user: "postgres", database: "fieldsync")
        }

        /// The node's state as the monitor reports it.
        func state(_ index: Int) -> String? {
            guard let result = try? PostgresTools.run(["pg_autoctl", "show", "state", "--pgdata", directory.appendingPathComponent("monitor").path, "--json"]),
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
        func kill(node index: Int) { PostgresTools.killTree(nodeProcesses[index]) }

        deinit {
            for pid in nodeProcesses + [monitorProcess] where pid > 0 { PostgresTools.killTree(pid) }
            if ProcessInfo.processInfo.environment["FIELDSYNC_KEEP_FAILOVER"] == nil { try? FileManager.default.removeItem(at: directory) }
            try? FileManager.default.removeItem(atPath: "/tmp/pg_autoctl" + directory.path)
        }
    }

    @Test("kill -9 of the primary during a push of 5,000 households: the standby is promoted, the server reaches it unrestarted, the next sync completes, nothing committed is lost",
          .enabled(if: wanted))
    func primaryKilledDuringPush() throws {
        try #require(Self.available, "the failover test is asked for but pg_auto_failover (scripts/install-deps) or root is missing")
        let formation = try Formation()
        let directory = formation.directory.appendingPathComponent("server")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try ServerHarness(.postgres, database: formation.url, directory: directory)
        let code = try server.addAgent(id: "A-SITI", role: "psm", area: "33.74.11.1006")
        let url = server.url
        defer {
            let stopped = server.stop(within: 30)
            #expect(stopped.map { $0 < 15 } == true, "the server stops on SIGTERM, its dead primary's pool notwithstanding (\(stopped.map { String(format: "%.1f", $0) } ?? "killed after 30") s)")
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

        // The standby takes over while the laptop's sync retries; the server finds it by itself.
        var promoted: Double?
        for _ in 0..<480 {
            if formation.query("SELECT pg_is_in_recovery()", node: 1) == "f" { promoted = Date().timeIntervalSince(killed); break }
            usleep(125_000)
        }
        // Service is back when the new primary takes the laptop's next batch.
        let before = Int(formation.query(households, node: 1) ?? "") ?? 0
        var resumed: Double?
        for _ in 0..<1200 where sync.isRunning {
            if Int(formation.query(households, node: 1) ?? "") ?? 0 > before { resumed = Date().timeIntervalSince(killed); break }
            usleep(50_000)
        }
        sync.waitUntilExit()
        let interrupted = (status: sync.terminationStatus, after: Date().timeIntervalSince(killed))
        let promotedAfter = try #require(promoted, "the standby was not promoted")
        let kept = Int(formation.query(households, node: 1) ?? "") ?? 0
        #expect(kept >= committed, "every household the old primary had committed (\(committed)) is on the new one (\(kept))")
        var served: Double? = interrupted.status == 0 ? interrupted.after : nil
        for _ in 0..<60 where served == nil {
            if try siti.run("sync", "--json").status == 0 { served = Date().timeIntervalSince(killed); break }
            usleep(500_000)
        }
        let servedAfter = try #require(served, "the laptop's sync never completed after the failover")
        #expect(formation.query(households, node: 1) == "5000", "all 5,000 households are on the new primary")
        #expect(server.process.isRunning, "the server was not restarted")
        print("failover: standby promoted \(String(format: "%.1f", promotedAfter)) s after kill -9; the interrupted sync ended after \(String(format: "%.1f", interrupted.after)) s "
              + "(exit \(interrupted.status)); batches stored again \(resumed.map { String(format: "%.1f", $0) } ?? "-") s after the kill; a sync completed \(String(format: "%.1f", servedAfter)) s after the kill; \(committed) households committed before the kill, \(kept) on the new primary at once")
    }
}
