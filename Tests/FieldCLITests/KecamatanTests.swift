@testable import FieldCLI
import FieldModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import LocalStore
import SyncEngine
import Testing

/// The TKSK laptop as the middle tier of its kecamatan: PSM laptops of two kelurahan exchange
/// only bundles with it, it relays everything to the server, and every copy converges.
@Suite("A kecamatan by bundle: PSM → TKSK → server", .serialized)
struct KecamatanTests {
    static let srondol = "33.74.11.1006"
    static let pudak = "33.74.11.1001"

    static func add(_ cli: CLI, _ address: String, kelurahan: String, members: Int = 1) throws -> String {
        try cli.addHousehold(address, kelurahan: kelurahan, members: (0..<members).map { "Warga \(address) \($0);P;1985-08-12;kepala" })
    }

    func bundle(_ cli: CLI, _ name: String, _ extra: String...) throws -> String {
        let path = cli.directory.appendingPathComponent(name).path
        let result = try cli.run(["bundle", "export", "--out", path] + extra)
        try #require(result.status == 0, "\(result.stderr)")
        return path
    }

    @Test("Two PSM of two kelurahan and their TKSK exchange only bundles; the TKSK relays to the server; every copy converges, conflicts kept",
          arguments: ServerHarness.Store.available)
    func kecamatanByBundle(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let dewi = try CLI.enrolled(server, agent: "A-DEWI", area: Self.pudak, kelurahan: "Pudakpayung")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")

        let mine = try Self.add(siti, "Jl. Srondol 1", kelurahan: "Srondol Kulon")
        let hers = try Self.add(dewi, "Jl. Pudak 2", kelurahan: "Pudakpayung", members: 2)
        let fromSiti = try bundle(siti, "siti.fsb"), fromDewi = try bundle(dewi, "dewi.fsb")
        // Out of order, then again: harmless.
        #expect(try tksk.run("bundle", "import", fromDewi, fromSiti).status == 0)
        let again = try tksk.run("bundle", "import", fromSiti, "--json")
        #expect(again.status == 0)
        #expect(try again.jsonObject()["imported"] as? Int == 0, "a bundle imported twice adds nothing")
        #expect(Set(try tksk.addresses().keys) == [mine, hers])

        // The TKSK and Siti change the same household apart; each answers by bundle.
        #expect(try tksk.run("household", "edit", mine, "--address", "Jl. Srondol 1A").status == 0)
        #expect(try siti.run("household", "edit", mine, "--address", "Jl. Srondol No. 1").status == 0)
        let forSiti = try bundle(tksk, "for-siti.fsb", "--since", fromSiti)
        #expect(try siti.run("bundle", "import", forSiti).status == 0)
        #expect(Set(try siti.addresses().keys) == [mine], "Siti receives her kelurahan only")
        #expect(try siti.run("bundle", "import", try bundle(tksk, "for-siti-all.fsb")).status == 0)
        #expect(Set(try siti.addresses().keys) == [mine], "even from a bundle made for everyone")
        #expect(try tksk.run("bundle", "import", try bundle(siti, "siti-2.fsb", "--since", forSiti)).status == 0)
        #expect(try tksk.openReplica().snapshot().conflicts.count == 1)

        // Before the office: the TKSK's status says what it holds and what it has not passed on.
        #expect(try tksk.run("household", "edit", hers, "--rt", "4").status == 0)
        let before = try tksk.run("status", "--json").jsonObject()
        #expect(before["lastSync"] == nil || before["lastSync"] is NSNull)
        let peers = try #require(before["peers"] as? [[String: Any]])
        #expect(Set(peers.compactMap { $0["agent"] as? String }) == ["A-SITI", "A-DEWI"])
        #expect(peers.first { $0["agent"] as? String == "A-DEWI" }?["lacks"] as? Int == 1, "Dewi has not had the TKSK's edit of her household")
        #expect(peers.first { $0["agent"] as? String == "A-SITI" }?["lacks"] as? Int == 0, "Siti has what the TKSK holds of her kelurahan")

        // The TKSK relays everything to the server; the Dinas sees both kelurahan and the conflict.
        try tksk.sync()
        let after = try tksk.run("status", "--json").jsonObject()
        #expect(after["lastSync"] as? Int64 ?? 0 > 0 && after["unsent"] as? Int == 0)
        let devices = try server.admin("device", "list").stdout.split(separator: "\n")
        let dewiDevice = try #require(devices.first { $0.contains("\tA-DEWI\t") }).split(separator: "\t")
        #expect(dewiDevice[4] == "-" && dewiDevice[5] != "-", "Dewi never synced directly, yet her newest change reached the server")
        try dinas.sync()
        #expect(Set(try dinas.addresses().keys) == [mine, hers])
        let dinasSnapshot = try dinas.openReplica().snapshot()
        #expect(dinasSnapshot.conflicts.count == 1)
        let tkskSnapshot = try tksk.openReplica().snapshot()
        let families = { (snapshot: ReplicaSnapshot) in snapshot.records.filter { $0.key.hasPrefix("H-") || $0.key.hasPrefix("P-") } }
        #expect(families(dinasSnapshot) == families(tkskSnapshot) && dinasSnapshot.conflicts == tkskSnapshot.conflicts,
                "the Dinas and the TKSK show the kecamatan's families alike")
        let relayed = try server.admin("audit", "--kind", "relayed").stdout
        #expect(relayed.contains("A-BAMBANG") && relayed.contains("agent A-SITI") && relayed.contains("agent A-DEWI"), "\(relayed)")

