import FieldModels
import Foundation
@testable import LocalStore
import Testing

@Suite("Replica file: durability settings and privacy at rest")
struct FileTests {
    /// Every byte the replica has on disk: the database and its WAL.
    private func bytesOnDisk(_ path: String) throws -> Data {
        var data = Data()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            data += try Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        return data
    }

    @Test("The file runs in WAL mode with synchronous=NORMAL and is readable only by its owner")
    func durability() throws {
        let path = Fixture.temporaryPath()
        let replica = try Fixture.replica(.file, path: path)
        let settings = try replica.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 1, "NORMAL is 1; this SQLite build defaults to FULL (2)")
        #expect(try replica.integrityCheck() == ["ok"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("The file holds no NIK, No. KK, health note or PMKS evidence in readable form; lookups still work")
    func noPlaintextOnDisk() throws {
        let path = Fixture.temporaryPath()
        let replica = try Fixture.replica(.file, path: path)
        let (household, people) = Fixture.family()
        let entry = SocialMapEntry(kind: .pmks, category: PMKSCategory.odha.rawValue, personID: people[0].id,
                                   evidence: "Surat rujukan Puskesmas Srondol", assessmentDate: CivilDate("2026-11-20"),
                                   kelurahanID: Fixture.kelurahan)
        try replica.save([household] + people, now: Fixture.now)
        try replica.save([entry], now: Fixture.now)
        let disk = try bytesOnDisk(path)
        let secrets = people.map(\.nik) + [household.noKK, "kursi roda", "Puskesmas Srondol", "odha"]
        for secret in secrets {
            #expect(disk.range(of: Data(secret.utf8)) == nil, "found on disk: \(secret.prefix(4))…")
        }
        #expect(disk.range(of: Data("Budi Santoso".utf8)) != nil, "names are not sealed: the check above can see text")
        #expect(try replica.search(people[1].nik).map(\.id) == [people[1].id])
        let reopened = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase)
        #expect(try reopened.record(SocialMapEntry.self, id: entry.id)?.record.pmksCategory == .odha)
    }

    @Test("A wrong passphrase gets a clear error and changes nothing in the file")
    func wrongPassphrase() throws {
        let path = Fixture.temporaryPath()
        let replica = try Fixture.replica(.file, path: path)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let before = try replica.count("change_log")
        let vectorBefore = try replica.versionVector()

        let error = try #require(throws: StoreError.self) {
            try LocalReplica.open(at: .file(path), passphrase: "salah-kata-sandi")
        }
        #expect(error.code == .wrongPassphrase)
        #expect(error.text.id.contains("Kata sandi salah") && error.text.en.contains("Nothing was changed"))

        let again = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase)
        #expect(try again.count("change_log") == before)
        #expect(try again.versionVector() == vectorBefore)
        #expect(try again.record(Person.self, id: people[0].id)?.record == people[0])
    }

    @Test("A replica cannot be created twice in one file, and a missing file says to run init")
    func createOpenErrors() throws {
        let path = Fixture.temporaryPath()
        _ = try Fixture.replica(.file, path: path)
        let twice = try #require(throws: StoreError.self) {
            try LocalReplica.create(at: .file(path), passphrase: "x", agent: Fixture.agent, kdf: .testing)
        }
        #expect(twice.code == .alreadyInitialized)
        let missing = try #require(throws: StoreError.self) {
            try LocalReplica.open(at: .file(Fixture.temporaryPath()), passphrase: "x")
        }
        #expect(missing.code == .notInitialized && missing.text.id.contains("field init"))
    }
}
