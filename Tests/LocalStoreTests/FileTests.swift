import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
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

    @Test("The file holds no NIK, No. KK, name, address, health note, PMKS category or evidence in readable form; lookups still work")
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
        let secrets = people.map(\.nik) + people.map(\.name) + ["Budi", "Santoso", "Wahyuni", household.noKK, "Setiabudi", "Mawar",
                                                                 "kursi roda", "Puskesmas Srondol", "odha", "1980-05-15"]
        for secret in secrets {
            #expect(disk.range(of: Data(secret.utf8)) == nil, "found on disk: \(secret.prefix(4))…")
        }
        #expect(disk.range(of: Data("Srondol Kulon".utf8)) != nil, "region names are not sealed: the check above can see text")
        #expect(try replica.search(people[1].nik).map(\.id) == [people[1].id])
        #expect(Set(try replica.search("Bud").map(\.id)) == [people[0].id], "the first three letters of a name find it")
        #expect(Set(try replica.search("sant").map(\.id)) == Set([people[0].id, people[2].id]), "any word, any case")
        #expect(Set(try replica.search("budi santo").map(\.id)) == [people[0].id], "every word must match")
        #expect(try replica.search("Setiab").map(\.id) == [household.id], "addresses too")
        #expect(try replica.search("RT 3 RW 5").map(\.id) == [household.id])
        #expect(try replica.search("xyzzy").isEmpty)
        #expect(throws: StoreError.self, "two letters are too few to search") { try replica.search("Bu") }
        let reopened = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
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
            try LocalReplica.open(at: .file(path), passphrase: "salah-kata-sandi", stateDirectory: Fixture.stateDirectory)
        }
        #expect(error.code == .wrongPassphrase)
        #expect(error.text.id.contains("Kata sandi salah") && error.text.en.contains("Nothing was changed"))

        let again = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
        #expect(try again.count("change_log") == before)
        #expect(try again.versionVector() == vectorBefore)
        #expect(try again.record(Person.self, id: people[0].id)?.record == people[0])
    }

    @Test("A replica cannot be created twice in one file, and a missing file says to run init")
    func createOpenErrors() throws {
        let path = Fixture.temporaryPath()
        _ = try Fixture.replica(.file, path: path)
        let twice = try #require(throws: StoreError.self) {
            try LocalReplica.create(at: .file(path), passphrase: "x", agent: Fixture.agent, kdf: .testing, stateDirectory: Fixture.stateDirectory)
        }
        #expect(twice.code == .alreadyInitialized)
        let missing = try #require(throws: StoreError.self) {
            try LocalReplica.open(at: .file(Fixture.temporaryPath()), passphrase: "x")
        }
        #expect(missing.code == .notInitialized && missing.text.id.contains("field init"))
    }

    @Test("A file restored from an old backup takes a new replica id on opening, so nothing it writes is dropped by peers")
    func restoredBackupTakesNewIdentity() throws {
        let path = Fixture.temporaryPath()
        let backup = path + ".monday"
        let peer = MemoryReplica(ReplicaID("ffff00000000peer"))
        let (household, _) = Fixture.family()
        let original: ReplicaID
        do {
            let replica = try Fixture.replica(.file, path: path)
            try replica.save([household], now: Fixture.now)
            try Sync.pull(into: peer, from: replica)
            original = replica.replicaID
        }   // closed: the WAL is checkpointed into the file
        try FileManager.default.copyItem(atPath: path, toPath: backup)
        do {
            let replica = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
            #expect(replica.replicaID == original, "an ordinary reopen keeps the id")
            var tuesday = household
            tuesday.address = "Jl. Selasa 2"
            try replica.save([tuesday], now: Fixture.now)
            try Sync.pull(into: peer, from: replica)
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: path)

        let restored = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
        #expect(restored.replicaID != original)
        try Fixture.certify(restored)   // the server certifies the new id at the next session
        var wednesday = try restored.existing(Household.self, id: household.id).record
        wednesday.rt = "009"
        let changes = try restored.save([wednesday], now: Fixture.now).changes
        #expect(changes.map(\.dot) == [Dot(restored.replicaID, 1)])
        try Sync.pull(into: peer, from: restored)
        try Sync.pull(into: restored, from: peer)
        #expect(try restored.snapshot() == peer.snapshot())
        let shown = try restored.existing(Household.self, id: household.id).record
        #expect(shown.address == "Jl. Selasa 2" && shown.rt == "009", "Tuesday's edit came back; Wednesday's was not dropped")
        let again = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
        #expect(again.replicaID == restored.replicaID, "the new id sticks")
    }
}
