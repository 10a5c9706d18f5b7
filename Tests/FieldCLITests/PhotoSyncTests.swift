import FieldModels
import Foundation
import Imaging
@testable import LocalStore
@testable import SyncServer
import SyncEngine
import Testing

/// Photos and places from the laptop to the server and on to other laptops, through the real
/// `field` and `field-server`: records first, photos resumed after cuts and sent once.
@Suite("Photos and places through a real server", .serialized)
struct PhotoSyncTests {
    static let srondol = "33.74.11.1006"

    /// A camera-like photo file made here: `seed` makes it unique; EXIF with time and GPS.
    static func photoFile(in cli: CLI, seed: UInt32, width: Int = 2000, height: Int = 1500, gps: (Double, Double)? = (-6.990312, 110.422911)) throws -> String {
        let plain = try TestPicture.make(width: width, height: height, seed: seed)
        let data = try TestPicture.withEXIF(plain, time: "2026:11:03 09:15:42", latitude: gps?.0, longitude: gps?.1, camera: "KameraRahasia")
        let url = cli.directory.appendingPathComponent("photo-\(seed).jpg")
        try data.write(to: url)
        return url.path
    }

    static func addHousehold(_ cli: CLI, kk: Int, extra: [String] = []) throws -> String {
        let result = try cli.run(["household", "add", "--kk", "3374061203\(String(format: "%06d", kk))", "--address", "Jl. Foto \(kk)",
                                  "--rt", "1", "--rw", "2", "--json"] + extra)
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try result.jsonObject()["id"] as? String)
    }

    static func attach(_ cli: CLI, _ record: String, _ file: String, _ extra: String...) throws -> [String: Any] {
        let result = try cli.run(["photo", "add", record, file, "--json"] + extra)
        try #require(result.status == 0, "\(result.stderr)")
        return try result.jsonObject()
    }

    static func serverTotals(_ server: ServerHarness) async throws -> (count: Int, bytes: Int, chunks: Int) {
        let store = try await server.openStore()
        defer { Task { await store.database.close() } }
        return try await store.attachmentTotals()
    }

    @Test("A household's photo and place: GPS taken from the photo, sealed on the laptop, sent once, received and exported elsewhere; a photo shared by two records and added on two laptops is stored once",
          arguments: ServerHarness.Store.available)
    func photoTravels(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let household = try Self.addHousehold(siti, kk: 1)
        let file = try Self.photoFile(in: siti, seed: 1)
        let added = try Self.attach(siti, household, file, "--caption", "Tampak depan")
        let digest = try #require(added["digest"] as? String)
        #expect(added["location"] as? String == "-6.990312,110.422911,,photo")
        // The same photo on a visit of the household: one photo kept, referred to twice.
        let visit = try siti.run("visit", "add", "--household", household, "--purpose", "Verifikasi DTKS", "--lat", "-6.9904", "--lon", "110.4230", "--json")
        try #require(visit.status == 0, "\(visit.stderr)")
        let visitID = try #require(try visit.jsonObject()["id"] as? String)
        #expect(try Self.attach(siti, visitID, file)["digest"] as? String == digest)
        let replica = try siti.openReplica()
        #expect(try replica.referencedAttachments()[digest]?.count == 2)
        #expect(try replica.attachmentQueue().toSend == 1)

        let first = try siti.sync().jsonObject()
        let photos = try #require(first["photos"] as? [String: Any])
        #expect(photos["sent"] as? Int == 1)
        let size = try #require(try replica.attachment(digest)?.info.size)
        #expect(photos["sentBytes"] as? Int == size)
        var totals = try await Self.serverTotals(server)
        #expect(totals.count == 1 && totals.bytes == size)
        #expect(try siti.run("photo", "list", household).stdout.contains("terkirim"))

        // Rini adds the same picture to a household of her own: the server has it; nothing is sent.
        let hers = try Self.addHousehold(rini, kk: 2)
        try Self.attach(rini, hers, try Self.copy(file, to: rini))
        let second = try rini.sync().jsonObject()
        let herPhotos = try #require(second["photos"] as? [String: Any])
        #expect(herPhotos["sentBytes"] as? Int == 0 && herPhotos["received"] as? Int == 0)
        totals = try await Self.serverTotals(server)
        #expect(totals.count == 1 && totals.bytes == size)

        // The TKSK laptop receives both households and the one photo, and exports it.
        let third = try tksk.sync().jsonObject()
        #expect((third["photos"] as? [String: Any])?["received"] as? Int == 1)
        let folder = tksk.directory.appendingPathComponent("export")
        let exported = try tksk.run("photo", "export", household, "--to", folder.path, "--json").jsonObject()
        let written = try #require(exported["written"] as? [String])
        #expect(written.count == 2)   // the household's photo, and the same photo on its visit
        for path in written {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == replica.attachmentBytes(digest))
        }
        let shown = try tksk.run("household", "show", household, "--reveal")
        #expect(shown.stdout.contains("-6.990312, 110.422911"))
        // What reached the TKSK keeps the time and place and nothing of the camera.
        let bytes = try #require(try tksk.openReplica().attachmentBytes(digest))
        #expect(bytes.range(of: Data("KameraRahasia".utf8)) == nil)
        #expect(PhotoIntake.describe(bytes)?.takenAt == "2026-11-03 09:15:42")
        try Self.expectSealed(siti.database, server: server, digest: digest, photo: bytes)
    }

    static func copy(_ file: String, to cli: CLI) throws -> String {
        let url = cli.directory.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent)
        try FileManager.default.copyItem(atPath: file, toPath: url.path)
        return url.path
    }

    /// No coordinate and no photo bytes readable in the laptop's or the server's files.
    static func expectSealed(_ laptop: String, server: ServerHarness, digest: String, photo: Data) throws {
        var files = [laptop, laptop + "-wal"]
        if !server.database.hasPrefix("postgres") { files += [server.database, server.database + "-wal"] }
        let probes = [Data("-6.990312".utf8), Data("110.422911".utf8), Data("6.9903".utf8), photo.subdata(in: 2000..<2064),
                      photo.subdata(in: photo.count - 64..<photo.count)]
        for file in files where FileManager.default.fileExists(atPath: file) {
            let content = try Data(contentsOf: URL(fileURLWithPath: file))
            for probe in probes { #expect(content.range(of: probe) == nil, "\(file) holds readable \(probe.prefix(12))") }
        }
    }

    @Test("Fifty photos over a link cut every ~1 MB: records first, every photo once, the wire within 1.1× of the photos' bytes")
    func cutLink() async throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let count = Int(ProcessInfo.processInfo.environment["FIELDSYNC_PHOTOS"] ?? "") ?? 50
        var households: [String] = []
        for index in 0..<max(1, count / 5) { households.append(try Self.addHousehold(siti, kk: 100 + index)) }
        for index in 0..<count {
            try Self.attach(siti, households[index % households.count], try Self.photoFile(in: siti, seed: UInt32(1000 + index), gps: nil))
        }
        let replica = try siti.openReplica()
        let queued = try replica.attachmentsToUpload()
        #expect(queued.count == count)
        let photoBytes = queued.reduce(0) { $0 + $1.info.size }
        let seed = UInt64(ProcessInfo.processInfo.environment["FIELDSYNC_SEED"] ?? "") ?? UInt64.random(in: 1...99_999)
        let proxy = try CutProxy(target: server.port, cuts: 10_000, seed: seed, maxBytes: 2_000_000)
        let via = "http://127.0.0.1:\(proxy.port)"

        // A phone hotspot: the records go first and alone.
        let records = try siti.sync("--server", via, "--retries", "30", "--records-only").jsonObject()
        #expect(records["photos"] == nil)
        #expect(try await Self.serverTotals(server).count == 0)
        #expect(try siti.run("status").stdout.contains("\(count) foto menunggu dikirim"), "seed \(seed)")
        let recordBytes = proxy.forwarded

        let result = try siti.sync("--server", via, "--retries", "30").jsonObject()
        let photos = try #require(result["photos"] as? [String: Any])
        #expect(photos["sent"] as? Int == count, "seed \(seed)")
        let wire = proxy.forwarded - recordBytes
        #expect(Double(wire) <= 1.1 * Double(photoBytes), "seed \(seed): \(wire) bytes on the wire for \(photoBytes) of photos, \(proxy.cutsMade) cuts")
        let totals = try await Self.serverTotals(server)
        #expect(totals.count == count && totals.bytes == photoBytes, "seed \(seed)")
        let expectedChunks = queued.reduce(0) { $0 + ($1.info.size + AttachmentProtocol.chunkBytes - 1) / AttachmentProtocol.chunkBytes }
        #expect(totals.chunks == expectedChunks, "seed \(seed): a chunk stored twice or lost")
        #expect(proxy.cutsMade > 3, "the link was hardly cut")
        #expect(try replica.attachmentsToUpload().isEmpty)
        // A sync with nothing new sends no photo bytes.
        let again = try siti.sync("--server", via).jsonObject()
        #expect((again["photos"] as? [String: Any])?["sentBytes"] as? Int ?? 0 == 0)

        // The TKSK laptop fetches them over the same link, resuming each from the chunks it kept.
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        try tksk.sync("--server", via, "--retries", "30", "--records-only")
        let before = proxy.forwarded
        let fetched = try tksk.sync("--server", via, "--retries", "30").jsonObject()
        #expect((fetched["photos"] as? [String: Any])?["received"] as? Int == count, "seed \(seed)")
        #expect(Double(proxy.forwarded - before) <= 1.1 * Double(photoBytes), "seed \(seed)")
        let theirs = try tksk.openReplica()
        #expect(try theirs.missingAttachments().isEmpty)
        for held in queued { #expect(try theirs.attachmentBytes(held.info.digest) == replica.attachmentBytes(held.info.digest)) }
    }

    @Test("Photos relayed by the TKSK, from the office network and by bundle file, reach the server once, however many paths they take, and the Dinas receives them",
          arguments: ServerHarness.Store.available)
    func relayedByTheTKSK(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let household = try Self.addHousehold(siti, kk: 3)
        let digest = try #require(try Self.attach(siti, household, try Self.photoFile(in: siti, seed: 3))["digest"] as? String)
        let photo = try #require(try siti.openReplica().attachmentBytes(digest))

        let peer = try KecamatanTests.LocalPeer(tksk)
        let exchanged = try siti.run("sync", "--peer", peer.url, "--json")
        peer.stop()
        try #require(exchanged.status == 0, "\(exchanged.stderr)")
        #expect((try exchanged.jsonObject()["photos"] as? [String: Any])?["sent"] as? Int == 1)
        let relay = try tksk.openReplica()
        #expect(try relay.attachmentBytes(digest) == photo)

        // A second photo goes by bundle file, in a part of its own after the records; the parts
        // are imported photos first: the photo waits for its record.
        let second = try #require(try Self.attach(siti, household, try Self.photoFile(in: siti, seed: 4))["digest"] as? String)
        let out = siti.directory.appendingPathComponent("siti.fsb").path
        let made = try siti.run("bundle", "export", "--out", out, "--json")
        try #require(made.status == 0, "\(made.stderr)")
        let files = try #require(try made.jsonObject()["files"] as? [String])
        #expect(try made.jsonObject()["photos"] as? Int == 2 && files.count == 2, "every photo the records held refer to, in one file after the records")
        let imported = try tksk.run(["bundle", "import"] + files.reversed())
        #expect(imported.status == 0 && imported.stdout.contains("1 foto baru"), "\(imported.stderr)")
        #expect(try relay.attachmentBytes(second) == siti.openReplica().attachmentBytes(second))
        #expect(Set(try relay.attachmentsToUpload().map(\.info.digest)) == [digest, second])

        let relayed = try tksk.sync().jsonObject()
        #expect((relayed["photos"] as? [String: Any])?["sent"] as? Int == 2, "the TKSK sends both on")
        // Siti reaches the server herself later: the photo is there already, nothing is sent.
        let direct = try siti.sync().jsonObject()
        #expect((direct["photos"] as? [String: Any])?["sentBytes"] as? Int == 0)
        let totals = try await Self.serverTotals(server)
        #expect(totals.count == 2)
        let received = try dinas.sync().jsonObject()
        #expect((received["photos"] as? [String: Any])?["received"] as? Int == 2)
        #expect(try dinas.openReplica().attachmentBytes(digest) == photo)
    }

    @Test("--max-photo-bytes defers what does not fit, and the next sync sends the rest; bad files are refused at `photo add` with nothing stored")
    func budgetAndRefusals() throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let household = try Self.addHousehold(siti, kk: 5)
        for seed in 30..<33 { try Self.attach(siti, household, try Self.photoFile(in: siti, seed: UInt32(seed), gps: nil)) }
        let replica = try siti.openReplica()
        let sizes = try replica.attachmentsToUpload().map(\.info.size)
        let budget = sizes.max()! + 1
        let first = try #require(try siti.sync("--max-photo-bytes", "\(budget)").jsonObject()["photos"] as? [String: Any])
        #expect(first["sent"] as? Int == 1 && first["deferred"] as? Int == 2 && first["waitingToSend"] as? Int == 2)
        #expect(first["sentBytes"] as? Int ?? .max <= budget)
        #expect(try siti.run("status").stdout.contains("2 foto menunggu dikirim"))
        let rest = try #require(try siti.sync().jsonObject()["photos"] as? [String: Any])
        #expect(rest["sent"] as? Int == 2 && rest["waitingToSend"] as? Int == 0)

        // Refused at the door of the laptop: each with its reason, the replica unchanged.
        let before = try replica.snapshot()
        let valid = try TestPicture.make(width: 640, height: 480, seed: 40)
        var bomb = [UInt8](valid)
        let sof = try #require((0..<bomb.count - 1).first { bomb[$0] == 0xFF && bomb[$0 + 1] == 0xC0 })
        for offset in [5, 7] { bomb[sof + offset] = 0xC3; bomb[sof + offset + 1] = 0x50 }
        let cases: [(String, Data, String)] = [
            ("catatan.txt", Data("bukan foto\n".utf8), "bukan foto JPEG, PNG atau HEIC"),
            ("bom.jpg", Data(bomb), "megapiksel"),
            ("terpotong.jpg", valid.prefix(valid.count / 2), "rusak atau terpotong"),
            ("besar.jpg", valid + Data(count: 41 * 1_048_576), "lebih dari batas 40 MB"),
        ]
        for (name, data, message) in cases {
            let url = siti.directory.appendingPathComponent(name)
            try data.write(to: url)
            let result = try siti.run("photo", "add", household, url.path)
            #expect(result.status != 0 && result.stderr.contains(message) && result.stderr.contains("Tidak ada yang disimpan"), "\(name): \(result.stderr)")
        }
        #expect(try replica.snapshot() == before)
        #expect(try replica.attachmentQueue().toSend == 0)
        // --keep-original keeps the file as it came (sealed, never sent); export --original writes it.
        let original = siti.directory.appendingPathComponent("asli.jpg")
        try valid.write(to: original)
        let kept = try #require(try Self.attach(siti, household, original.path, "--keep-original")["digest"] as? String)
        #expect(try replica.attachmentBytes(kept, original: true) == valid)
        #expect(try replica.attachmentBytes(kept) != valid)
        let folder = siti.directory.appendingPathComponent("asli")
        let written = try #require(try siti.run("photo", "export", household, "--to", folder.path, "--original", "--json").jsonObject()["written"] as? [String])
        #expect(try written.contains { try Data(contentsOf: URL(fileURLWithPath: $0)) == valid })
        #expect(try replica.attachmentQueue().toSend == 1)
        #expect(try siti.sync().jsonObject()["photos"].flatMap { ($0 as? [String: Any])?["sentBytes"] as? Int } == replica.attachment(kept)?.info.size,
                "the re-encoded photo is sent, not the original")
        let missing = try siti.run("photo", "add", household, "/tmp/tidak-ada-\(UUID().uuidString).jpg")
        #expect(missing.status != 0 && missing.stderr.contains("tidak ada"))
        #expect(try replica.attachmentQueue().toSend == 0)
    }
}