        // Siti then syncs directly: what the TKSK relayed is stored once, and she converges.
        let direct = try siti.sync().jsonObject()
        #expect(direct["accepted"] as? Int == 0, "her changes reached the server through the TKSK already")
        let sitiSnapshot = try siti.openReplica().snapshot()
        #expect(sitiSnapshot.records[mine] == dinasSnapshot.records[mine])
        #expect(sitiSnapshot.conflicts == dinasSnapshot.conflicts)
        #expect(server.stop() == 0)
    }

    @Test("A damaged bundle, a forged one, one carrying an altered change and a wrong passphrase are refused; nothing is saved; the file is unreadable without the passphrase; a large one comes in parts")
    func badBundlesAreRefused() async throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let intruder = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: Self.srondol))
        _ = try Self.add(siti, "Jl. Asli 1", kelurahan: "Srondol Kulon")
        let good = try bundle(siti, "siti.fsb")
        let before = try tksk.openReplica().count("change_log")

        var damaged = try Data(contentsOf: URL(fileURLWithPath: good))
        damaged[damaged.count / 2] ^= 0xFF
        let damagedFile = tksk.directory.appendingPathComponent("damaged.fsb")
        try damaged.write(to: damagedFile)
        let refusedDamaged = try tksk.run("bundle", "import", damagedFile.path)
        // Encrypted and authenticated: a damaged file does not open (wrong passphrase or damaged).
        #expect(refusedDamaged.status == 5 && refusedDamaged.stderr.contains("rusak"), "\(refusedDamaged.stderr)")
        let truncated = tksk.directory.appendingPathComponent("truncated.fsb")
        try Data(try Data(contentsOf: URL(fileURLWithPath: good)).prefix(100)).write(to: truncated)
        let refusedTruncated = try tksk.run("bundle", "import", truncated.path)
        #expect(refusedTruncated.status != 0 && refusedTruncated.stderr.contains("rusak"), "\(refusedTruncated.stderr)")

        // The intruder repacks Siti's changes with one value altered and signs the bundle itself.
        let authority = try #require(try tksk.openReplica().authority())
        var original = try BundleFile.decode(try Data(contentsOf: URL(fileURLWithPath: good)), authority: authority,
                                             passphrase: CLI.bundlePassphrase)
        let index = try #require(original.changes.firstIndex { $0.field == "address" })
        original.changes[index].value = .text("Jl. Palsu 9")
        original.sender = intruder.enrolment.certificate
        let altered = tksk.directory.appendingPathComponent("altered.fsb")
        try BundleFile.encode(original, key: intruder.key, passphrase: CLI.bundlePassphrase, logN: 10).write(to: altered)
        let refusedAltered = try tksk.run("bundle", "import", altered.path)
        #expect(refusedAltered.status == 9 && refusedAltered.stderr.contains("segel"), "\(refusedAltered.stderr)")
        // Signed by a key the authority never certified: forged.
        let forged = tksk.directory.appendingPathComponent("forged.fsb")
        try BundleFile.encode(original, key: .init(), passphrase: CLI.bundlePassphrase, logN: 10).write(to: forged)
        let refusedForged = try tksk.run("bundle", "import", forged.path)
        #expect(refusedForged.status == 9 && refusedForged.stderr.contains("dipalsukan"), "\(refusedForged.stderr)")
        let wrong = try tksk.run(["bundle", "import", good], env: ["FIELD_BUNDLE_PASSPHRASE": "bukan-kata-sandinya"])
        #expect(wrong.status == 5 && wrong.stderr.contains("kata sandi bundel salah"), "\(wrong.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for secret in ["Jl. Asli", "Warga", "Srondol", "3374061203"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the bundle file holds \(secret) in plain text")
        }
        #expect(try tksk.openReplica().count("change_log") == before, "nothing of a refused bundle was saved")

        // Large: parts, each importable alone, in any order.
        #expect(try siti.run("_stress-write", "--count", "60").status == 0)
        let result = try siti.run("bundle", "export", "--out", siti.directory.appendingPathComponent("big.fsb").path, "--max-size", "0.02", "--json")
        let files = try #require(try result.jsonObject()["files"] as? [String])
        #expect(files.count > 1, "a bundle over the limit is cut")
        for file in files { #expect((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? .max) <= 21_000) }
        for file in files.reversed() { #expect(try tksk.run("bundle", "import", file).status == 0) }
        #expect(try tksk.openReplica().snapshot().records.keys.filter { $0.hasPrefix("H-") }.count == 61)
        #expect(server.stop() == 0)
    }

    /// `field serve-local` on the TKSK's laptop, in the background, on a free loopback port.
    final class LocalPeer {
        let process: Process
        let url: String

        init(_ cli: CLI) throws {
            process = cli.process(["serve-local", "--host", "127.0.0.1", "--port", "0"])
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            url = try ServerHarness.address(printedBy: process, on: out)
            Thread.detachNewThread { _ = out.fileHandleForReading.readDataToEndOfFile() }
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test("Siti by bundle, Dewi by peer sync on the office network (serve-local, sync --peer), then the TKSK relays: the server ends with every record and the conflict; strangers, wrong passphrases and a laptop claiming a wider area get nothing more",
          arguments: ServerHarness.Store.available)
    func peerSyncOnTheOfficeNetwork(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let dewi = try CLI.enrolled(server, agent: "A-DEWI", area: Self.pudak, kelurahan: "Pudakpayung")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let peer = try LocalPeer(tksk)
        defer { peer.stop() }

        // The Dinas records a household in Pudakpayung; Dewi gets it from the server directly.
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let theirs = try Self.add(dinas, "Jl. Dinas 3", kelurahan: "Pudakpayung")
        try dinas.sync()
        let hers = try Self.add(dewi, "Jl. Pudak 2", kelurahan: "Pudakpayung")
        try dewi.sync()

        // Siti hands over a bundle file; Dewi exchanges over the network, relaying the Dinas's
        // household to a TKSK that never saw the Dinas's certificate.
        let mine = try Self.add(siti, "Jl. Srondol 1", kelurahan: "Srondol Kulon")
        #expect(try tksk.run("bundle", "import", try bundle(siti, "siti.fsb")).status == 0)
        let first = try dewi.run("sync", "--peer", peer.url, "--json")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try first.jsonObject()["sent"] as? Int ?? 0 > 0)
        #expect(Set(try tksk.addresses().keys) == [mine, hers, theirs], "the TKSK holds both kelurahan")
        #expect(Set(try dewi.addresses().keys) == [hers, theirs], "Dewi receives her kelurahan only")
        // Each side's status knows the other and that it lacks nothing from here.
        for (laptop, other) in [(dewi, "A-BAMBANG"), (tksk, "A-DEWI")] {
            let peers = try #require(try laptop.run("status", "--json").jsonObject()["peers"] as? [[String: Any]])
            let entry = try #require(peers.first { $0["agent"] as? String == other }, "\(peers)")
            #expect(entry["lacks"] as? Int == 0, "\(entry)")
        }

        // The TKSK and Dewi correct her household's address apart; the exchange keeps both.
        #expect(try tksk.run("household", "edit", hers, "--address", "Jl. Pudak 2A").status == 0)
        #expect(try dewi.run("household", "edit", hers, "--address", "Jl. Pudak 2B").status == 0)
        let again = try dewi.run("sync", "--peer", peer.url, "--json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.jsonObject()["received"] as? Int == 1, "\(again.stdout)")
        #expect(try again.jsonObject()["conflicts"] as? Int == 1, "\(again.stdout)")
        #expect(try tksk.openReplica().snapshot().conflicts.count == 1)

        // A wrong bundle passphrase, and a laptop that is not enrolled, get nothing.
        let wrong = try siti.run(["sync", "--peer", peer.url], env: ["FIELD_BUNDLE_PASSPHRASE": "bukan-kata-sandinya"])
        #expect(wrong.status == 9 && wrong.stderr.contains("menolak"), "\(wrong.stderr)")
        let stranger = try CLI()
        #expect(try stranger.initPSM().status == 0)
        let refused = try stranger.run("sync", "--peer", peer.url)
        #expect(refused.status == 7 && refused.stderr.contains("enroll"), "\(refused.stderr)")
        // A PSM laptop does not serve: it keeps its kelurahan only; the message says where to go.
        let serving = try siti.run("serve-local", "--host", "127.0.0.1", "--port", "0")
        #expect(serving.status == 6 && serving.stderr.contains("field sync --peer"), "\(serving.stderr)")

        // Dewi's laptop is made to claim the whole kecamatan: the TKSK answers with what the
        // server granted her (Pudakpayung), so Siti's household does not reach her.
        do {
            let lying = try dewi.openReplica()
            var agent = lying.agent
            agent.areaID = "33.74.11"
            try lying.updateAgent(agent)
        }
        let wider = try dewi.run("sync", "--peer", peer.url, "--json")
        #expect(wider.status == 0, "\(wider.stderr)")
        #expect(Set(try dewi.addresses().keys) == [hers, theirs], "a claimed scope is not a granted one")

        peer.stop()
        try tksk.sync()
        try dinas.sync()
        #expect(Set(try dinas.addresses().keys) == [mine, hers, theirs])
        let dinasSnapshot = try dinas.openReplica().snapshot()
        #expect(dinasSnapshot.conflicts.count == 1 && dinasSnapshot.conflicts.first?.recordIDs == [hers])
        let families = { (snapshot: ReplicaSnapshot) in snapshot.records.filter { $0.key.hasPrefix("H-") || $0.key.hasPrefix("P-") } }
        #expect(families(dinasSnapshot) == families(try tksk.openReplica().snapshot()))
        #expect(server.stop() == 0)
    }

    /// Sends `bytes` to `url`'s port and drops the connection at once (a reset: SO_LINGER 0).
    static func sendAndReset(_ url: String, _ bytes: String) throws {
        let port = try #require(url.split(separator: ":").last.flatMap { UInt16($0) })
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        _ = bytes.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
    }

    @Test("serve-local outlives junk and callers that vanish mid-answer, then serves a real peer sync")
    func serveLocalOutlivesCutLinks() throws {
        let server = try ServerHarness(.sqlite)
        let dewi = try CLI.enrolled(server, agent: "A-DEWI", area: Self.pudak, kelurahan: "Pudakpayung")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let peer = try LocalPeer(tksk)
        defer { peer.stop() }
        for junk in ["POST /v1/peer HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "GET / HTTP/1.1\r\n\r\n", "\u{0}\u{1}garbage",
                     "POST /v1/peer HTTP/1.1\r\nContent-Length: 999999\r\n\r\npartial"] {
            for _ in 0..<3 { try Self.sendAndReset(peer.url, junk) }
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(peer.process.isRunning, "the listener survived")
        let hers = try Self.add(dewi, "Jl. Pudak 5", kelurahan: "Pudakpayung")
        let result = try dewi.run("sync", "--peer", peer.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try tksk.addresses()[hers] == "Jl. Pudak 5")
        #expect(server.stop() == 0)
    }
}

