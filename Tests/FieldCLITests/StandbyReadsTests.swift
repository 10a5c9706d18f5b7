import Foundation
import Glibc
import SyncTestSupport
import Testing

/// The Dinas pages read off a hot standby (`field-server serve --read-from-standby`): a primary
/// and a standby streaming from it, started by the test, a server process over both, a laptop
/// syncing and a staff member's browser (curl with a cookie jar). Pushes go to the primary; the
/// pages show what the standby has applied and say how far behind it is: held back (replay
/// paused) they show the old count and the lag, let go they catch up, and with the standby
/// stopped they read the primary and say so. Runs where the PostgreSQL tests run (CI), as root.
@Suite("Dinas pages read off a hot standby", .serialized)
struct StandbyReadsTests {
    static var wanted: Bool { !(ProcessInfo.processInfo.environment["FIELDSYNC_POSTGRES_URL"] ?? "").isEmpty }

    /// A browser: curl with a cookie jar of its own.
    struct Browser {
        let base: String
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("cookies-\(UUID().uuidString)").path

        func fetch(_ path: String, form: [String: String]? = nil) throws -> String {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "-b", jar, "-c", jar, base + path]
                + (form ?? [:]).sorted { $0.key < $1.key }.flatMap { ["--data-urlencode", "\($0.key)=\($0.value)"] }
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            return text
        }

        func login(_ username: String, _ password: String) throws {
            let page = try fetch("/dinas/masuk")
            let range = try #require(page.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression))
            let token = String(page[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
            _ = try fetch("/dinas/masuk", form: ["csrf": token, "pengguna": username, "sandi": password])
        }

        /// The households the coverage page counts in Srondol Kulon, and the line saying where it read.
        func coverage(_ query: String = "") throws -> (households: Int?, source: String) {
            let html = try fetch("/dinas/cakupan" + query)
            let count = html.range(of: #"33\.74\.11\.1006</td><td class="angka">[0-9]+<"#, options: .regularExpression)
                .map { html[$0].dropFirst(#"33.74.11.1006</td><td class="angka">"#.count).dropLast() }.flatMap { Int($0) }
            let source = html.range(of: #"<p class="sumber[^"]*" role="status">[^<]*</p>"#, options: .regularExpression).map { String(html[$0]) } ?? ""
            return (count, source)
        }
    }

    /// Asks `check` every 100 ms for at most 30 s.
    static func eventually(_ check: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<300 {
            if try check() { return true }
            usleep(100_000)
        }
        return false
    }

    @Test("Pages show what the standby applied and how far behind it is; held back they lag, let go they catch up, without it they read the primary",
          .enabled(if: wanted))
    func pagesReadOffTheStandby() throws {
        try #require(PostgresTools.available, "the PostgreSQL tests run but this one cannot start its own clusters (root and the server packages)")
        let pair = try StreamingPair()
        let directory = pair.directory.appendingPathComponent("server")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try ServerHarness(.postgres, serveArguments: ["--read-from-standby"], database: pair.url, directory: directory)
        let code = try server.addAgent(id: "A-SITI", role: "psm", area: "33.74.11.1006")
        let password = "rahasia-dinas-1"
        try #require(try server.admin(["staff", "add", "--username", "rina", "--name", "Rina", "--role", "viewer"],
                                      env: ["FIELD_STAFF_PASSWORD": password]).status == 0)
        let url = server.url
        defer { _ = server.stop(within: 15) }
        let siti = try CLI.enrolled(via: url, code: code, agent: "A-SITI")
        func push() throws {
            try #require(try siti.run("_stress-write", "--count", "1", "--members", "0").status == 0)
            let synced = try siti.run("sync")
            try #require(synced.status == 0, "\(synced.stderr)")
        }
        try push()

        let browser = Browser(base: url)
        try browser.login("rina", password)
        let standby = "127.0.0.1:\(pair.ports[1])"
        var seen = try browser.coverage()
        #expect(try Self.eventually {
            seen = try browser.coverage()
            return seen.households == 1 && seen.source.contains("standby \(standby): mutakhir")
        }, "the standby applied the first household and says it is up to date: \(seen)")

        // Replay held back: the primary has the second household, the standby's pages not yet.
        #expect(pair.query("SELECT pg_wal_replay_pause()", node: 1) != nil)
        try push()
        #expect(pair.query("SELECT COUNT(*) FROM merged_records WHERE record_type = 'household'", node: 0) == "2")
        seen = try browser.coverage()
        #expect(seen.households == 1, "the page reads the standby, which has not applied the second household: \(seen)")
        #expect(seen.source.contains("standby \(standby): tertinggal"), "\(seen.source)")
        #expect(try browser.coverage("?lang=en").source.contains("of changes behind the primary"), "the lag in English too")
        _ = try browser.coverage("?lang=id")
        let exported = try browser.fetch("/dinas/ekspor/cakupan?format=csv")
        #expect(exported.contains("Srondol Kulon,1,"), "exports read the standby too: \(exported.prefix(400))")

        // Let go, it catches up.
        #expect(pair.query("SELECT pg_wal_replay_resume()", node: 1) != nil)
        #expect(try Self.eventually {
            seen = try browser.coverage()
            return seen.households == 2 && seen.source.contains("mutakhir")
        }, "the standby caught up: \(seen)")

        // Without the standby the pages read the primary, and say so.
        pair.stop(node: 1)
        try push()
        seen = try browser.coverage()
        #expect(seen.households == 3, "read from the primary: \(seen)")
        #expect(seen.source.contains("Dibaca dari basis data primary"), "\(seen.source)")
    }
}
