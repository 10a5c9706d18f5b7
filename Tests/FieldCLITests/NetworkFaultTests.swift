import FieldModels
import Foundation
import Glibc
@testable import LocalStore
import Testing

/// `field sync` over the links a field office has: packets lost, a 256 kbit/s line, 800 ms
/// each way. Loss and the slow line are made in a network namespace the test creates (the
/// server and the laptops on its loopback; `iptables -m statistic`, `tc tbf`), latency by a
/// proxy of ours on loopback (this kernel has no netem). Under each, syncs complete or resume
/// on the next run, and nothing is lost or doubled.
@Suite("Sync over a bad network", .serialized, .enabled(if: geteuid() == 0, "network namespaces, iptables and tc need root"))
struct NetworkFaultTests {
    /// A network namespace with its loopback up, deleted at the end.
    final class Namespace {
        let name = "fieldsync-" + UUID().uuidString.prefix(8).lowercased()

        init() throws {
            try Self.ip(["netns", "add", name])
            // An Ethernet-sized MTU, as on a real line (loopback's 64 KB would not fit a
            // token bucket of a slow line).
            try Self.ip(["-n", name, "link", "set", "lo", "mtu", "1500", "up"])
        }

        /// Runs a command inside the namespace.
        func run(_ command: String...) throws { try Self.ip(["netns", "exec", name] + command) }

        deinit { try? Self.ip(["netns", "del", name]) }

        private static func ip(_ arguments: [String]) throws { try CLI.tool("/usr/sbin/ip", arguments) }
    }

    enum Fault: String, CaseIterable, Sendable {
        case loss = "5% of packets dropped"
        case slowLink = "a 256 kbit/s line"
    }

    /// Syncs `laptops` in turn until each run succeeds (a run may end on a stall with exit 8;
    /// the next resumes); returns how many runs failed.
    static func syncUntilDone(_ laptops: [CLI], _ extra: [String] = []) throws -> Int {
        var failed = 0
        for laptop in laptops {
            while true {
                let result = try laptop.run(["sync", "--retries", "2", "--batch-size", "150"] + extra)
                if result.status == 0 { break }
                #expect(result.status == 8, "a bad line is reported as unreachable: \(result.stderr)")
                failed += 1
                try #require(failed < 12, "the sync never got through: \(result.stderr)")
            }
        }
        return failed
    }

    /// Siti's 40 households reached Rini whole, and the server holds each change once.
    static func checkArrived(_ server: ServerHarness, siti: CLI, rini: CLI) async throws {
        let (a, b) = (try siti.openReplica(), try rini.openReplica())
        #expect(try a.snapshot() == b.snapshot())
        #expect(try b.records(Household.self).count == 40 && b.records(Person.self).count == 120)
        let whole = try await ServerCrashTests.checkWhole(try await server.openStore())
        let held = try a.count("change_log")
        #expect(whole.changes == held, "nothing doubled, nothing missing on the server")
    }

    @Test("Syncs complete under packet loss and on a 256 kbit/s line, nothing lost or doubled", arguments: Fault.allCases)
    func degradedLine(fault: Fault) async throws {
        let namespace = try Namespace()
        let server = try ServerHarness(.sqlite, namespace: namespace.name)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        #expect(try siti.run("_stress-write", "--count", "40").status == 0)
        switch fault {
        case .loss:
            try namespace.run("iptables", "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP")
        case .slowLink:
            try namespace.run("tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "256kbit", "burst", "32kbit", "latency", "2s")
        }
        let started = Date()
        _ = try Self.syncUntilDone([siti, rini, siti])
        if fault == .slowLink {
            // The push and the pull each carry tens of kilobytes: at 32 KB/s that takes a while.
            #expect(Date().timeIntervalSince(started) > 1, "the line was slow")
        }
        try await Self.checkArrived(server, siti: siti, rini: rini)
    }

    @Test("Syncs through 800 ms each way complete, nothing lost or doubled")
    func longDelay() async throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        #expect(try siti.run("_stress-write", "--count", "40").status == 0)
        let proxy = try CutProxy(target: server.port, cuts: 0, seed: 1, delay: 800_000)
        let started = Date()
        let failed = try Self.syncUntilDone([siti, rini, siti], ["--server", "http://127.0.0.1:\(proxy.port)"])
        #expect(failed == 0, "a long delay is no stall")
        #expect(Date().timeIntervalSince(started) > 3 * 1.6, "each exchange waited for the line")
        #expect(proxy.connections > 0)
        try await Self.checkArrived(server, siti: siti, rini: rini)
    }
}
