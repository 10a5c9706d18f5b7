import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// A laptop restored from a backup, and a laptop whose device was revoked: the paths a real
/// laptop takes when its history rewinds or its key changes. Nothing written on either side
/// may be lost, and the laptops converge.
@Suite("Restored and re-enrolled laptops lose nothing", .serialized)
struct RestoreTests {
    static let srondol = "33.74.11.1006"

    enum Restore: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The replica and its state folder come back together (a whole-disk backup); the laptop
        /// writes more after the restore than it lost.
        case wholeLaptopWritesMore
        /// The same, writing less after the restore than it lost.
        case wholeLaptopWritesLess
        /// Only the replica file comes back; its high-water mark outside the file survives.
        case replicaFileOnly
        var testDescription: String { rawValue }
    }

    static func add(_ cli: CLI, _ address: String, members: Int = 0) throws -> String {
        try cli.addHousehold(address, members: (0..<members).map { "Warga \(address) \($0);L;1980-05-15;anak" })
    }

    /// Copies the replica (and, unless `fileOnly`, its state folder) aside, or back.
    static func copy(_ cli: CLI, to backup: URL, fileOnly: Bool, restoring: Bool) throws {
        let files = FileManager.default
        var names = ["replica.sqlite", "replica.sqlite-wal", "replica.sqlite-shm"]
        if !fileOnly { names.append("state") }
        if !restoring { try files.createDirectory(at: backup, withIntermediateDirectories: true) }
        for name in names {
            let (from, to) = restoring ? (backup.appendingPathComponent(name), cli.directory.appendingPathComponent(name))
                                       : (cli.directory.appendingPathComponent(name), backup.appendingPathComponent(name))
            try? files.removeItem(at: to)
            if files.fileExists(atPath: from.path) { try files.copyItem(at: from, to: to) }
        }
    }

    @Test("A laptop restored from backup takes a new replica id, re-sends what it wrote since, and gets back what it lost",
          arguments: ServerHarness.Store.available, Restore.allCases)
    func restoredLaptop(store: ServerHarness.Store, restore: Restore) throws {
        let server = try ServerHarness(store)
        let laptop = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let other = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        var expected: [String: String] = [:]
        for address in ["Jl. Satu 1", "Jl. Dua 2"] { expected[try Self.add(laptop, address)] = address }
        try laptop.sync()
        let backup = laptop.directory.appendingPathComponent("backup-monday")
        try Self.copy(laptop, to: backup, fileOnly: restore == .replicaFileOnly, restoring: false)

        // Tuesday: written and sent, then lost when Monday's copy is restored.
        let lostCount = restore == .wholeLaptopWritesLess ? 3 : 0
        expected[try Self.add(laptop, "Jl. Tiga 3", members: lostCount)] = "Jl. Tiga 3"
        try laptop.sync()
        let original = try laptop.openReplica().replicaID
        try Self.copy(laptop, to: backup, fileOnly: restore == .replicaFileOnly, restoring: true)

        // Written after the restore, under dots the server already holds with Tuesday's work.
        expected[try Self.add(laptop, "Jl. Empat 4")] = "Jl. Empat 4"
        if restore != .wholeLaptopWritesLess { expected[try Self.add(laptop, "Jl. Lima 5", members: 2)] = "Jl. Lima 5" }
        let result = try laptop.run("sync")
        #expect(result.status == 0, "\(result.stderr)")
        if restore != .replicaFileOnly {
            #expect(result.stdout.contains("dipulihkan dari salinan lama"), "\(result.stdout)")
        }
        #expect(try laptop.openReplica().replicaID != original, "writes after the restore go under a new replica id")
        try other.sync()
        try laptop.sync()
        #expect(try laptop.addresses() == expected)
        #expect(try other.addresses() == expected)
        #expect(try laptop.openReplica().snapshot() == other.openReplica().snapshot())
        let again = try laptop.sync().jsonObject()
        #expect(again["newReplica"] == nil && again["reissued"] as? Int == 0, "the next sync is an ordinary one")
        #expect(server.stop() == 0)
    }

    @Test("A revoked device's stored changes stay valid and its new ones are refused; re-enrolled, its laptop sends them with a new key",
          arguments: ServerHarness.Store.available)
    func revokedThenReenrolled(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let laptop = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let other = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let intruder = try Intruder(server, agent: "A-RELAY", code: try server.addAgent(id: "A-RELAY", role: "tksk", area: "33.74.11"))
        let first = try Self.add(laptop, "Jl. Sebelum 1")
        try laptop.sync()
        let device = try #require(try laptop.openReplica().enrolment()?.device)
        #expect(try server.admin("device", "revoke", device).status == 0)

        let second = try Self.add(laptop, "Jl. Sesudah 2", members: 1)
        let refused = try laptop.run("sync")
        #expect(refused.status == 9 && refused.stderr.contains("dicabut"), "\(refused.stderr)")
        // Its new work, relayed with its genuine seal by another enrolled device, is refused too.
        let held = try laptop.openReplica().changes(notIn: VersionVector())
        let transaction = try #require(held.changes.first { $0.recordID == second }?.transaction)
        let relayed = held.carrying(held.changes.filter { $0.transaction == transaction })
        #expect(try intruder.push(relayed.changes, seals: relayed.seals) == "origin_revoked")

        try other.sync()
        #expect(try other.addresses() == [first: "Jl. Sebelum 1"], "what the revoked device stored before stays valid")

        let issued = try server.admin("agent", "code", "A-SITI").stdout
        let code = try #require(issued.range(of: #"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"#, options: .regularExpression).map { String(issued[$0]) })
        let oldKey = try laptop.openReplica().devicePublicKey
        let enrolled = try laptop.run("enroll", "--server", server.url, "--code", code)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        #expect(try laptop.openReplica().devicePublicKey != oldKey, "a new enrolment takes a new key")
        let resent = try laptop.run("sync")
        #expect(resent.status == 0 && resent.stdout.contains("dikirim dengan id replika sekarang"), "\(resent.stdout) \(resent.stderr)")
        try other.sync()
        let expected = [first: "Jl. Sebelum 1", second: "Jl. Sesudah 2"]
        #expect(try other.addresses() == expected)
        #expect(try laptop.addresses() == expected)
        #expect(try laptop.openReplica().snapshot() == other.openReplica().snapshot())
        #expect(server.stop() == 0)
    }
}
