import FieldModels
import Foundation
import Glibc
import SyncTestSupport
@testable import LocalStore
import Testing

/// Two `field-server serve` processes over one PostgreSQL behind Debian's haproxy (round robin,
/// each request balanced on its own, all on loopback): nothing a request relies on lives in one
/// server's memory, so laptops enrol, sync, merge and are limited the same through either.
/// Needs `FIELDSYNC_POSTGRES_URL` and haproxy; CI sets `FIELDSYNC_REQUIRE_HAPROXY`.
@Suite("Stateless servers behind a load balancer", .serialized)
struct BalancedServerTests {
    static let haproxy = "/usr/sbin/haproxy"
    static var available: Bool {
        !(ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"] ?? "").isEmpty && FileManager.default.isExecutableFile(atPath: haproxy)
    }

    static func freePort() throws -> Int { try PostgresTools.freePort() }

    /// haproxy in front of `servers`: every request to its own server in turn, the client's
    /// address passed on in X-Forwarded-For; statistics as CSV on `stats`.
    final class Balancer: @unchecked Sendable {
        let process = Process()
        let url: String
        let stats: String

        init(servers: [String], in directory: URL) throws {
            let port = try BalancedServerTests.freePort(), statsPort = try BalancedServerTests.freePort()
            url = "http://127.0.0.1:\(port)"
            stats = "http://127.0.0.1:\(statsPort)/stats;csv"
            let backends = servers.enumerated().map { index, url in "  server s\(index) \(url.replacingOccurrences(of: "http://", with: ""))" }
            let config = """
                global
                  maxconn 200
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  option http-server-close
                frontend sync
                  bind 127.0.0.1:\(port)
                  # Every laptop here is on loopback, as haproxy is: the balancer names each
                  # client 10.9.8.7, so what the servers record shows whose word they took.
                  http-request set-header X-Forwarded-For 10.9.8.7
                  default_backend servers
                backend servers
                  balance roundrobin
                \(backends.joined(separator: "\n"))
                frontend statistics
                  bind 127.0.0.1:\(statsPort)
                  stats enable
                  stats uri /stats

                """
            let file = directory.appendingPathComponent("haproxy.cfg")
            try Data(config.utf8).write(to: file)
            process.executableURL = URL(fileURLWithPath: BalancedServerTests.haproxy)
            process.arguments = ["-f", file.path, "-db"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: directory.appendingPathComponent("haproxy.log").path, contents: nil); return directory.appendingPathComponent("haproxy.log") }())
            try process.run()
            for _ in 0..<100 where (try? requests()) == nil { usleep(50_000) }
            try #require(process.isRunning, "haproxy did not start: \((try? String(contentsOf: directory.appendingPathComponent("haproxy.log"), encoding: .utf8)) ?? "")")
        }

        /// Requests each server answered so far, by haproxy's statistics.
        func requests() throws -> [String: Int] {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-sf", stats]
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            guard curl.terminationStatus == 0 else { throw CLIHarnessError.serverDidNotStart(text) }
            let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            guard let header = rows.first.map({ $0.map { $0.replacingOccurrences(of: "# ", with: "") } }),
                  let total = header.firstIndex(of: "stot") else { return [:] }
            var counts: [String: Int] = [:]
            for row in rows.dropFirst() where row.count > total && row[0] == "servers" && row[1].hasPrefix("s") { counts[row[1]] = Int(row[total]) ?? 0 }
            return counts
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test("Two servers over one PostgreSQL behind haproxy: each laptop's sync is served by both, enrolment limits hold across them, and the laptops converge",
          .enabled(if: available || ProcessInfo.processInfo.environment["FIELDSYNC_REQUIRE_HAPROXY"] != nil))
    func balanced() throws {
        try #require(Self.available, "FIELDSYNC_REQUIRE_HAPROXY is set but PostgreSQL or haproxy is missing")
        let first = try ServerHarness(.postgres, serveArguments: ["--trusted-proxy", "127.0.0.1"])
        let secondDirectory = first.directory.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: secondDirectory, withIntermediateDirectories: true)
        let (second, secondURL) = try ServerHarness.launch(database: first.database, port: 0, in: secondDirectory, extra: first.serveArguments)
        defer { second.terminate(); second.waitUntilExit() }
        let balancer = try Balancer(servers: [first.url, secondURL], in: first.directory)

        // Enrolment through the balancer; each sync's requests go to both servers in turn.
        let sitiCode = try first.addAgent(id: "A-SITI", role: "psm", area: "33.74.11.1006")
        let riniCode = try first.addAgent(id: "A-RINI", role: "psm", area: "33.74.11.1006")
        let siti = try CLI.enrolled(via: balancer.url, code: sitiCode, agent: "A-SITI")
        let rini = try CLI.enrolled(via: balancer.url, code: riniCode, agent: "A-RINI")
        let home = try siti.addHousehold("Jl. Srondol 20", members: ["Budi;L;1980-05-15;kepala"])
        let before = try balancer.requests()
        try siti.sync()
        let after = try balancer.requests()
        #expect(after.keys.sorted() == ["s0", "s1"] && after.allSatisfy { $0.value > before[$0.key] ?? 0 },
                "one sync's requests reached both servers: \(before) → \(after)")
        try rini.sync()
        #expect(try rini.run("household", "edit", home, "--address", "Jl. Srondol 20A").status == 0)
        #expect(try siti.run("household", "edit", home, "--rt", "4").status == 0)
        for _ in 0..<2 { try rini.sync(); try siti.sync() }
        for laptop in [siti, rini] {
            let shown = try #require(try laptop.openReplica().record(Household.self, id: home)?.record)
            #expect(shown.address == "Jl. Srondol 20A" && shown.rt == "004", "\(shown.address) \(shown.rt)")
        }

        // Wrong enrolment codes from one client, spread over both servers, reach the limit: it
        // lives in the database, and the client is the one haproxy names, not haproxy itself.
        let guesser = try CLI()
        try #require(try guesser.initPSM().status == 0)
        var statuses: [Int32] = []
        for attempt in 0..<7 {
            statuses.append(try guesser.run("enroll", "--server", balancer.url, "--code", "ZZZZ-ZZZZ-ZZ\(attempt)Z").status)
        }
        let limited = try first.admin("audit", "--kind", "code_limited")
        #expect(limited.stdout.contains("10.9.8.7"), "the sixth wrong code waits, whichever server took it, for the client haproxy named: \(statuses) \(limited.stdout)")
        #expect(statuses.last != 0)
        // A client that talks to a server directly (from 127.0.0.2, not the trusted balancer)
        // cannot name itself someone else.
        let direct = Process()
        direct.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        direct.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2", "-H", "X-Forwarded-For: 6.6.6.6", "-H", "Content-Type: application/json",
                            "--data", #"{"code": "QQQQ-QQQQ-QQQQ", "publicKey": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "deviceName": "x", "replica": "R1"}"#, secondURL + "/v1/enroll"]
        let code = Pipe()
        direct.standardOutput = code
        try direct.run()
        let answered = String(decoding: code.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        direct.waitUntilExit()
        #expect(answered == "403" || answered == "404" || answered == "400", "a wrong code is refused: \(answered)")
        let failed = try first.admin("audit", "--kind", "code_failed")
        #expect(!failed.stdout.contains("6.6.6.6") && failed.stdout.contains("127.0.0.2"), "\(failed.stdout)")
        #expect(first.stop() == 0)
    }
}

extension CLI {
    /// A laptop for `agent` in Srondol Kulon enrolled at `url` with `code`.
    static func enrolled(via url: String, code: String, agent: String) throws -> CLI {
        let cli = try CLI()
        try #require(try cli.run("init", "--name", agent, "--role", "psm", "--area", "Srondol Kulon", "--regions", semarangCSV,
                                 "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10").status == 0)
        let enrolled = try cli.run("enroll", "--server", url, "--code", code)
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
        return cli
    }
}
