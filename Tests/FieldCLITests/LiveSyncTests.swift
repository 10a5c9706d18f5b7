import FieldModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import LocalStore
import SyncEngine
import Testing

/// `field` laptops syncing through a real `field-server` on loopback, on SQLite and (in CI)
/// on PostgreSQL.
@Suite("Live sync: field laptops through a real server", .serialized)
struct LiveSyncTests {
    static let srondol = "33.74.11.1006"
    static let pudak = "33.74.11.1001"

    func households(_ cli: CLI) throws -> [String: String] {
        let rows = try cli.run("household", "list", "--json").jsonArray()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["address"] as? String ?? "") })
    }

    @Test("Three laptops editing at random converge through the server, conflicts kept on all three",
          arguments: ServerHarness.Store.available)
    func threeLaptopsConverge(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let laptops = [
            try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon"),
            try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon"),
            try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon"),
        ]
        var seed: UInt64 = UInt64(ProcessInfo.processInfo.environment["FIELDSYNC_SEED"] ?? "") ?? UInt64.random(in: 1...9999)
        let replay = seed
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        var known: [String] = []
        for step in 0..<14 {
            let laptop = laptops[next(3)]
            switch next(4) {
            case 0, 1:
                let result = try laptop.run("household", "add", "--kk", "33740612031\(String(format: "%05d", step + 1))",
                                            "--address", "Jl. Langkah \(step)", "--rt", "1", "--rw", "2",
                                            "--kelurahan", "Srondol Kulon", "--json")
                #expect(result.status == 0, "\(result.stderr)")
                known += try households(laptop).keys.filter { !known.contains($0) }
            case 2:
                let mine = try households(laptop).keys.sorted()
                if let id = mine.isEmpty ? nil : mine[next(mine.count)] {
                    #expect(try laptop.run("household", "edit", id, "--address", "Jl. Ubah \(step)").status == 0)
                }
            default:
                try laptop.sync()
            }
        }
        for _ in 0..<2 { for laptop in laptops { try laptop.sync() } }
        let snapshots = try laptops.map { try $0.openReplica().snapshot() }
        #expect(snapshots[0] == snapshots[1], "seed \(replay)")
        #expect(snapshots[1] == snapshots[2], "seed \(replay)")
        #expect(Set(snapshots[0].records.keys).isSuperset(of: known), "seed \(replay)")
        #expect(server.stop() == 0, "graceful SIGTERM")
    }

    @Test("A sync cut at random bytes, again and again, resumes with nothing lost or doubled",
          arguments: ServerHarness.Store.available)
    func cutTransfersResume(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let writer = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let reader = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        #expect(try writer.run("_stress-write", "--count", "40").status == 0)
        let written = try writer.openReplica().count("change_log")
        let proxy = try CutProxy(target: server.port, cuts: 12, seed: UInt64.random(in: 1...UInt64.max))
        let through = "http://127.0.0.1:\(proxy.port)"
        // Each run may end on a cut (exit 8 after its retries); running again resumes.
        for cli in [writer, reader] {
            var attempts = 0
            while try cli.run("sync", "--server", through, "--retries", "2", "--timeout", "3", "--batch-size", "97").status != 0 {
                attempts += 1
                try #require(attempts < 20)
            }
        }
        // Capture goes on meanwhile and afterwards; one more direct sync settles everything.
        try writer.sync()
        try reader.sync()
        let copy = try reader.openReplica()
        #expect(try copy.count("change_log") >= written)
        #expect(try copy.snapshot() == writer.openReplica().snapshot())
        #expect(try households(reader).count == 40)
        #expect(proxy.cutsMade > 0)
    }

    @Test("A PSM never receives another kelurahan; moved, it gets the new area and loses the old one",
          arguments: ServerHarness.Store.available)
    func movedAgent(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let joko = try CLI.enrolled(server, agent: "A-JOKO", area: Self.pudak, kelurahan: "Pudakpayung")
        #expect(try siti.run("household", "add", "--kk", "3374061203150007", "--address", "Jl. Srondol 1", "--rt", "1", "--rw", "1",
                             "--member", "Budi;L;1980-05-15;kepala;3374061505800003").status == 0)
        #expect(try joko.run("household", "add", "--kk", "3374061203150008", "--address", "Jl. Pudak 1", "--rt", "2", "--rw", "3").status == 0)
        try siti.sync()
        try joko.sync()
        #expect(try households(joko).values.sorted() == ["Jl. Pudak 1"], "no other kelurahan")
        #expect(try households(siti).values.sorted() == ["Jl. Srondol 1"])
        #expect(try server.admin("agent", "move", "A-JOKO", "--area", Self.srondol).status == 0)
        let moved = try joko.sync()
        #expect((try moved.jsonObject()["removedOutsideScope"] as? Int ?? 0) >= 1, "\(moved.stdout)")
        #expect(try households(joko).values.sorted() == ["Jl. Srondol 1"])
        let replica = try joko.openReplica()
        #expect(try replica.records(Person.self).count == 1)
        #expect(try replica.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE area = ?", arguments: [Self.pudak]) } == 0)
    }

    @Test("Capture keeps working while a sync runs on the same laptop")
    func captureDuringSync() throws {
        let server = try ServerHarness(.sqlite)
        let writer = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let reader = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        #expect(try writer.run("_stress-write", "--count", "40").status == 0)
        try writer.sync()
        let sync = reader.process(["sync", "--batch-size", "20"])
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = FileHandle.nullDevice
        try sync.run()
        var duringSync = 0
        var step = 0
        while sync.isRunning || step == 0 {
            step += 1
            let added = try reader.run("household", "add", "--kk", "33740612031\(String(format: "%05d", step))", "--address", "Jl. Saat Sinkron \(step)",
                                       "--rt", "1", "--rw", "1")
            #expect(added.status == 0, "\(added.stderr)")
            if sync.isRunning { duringSync += 1 }
        }
        sync.waitUntilExit()
        #expect(sync.terminationStatus == 0)
        #expect(duringSync > 0, "a save finished while the sync was still running")
        try reader.sync()
        #expect(try households(reader).count == 40 + step)
    }

    @Test("A refused or unreachable server gives a clear message and a non-zero exit")
    func refusalsExitNonZero() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let devices = try server.admin("device", "list").stdout
        let device = try #require(devices.split(separator: "\t").first.map(String.init))
        #expect(try server.admin("device", "revoke", device).status == 0)
        let revoked = try siti.run("sync", env: ["FIELD_LANG": "en"])
        #expect(revoked.status == 9)
        #expect(revoked.stderr.contains("revoked"))
        let reused = try CLI()
        _ = try reused.initPSM()
        let code = try server.addAgent(id: "A-RINI", role: "psm", area: Self.srondol)
        #expect(try reused.run("enroll", "--server", server.url, "--code", code).status == 0)
        let again = try CLI()
        _ = try again.initPSM()
        let spent = try again.run("enroll", "--server", server.url, "--code", code)
        #expect(spent.status == 9)
        #expect(spent.stderr.contains("Kode pendaftaran"))
        _ = server.stop()
        let down = try reused.run("sync", "--retries", "1")
        #expect(down.status == 8)
        #expect(down.stderr.contains("tidak dapat dihubungi"))
    }

    @Test("An empty agent or device list says how to fill it, on stderr; the lists stay tab-separated data")
    func operatorLists() throws {
        let server = try ServerHarness(.sqlite)
        let agents = try server.admin("agent", "list"), devices = try server.admin("device", "list")
        #expect(agents.status == 0 && agents.stdout.isEmpty && agents.stderr.contains("field-server agent add"), "\(agents.stderr)")
        #expect(devices.status == 0 && devices.stdout.isEmpty && devices.stderr.contains("field enroll"), "\(devices.stderr)")
        _ = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let listed = try server.admin("agent", "list")
        #expect(listed.stderr.isEmpty && listed.stdout.split(separator: "\n").map { $0.split(separator: "\t").first } == ["A-SITI"])
        let enrolled = try server.admin("device", "list")
        #expect(enrolled.stderr.isEmpty && enrolled.stdout.split(separator: "\n").count == 1 && enrolled.stdout.contains("\tA-SITI\tactive\t"))
    }

    @Test("field sync goes through the proxy named by http_proxy; plain http to another machine needs --insecure-http")
    func honoursProxy() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let proxy = try CutProxy(target: server.port, cuts: 0, seed: 1)
        // An address only the proxy can reach: without the proxy the name does not resolve.
        let environment = ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ""]
        let plain = try siti.run("sync", "--server", "http://sync.fieldsync.invalid:8080", "--retries", "0", env: environment)
        #expect(plain.status == 64 && plain.stderr.contains("--insecure-http") && proxy.connections == 0,
                "plain http to another machine is refused before anything is sent: \(plain.stderr)")
        let result = try siti.run("sync", "--server", "http://sync.fieldsync.invalid:8080", "--retries", "0", "--insecure-http",
                                  env: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(proxy.connections >= 1)
    }

    /// The redraws of one progress bar: the text after each carriage return that starts with `label`.
    static func redraws(_ screen: String, _ label: String) -> [(done: Int, total: Int?, line: String)] {
        screen.components(separatedBy: "\r").compactMap { piece in
            let line = piece.trimmingCharacters(in: .newlines)
            guard line.hasPrefix(label), let match = line.firstMatch(of: /(\d+)(?:\/(\d+))? perubahan, \d/) else { return nil }
            return (Int(match.1)!, match.2.map { Int($0)! }, line)
        }
    }

    @Test("At a terminal field sync draws a bar of changes and bytes that fills as batches go; through a pipe, none",
          .enabled(if: CLI.hasScript))
    func progressBarAtTerminal() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        #expect(try siti.run("_stress-write", "--count", "30").status == 0)

        let pushed = try siti.atTerminal(["sync", "--batch-size", "40"], dialog: [])
        #expect(pushed.status == 0, "\(pushed.stdout)")
        let send = Self.redraws(pushed.stdout, "Kirim")
        let total = try #require(send.first?.total, "no send bar on the screen:\n\(pushed.stdout)")
        #expect(total >= 30 * 4, "every household and member is sent")
        #expect(send.count >= total / 40 + 1, "one redraw per batch and one at the start")
        #expect(send.map(\.done) == send.map(\.done).sorted() && send.first?.done == 0 && send.last?.done == total, "\(send.map(\.line))")
        #expect(send.first?.line.contains("[" + String(repeating: ".", count: 30) + "]") == true)
        #expect(send.last?.line.contains("[" + String(repeating: "#", count: 30) + "]") == true)
        #expect(send.allSatisfy { $0.line.range(of: #"perubahan, [\d.,]+ (bytes|KB|MB)"#, options: .regularExpression) != nil })

        let pulled = try rini.atTerminal(["sync", "--batch-size", "40"], dialog: [])
        #expect(pulled.status == 0, "\(pulled.stdout)")
        let receive = Self.redraws(pulled.stdout, "Terima")
        #expect(receive.map(\.done).max() ?? 0 >= total - 3, "Siti's changes arrive (less Rini's own device record)")
        #expect(receive.count >= 3, "several pages, each redrawn")

        // Not a terminal: the same command draws nothing (scripts and logs stay clean).
        let piped = try siti.run("sync")
        #expect(piped.status == 0 && !piped.stderr.contains("\r") && !piped.stderr.contains("perubahan,"))
    }

    @Test("https_proxy carries an https address as a CONNECT tunnel; an untrusted certificate is refused with exit 8",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func honoursHTTPSProxy() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        #expect(try siti.run("_stress-write", "--count", "2").status == 0)
        let tls = try TLSEndpoint(name: "sync.fieldsync.invalid")
        defer { tls.stop() }
        let proxy = try CutProxy(target: server.port, cuts: 0, seed: 1, tunnelTarget: tls.port)
        let https = "https://sync.fieldsync.invalid"
        // Without the proxy the name does not resolve: the tunnel is the only way there.
        let direct = try siti.run("sync", "--server", https, "--retries", "0", env: ["https_proxy": "", "http_proxy": ""])
        #expect(direct.status == 8 && proxy.connections == 0, "\(direct.stderr)")

        let result = try siti.run("sync", "--server", https, "--retries", "3",
                                  env: ["https_proxy": "http://127.0.0.1:\(proxy.port)", "http_proxy": "", "no_proxy": ""])
        #expect(proxy.tunnels == ["sync.fieldsync.invalid:443"], "one CONNECT, and a certificate problem is not retried")
        #expect(result.status == 8, "\(result.stderr)")
        #expect(result.stderr.contains("sertifikat TLS server tidak dipercaya") && result.stderr.contains("update-ca-certificates"),
                "\(result.stderr)")
        // Nothing went anywhere: the real server still lacks Siti's changes until she syncs with it.
        let report = try siti.sync().jsonObject()
        #expect(report["accepted"] as? Int ?? 0 >= 2 * 4)
    }
}

