import FieldModels
import Foundation
import Glibc
@testable import LocalStore
import Testing

/// The laptop's disk fills up during capture and during a pull: the command stops with a clear
/// message (exit 10), nothing is half-written, and once space is freed the next run goes on
/// where it stopped. The disk is a small tmpfs mounted over the laptop's folder, so the test
/// needs root (CI runs as root).
@Suite("A full disk on the laptop", .serialized, .enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
struct DiskFullTests {
    /// A tmpfs of a few megabytes mounted over a folder: a laptop disk that fills up.
    struct SmallDisk {
        let path: String

        init(over path: String, megabytes: Int) throws {
            self.path = path
            try Self.mount(["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=700", "tmpfs", path])
        }

        /// Frees space: the same disk, larger.
        func grow(to megabytes: Int) throws { try Self.mount(["-o", "remount,size=\(megabytes)m", path]) }

        func unmount() { _ = umount2(path, Int32(MNT_DETACH)) }

        private static func mount(_ arguments: [String]) throws { try CLI.tool("/bin/mount", arguments) }
    }

    static func acknowledged(_ result: CLI.Result) -> Set<String> {
        Set(result.stdout.split(separator: "\n").filter { $0.hasPrefix("ACK ") }.map { String($0.dropFirst(4)) })
    }

    /// Every household whole (three members each), the file whole.
    static func checkWhole(_ cli: CLI) throws -> Set<String> {
        let replica = try cli.openReplica()
        #expect(try replica.integrityCheck() == ["ok"])
        let households = try replica.records(Household.self)
        #expect(try replica.records(Person.self).count == 3 * households.count, "no household without its members")
        return Set(households.map(\.record.id))
    }

    @Test("Capture onto a full disk stops with a clear message; every acknowledged household is whole, and capture goes on once space is freed")
    func captureFillsTheDisk() throws {
        let cli = try CLI()
        let disk = try SmallDisk(over: cli.directory.path, megabytes: 2)
        defer { disk.unmount() }
        #expect(try cli.initPSM().status == 0)
        let filled = try cli.run("_stress-write")   // until the disk is full
        #expect(filled.status == 10, "\(filled.stderr)")
        #expect(filled.stderr.contains("Disk laptop penuh") && filled.stderr.contains("df -h"), "\(filled.stderr)")
        let acknowledged = Self.acknowledged(filled)
        #expect(acknowledged.count > 10, "the disk held some households first")

        try disk.grow(to: 64)
        let held = try Self.checkWhole(cli)
        #expect(acknowledged.isSubset(of: held), "every acknowledged household is there")
        #expect(held.count - acknowledged.count <= 1, "at most the one being acknowledged when the disk filled")
        let more = try cli.run("_stress-write", "--count", "5")
        #expect(more.status == 0, "capture goes on: \(more.stderr)")
        #expect(try Self.checkWhole(cli).count == held.count + 5)
    }

    @Test("A pull onto a full disk stops with a clear message and keeps every page it stored; once space is freed the next sync finishes it")
    func pullFillsTheDisk() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        #expect(try siti.run("_stress-write", "--count", "200").status == 0)
        try siti.sync()

        let code = try server.addAgent(id: "A-RINI", role: "psm", area: LiveSyncTests.srondol)
        let rini = try CLI()
        let disk = try SmallDisk(over: rini.directory.path, megabytes: 2)
        defer { disk.unmount() }
        #expect(try rini.initPSM().status == 0)
        #expect(try rini.run("enroll", "--server", server.url, "--code", code).status == 0)
        let full = try rini.run("sync", "--batch-size", "100")
        #expect(full.status == 10, "\(full.stderr)")
        #expect(full.stderr.contains("Disk laptop penuh"), "\(full.stderr)")
        let partial = try Self.checkWhole(rini)
        #expect(partial.count < 200, "the disk filled before the pull was done")

        try disk.grow(to: 64)
        #expect(try rini.sync().status == 0)
        let pulled = try Self.checkWhole(rini)
        #expect(pulled == Set(try siti.openReplica().records(Household.self).map(\.record.id)), "the pull finished")
        #expect(partial.isSubset(of: pulled))
    }
}
