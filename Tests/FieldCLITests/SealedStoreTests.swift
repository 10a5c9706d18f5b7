import FieldModels
import Foundation
@testable import LocalStore
@testable import SyncServer
import Testing

/// The server's store at rest: NIK and No. KK sealed under a key kept outside it, files only
/// their owner can read, and a key that can be replaced without losing a record.
@Suite("The sealed server store", .serialized)
struct SealedStoreTests {
    static let nik = "3374061505800003"
    static let kk = "3374061203150007"

    static func addFamily(_ cli: CLI) throws -> String {
        let result = try cli.run("household", "add", "--kk", kk, "--address", "Jl. Rahasia 9", "--rt", "3", "--rw", "5",
                                 "--member", "Budi Santoso;L;1980-05-15;kepala;\(nik)", "--json")
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try result.jsonObject()["id"] as? String)
    }

    /// Details sealed like the NIK: the JKN card, the phone and the kind of disability.
    static let details = ["0001234567890", "081234567890", "sensorik-netra"]

    static func addDetails(_ cli: CLI, person: String) throws {
        let result = try cli.run("person", "edit", person, "--bpjs", details[0], "--phone", details[1], "--disability", details[2])
        try #require(result.status == 0, "\(result.stderr)")
    }

    static func contains(_ file: String, _ text: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: file) else { return false }
        return data.range(of: Data(text.utf8)) != nil
    }

    @Test("After a sync no byte of the NIK, No. KK, JKN card, phone or disability is in the store's files, its WAL or its log; the files are 0600; the NIK is found by its blind index",
          arguments: ServerHarness.Store.available)
    func nothingReadableAtRest(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let laptop = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let household = try Self.addFamily(laptop)
        try laptop.sync()
        let person = try #require(try laptop.openReplica().existing(Household.self, id: household).record.members.first)
        try Self.addDetails(laptop, person: person)
        try laptop.sync()

        let opened = try await server.openStore()
        #expect(try await opened.records(withNumber: Self.nik) == [person])
        #expect(try await opened.records(withNumber: Self.kk, kind: "kk") == [household])
        let plain = try await opened.database.transaction { db in
            try await db.query("SELECT body FROM changes").filter { row in
                let body = try row.text("body")
                return ([Self.nik, Self.kk] + Self.details).contains { body.contains($0) }
            }.count
        }
        await opened.database.close()
        #expect(plain == 0, "no stored change holds the numbers or the disability in plain text")
        #expect(server.stop() == 0)
        var files = [server.logFile.path]
        if store == .sqlite {
            files += [server.database, server.database + "-wal", server.database + "-shm"]
            for file in [server.database, server.keyFile] + [server.database + "-wal"].filter({ FileManager.default.fileExists(atPath: $0) }) {
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
                #expect(mode & 0o077 == 0, "\(file) is \(String(mode, radix: 8))")
            }
        }
        for file in files where FileManager.default.fileExists(atPath: file) {
            for secret in [Self.nik, Self.kk] + Self.details {
                #expect(!Self.contains(file, secret), "\(file) holds \(secret.prefix(4))… in plain text")
            }
        }
    }

    @Test("On the laptop that wrote a family and on one that pulled it, no NIK, No. KK, name, address, PMKS category, JKN card, phone or disability is in the replica files; three letters of the name and the phone still find it",
          arguments: [ServerHarness.Store.sqlite])
    func laptopsTellNothing(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let writer = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let reader = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let household = try Self.addFamily(writer)
        let person = try #require(try writer.openReplica().existing(Household.self, id: household).record.members.first)
        try Self.addDetails(writer, person: person)
        let entry = try writer.run("pmks", "add", "--category", "odha", "--person", person, "--evidence", "Surat Puskesmas Srondol")
        #expect(entry.status == 0, "\(entry.stderr)")
        try writer.sync()
        try reader.sync()
        for laptop in [writer, reader] {
            let hits = try laptop.run("search", "Bud", "--json").jsonArray().map { $0["id"] as? String }
            #expect(hits == [person], "a search by the first three letters of the name finds the person")
            #expect(try laptop.run("search", "0812-3456-7890", "--json").jsonArray().map { $0["id"] as? String } == [person],
                    "and the phone finds them, on the laptop that pulled it too")
            for file in [laptop.database, laptop.database + "-wal"] where FileManager.default.fileExists(atPath: file) {
                for secret in [Self.nik, Self.kk, "Budi Santoso", "Santoso", "Jl. Rahasia", "Rahasia", "odha", "Puskesmas Srondol"] + Self.details {
                    #expect(!Self.contains(file, secret), "\(file) holds \(secret.prefix(4))… in plain text")
                }
            }
        }
        #expect(server.stop() == 0)
    }

    @Test("field-server key rotate seals everything again; the server restarts on the new key and a new laptop reads the family back",
          arguments: ServerHarness.Store.available)
    func rotationThroughTheCommand(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let laptop = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let household = try Self.addFamily(laptop)
        try laptop.sync()
        #expect(server.stop() == 0)
        let before = try String(contentsOfFile: server.keyFile, encoding: .utf8)
        let rotated = try server.admin("key", "rotate")
        #expect(rotated.status == 0 && rotated.stdout.contains("values sealed again"), "\(rotated.stdout) \(rotated.stderr)")
        #expect(try String(contentsOfFile: server.keyFile, encoding: .utf8) != before)
        try server.restart()
        let other = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        try other.sync()
        let read = try other.openReplica().existing(Household.self, id: household).record
        #expect(read.noKK == Self.kk)
        #expect(server.stop() == 0)
        // The old key no longer opens the store, and the server says so.
        try before.write(toFile: server.keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: server.keyFile)
        let refused = try server.admin("agent", "list")
        #expect(refused.status != 0 && refused.stderr.contains("not this store's key"), "\(refused.stderr)")
    }

    @Test("The server refuses a store file that other users can read, and says how to fix it")
    func readableStoreIsRefused() throws {
        let server = try ServerHarness(.sqlite)
        #expect(server.stop() == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: server.database)
        let refused = try server.admin("agent", "list")
        #expect(refused.status != 0 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
    }
}