/// `openssl s_server` on loopback with a fresh self-signed certificate for `name`: a TLS peer
/// the laptop has no reason to trust.
final class TLSEndpoint {
    let port: Int
    private let process = Process()
    private let directory: URL

    init(name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (cert, key) = try Self.selfSigned(name: name, alternative: "DNS:\(name)", in: directory)
        // s_server's own "ACCEPT host:port" line sits in a pipe buffer, so the port is chosen here.
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-quiet", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = Pipe()
        try process.run()
        for _ in 0..<100 where !Self.accepts(port) { Thread.sleep(forTimeInterval: 0.05) }
        try #require(Self.accepts(port), "openssl s_server did not start on \(port)")
    }

    /// A fresh self-signed P-256 certificate and its key (`cert.pem`, `key.pem`, mode 600) in `directory`.
    static func selfSigned(name: String, alternative: String, in directory: URL) throws -> (cert: String, key: String) {
        let key = directory.appendingPathComponent("key.pem").path, cert = directory.appendingPathComponent("cert.pem").path
        let request = Process()
        request.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        request.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                             "-out", cert, "-days", "1", "-subj", "/CN=\(name)", "-addext", "subjectAltName=\(alternative)"]
        request.standardOutput = FileHandle.nullDevice
        request.standardError = FileHandle.nullDevice
        try request.run()
        request.waitUntilExit()
        try #require(request.terminationStatus == 0, "openssl req failed")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        return (cert, key)
    }

    /// A free TCP port on loopback (bound, read, released).
    static func freePort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in.loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(_ port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in.loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)  // s_server shrugs off SIGTERM
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// `field-server serve --tls-cert --tls-key`: HTTPS without a proxy in front.
@Suite("The server's own TLS", .serialized)
struct TLSTests {
    @Test("A laptop enrols and syncs over HTTPS with the Dinas's own CA given once; without it the sync is refused, nothing sent",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")), arguments: ServerHarness.Store.available)
    func serverSpeaksTLS(store: ServerHarness.Store) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (cert, key) = try TLSEndpoint.selfSigned(name: "127.0.0.1", alternative: "IP:127.0.0.1", in: directory)
        let server = try ServerHarness(store, serveArguments: ["--tls-cert", cert, "--tls-key", key])
        #expect(server.url.hasPrefix("https://127.0.0.1:"))
        let code = try server.addAgent(id: "A-SITI", role: "psm", area: LiveSyncTests.srondol)
        let laptop = try CLI()
        #expect(try laptop.initPSM().status == 0)
        let untrusted = try laptop.run("enroll", "--server", server.url, "--code", code)
        #expect(untrusted.status == 8 && untrusted.stderr.contains("--ca"), "\(untrusted.stderr)")
        let enrolled = try laptop.run("enroll", "--server", server.url, "--code", code, "--ca", cert)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        #expect(try laptop.run("_stress-write", "--count", "3").status == 0)
        let synced = try laptop.sync().jsonObject()
        #expect(synced["accepted"] as? Int ?? 0 >= 12, "the CA given at enrolment is trusted on later syncs")
        let plain = try laptop.run("sync", "--server", server.url.replacingOccurrences(of: "https", with: "http"), "--retries", "0")
        #expect(plain.status == 8, "plain HTTP to the TLS port gets nowhere: \(plain.stderr)")
        #expect(server.stop() == 0)
    }

    @Test("The server refuses to start with a TLS key that other users can read, and says how to fix it")
    func readableKeyIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (cert, key) = try TLSEndpoint.selfSigned(name: "127.0.0.1", alternative: "IP:127.0.0.1", in: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect(throws: CLIHarnessError.self) { try ServerHarness(.sqlite, serveArguments: ["--tls-cert", cert, "--tls-key", key]) }
        do {
            _ = try ServerHarness(.sqlite, serveArguments: ["--tls-cert", cert, "--tls-key", key])
        } catch CLIHarnessError.serverDidNotStart(let output) {
            #expect(output.contains("chmod 600"), "\(output)")
        }
    }
}
