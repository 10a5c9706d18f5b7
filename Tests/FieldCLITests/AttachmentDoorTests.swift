@testable import FieldCLI
import FieldModels
import LocalStore
import Foundation
import Imaging
@testable import SyncServer
import SyncEngine
import Testing

/// What the server does with attachments a device sends or asks for, tried by a device that
/// signs properly and sends what it likes: each bad request refused with its code, and the
/// store left as it was.
@Suite("Attachments at the server's door", .serialized)
struct AttachmentDoorTests {
    static let srondol = "33.74.11.1006"
    static let pudak = "33.74.11.1001"

    /// A household of `intruder`'s own that refers to `digest` (one transaction).
    static func householdWithPhoto(_ intruder: Intruder, digest: String, counter: UInt64) -> [Change] {
        var changes = intruder.household(area: srondol, counter: counter)
        let last = changes.last!
        changes.append(Change(dot: Dot(intruder.replica, last.dot.counter + 1), transaction: last.transaction, recordType: .household,
                              recordID: changes[0].recordID, area: srondol, field: AttachmentProtocol.fieldPrefix + digest,
                              value: .bool(true), supersedes: [], lamport: last.lamport + 1, wallTime: last.wallTime, agent: intruder.agent))
        return changes
    }

    static func offer(_ intruder: Intruder, _ info: AttachmentInfo) throws -> AttachmentState {
        let answer: AttachmentOfferResponse = try intruder.transport.call("/v1/attachments/offer", AttachmentOffer(attachments: [info]))
        return try #require(answer.attachments.first)
    }

    /// The refusal code of `body`, or nil when it went through.
    static func refusal(_ body: () throws -> Void) throws -> String? {
        do {
            try body()
            return nil
        } catch let refusal as RemoteRefusal {
            #expect(!refusal.text.id.isEmpty && refusal.text.id != refusal.text.en)
            return refusal.code
        }
    }

    static func chunk(_ intruder: Intruder, _ digest: String, _ offset: Int, _ bytes: Data) throws -> AttachmentState {
        try intruder.transport.upload("/v1/attachments/chunk/\(digest)/\(offset)", bytes: bytes)
    }

    static func totals(_ server: ServerHarness) async throws -> (count: Int, bytes: Int, chunks: Int) {
        let store = try await server.openStore()
        let totals = try await store.attachmentTotals()
        await store.database.close()
        return totals
    }

    @Test("Unreferenced, out-of-scope, malformed, oversized, misplaced and mismatching attachments are refused and leave nothing; a good one is kept once",
          arguments: ServerHarness.Store.available)
    func door(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let mallory = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: Self.srondol))
        let outsider = try Intruder(server, agent: "A-PUDAK", code: try server.addAgent(id: "A-PUDAK", role: "psm", area: Self.pudak))
        let photo = try PhotoIntake.prepare(try TestPicture.make(width: 1600, height: 1200, seed: 9)).bytes
        #expect(photo.count > 2 * AttachmentProtocol.chunkBytes)
        let digest = PhotoIntake.digest(photo)
        let info = AttachmentInfo(digest: digest, size: photo.count, caption: "Tampak depan")

        // No record refers to it yet.
        #expect(try Self.offer(mallory, info).refused?.code == "unreferenced_attachment")
        let household = Self.householdWithPhoto(mallory, digest: digest, counter: 1)
        #expect(try mallory.push(household, seals: try mallory.seal(household)) == nil)
        // A record outside the asker's area refers to it: still refused, and nothing to fetch.
        #expect(try Self.offer(outsider, info).refused?.code == "unreferenced_attachment")
        // Malformed descriptions.
        for bad in [AttachmentInfo(digest: "../../etc/passwd", size: 10), AttachmentInfo(digest: digest, size: 0),
                    AttachmentInfo(digest: digest, size: AttachmentProtocol.maxBytes + 1),
                    AttachmentInfo(digest: digest, size: photo.count, mediaType: "text/html"),
                    AttachmentInfo(digest: digest, size: photo.count, caption: "baris\u{202E}terbalik"),
                    AttachmentInfo(digest: digest, size: photo.count, takenAt: "kemarin")] {
            #expect(try Self.offer(mallory, bad).refused?.code == "bad_attachment", "\(bad)")
        }
        var totals = try await Self.totals(server)
        #expect(totals == (0, 0, 0))

        #expect(try Self.offer(mallory, info) == AttachmentState(digest: digest, received: 0, complete: false))
        // A chunk over the size, a chunk at the wrong place, a chunk past the end.
        #expect(try Self.refusal { _ = try Self.chunk(mallory, digest, 0, Data(count: AttachmentProtocol.chunkBytes + 1)) } == "bad_attachment")
        #expect(try Self.chunk(mallory, digest, 4096, photo.subdata(in: 4096..<8192)).received == 0)
        #expect(try Self.refusal { _ = try Self.chunk(mallory, "zz", 0, photo.prefix(10)) } == "bad_attachment")
        // Bytes that do not match the digest: refused when the last is in, and all of it thrown away.
        let forged = Data(photo.reversed())
        var offset = 0
        var code: String?
        while offset < forged.count, code == nil {
            let end = min(offset + AttachmentProtocol.chunkBytes, forged.count)
            code = try Self.refusal { offset = try Self.chunk(mallory, digest, offset, forged.subdata(in: offset..<end)).received }
        }
        #expect(code == "attachment_digest_mismatch")
        totals = try await Self.totals(server)
        #expect(totals == (0, 0, 0))
        #expect(try Self.refusal { _ = try Self.chunk(mallory, digest, 0, photo.prefix(100)) } == "unknown_attachment")

        // The true bytes, sent twice over (as after a lost answer): kept once.
        #expect(try Self.offer(mallory, info).received == 0)
        offset = 0
        while offset < photo.count {
            let end = min(offset + AttachmentProtocol.chunkBytes, photo.count)
            let state = try Self.chunk(mallory, digest, offset, photo.subdata(in: offset..<end))
            #expect(try Self.chunk(mallory, digest, offset, photo.subdata(in: offset..<end)).received == state.received)
            offset = state.received
        }
        #expect(try Self.offer(mallory, info).complete)
        totals = try await Self.totals(server)
        #expect(totals.count == 1 && totals.bytes == photo.count)
        #expect(totals.chunks == (photo.count + AttachmentProtocol.chunkBytes - 1) / AttachmentProtocol.chunkBytes)

        // Fetching: the owner's area may; another area may not, even naming the digest.
        let wanted: AttachmentWantResponse = try mallory.transport.call("/v1/attachments/want", AttachmentWant(digests: [digest]))
        #expect(wanted.attachments.map(\.caption) == ["Tampak depan"])
        let theirs: AttachmentWantResponse = try outsider.transport.call("/v1/attachments/want", AttachmentWant(digests: [digest]))
        #expect(theirs.attachments.isEmpty)
        #expect(try Self.refusal { _ = try outsider.transport.download("/v1/attachments/fetch", AttachmentFetch(digest: digest, offset: 0)) }
                == "unknown_attachment")
        #expect(try Self.refusal { _ = try mallory.transport.download("/v1/attachments/fetch", AttachmentFetch(digest: digest, offset: photo.count)) }
                == "bad_attachment")
        var fetched = Data()
        while fetched.count < photo.count {
            fetched += try mallory.transport.download("/v1/attachments/fetch", AttachmentFetch(digest: digest, offset: fetched.count))
        }
        #expect(fetched == photo)
        #expect(try Self.refusal {
            let _: AttachmentOfferResponse = try mallory.transport.call("/v1/attachments/offer",
                AttachmentOffer(attachments: Array(repeating: info, count: AttachmentProtocol.maxPerRequest + 1)))
        } == "bad_attachment")
    }

    @Test("A laptop answering a peer (serve-local) takes only photos its records in the asker's area refer to, refuses forged bytes, and gives nothing outside the asker's area")
    func peerDoor() throws {
        let cli = try CLI()
        try #require(try cli.run("init", "--name", "Bambang", "--role", "psm", "--area", "Srondol Kulon", "--regions", CLI.semarangCSV,
                                 "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10").status == 0)
        let replica = try cli.openReplica()
        let photo = try PhotoIntake.prepare(try TestPicture.make(width: 1600, height: 1200, seed: 21)).bytes
        let digest = PhotoIntake.digest(photo)
        let info = AttachmentInfo(digest: digest, size: photo.count)
        let srondol = SyncScope(kind: .area, area: Self.srondol), pudak = SyncScope(kind: .area, area: Self.pudak)
        func state(_ answer: AttachmentAnswer) throws -> AttachmentState {
            switch answer {
            case .offer(let response): return try #require(response.attachments.first)
            case .chunk(let state): return state
            default: throw CLIHarnessError.adminFailed("unexpected answer")
            }
        }
        #expect(try state(replica.answer(.offer(AttachmentOffer(attachments: [info])), scope: srondol)).refused?.code == "unreferenced_attachment")
        // A household here refers to it (its record came first); the photo itself is not here yet.
        var household = Household(noKK: "3374061203150007", address: "Jl. Rujukan 1", rt: "1", rw: "2", kelurahanID: Self.srondol)
        household.photos = [digest]
        _ = try replica.save([household])
        #expect(try state(replica.answer(.offer(AttachmentOffer(attachments: [info])), scope: pudak)).refused?.code == "unreferenced_attachment")
        #expect(try state(replica.answer(.offer(AttachmentOffer(attachments: [AttachmentInfo(digest: digest, size: 0)])), scope: srondol))
            .refused?.code == "bad_attachment")
        #expect(try state(replica.answer(.offer(AttachmentOffer(attachments: [info])), scope: srondol)) == AttachmentState(digest: digest, received: 0, complete: false))
        // Forged bytes of the right size: refused when the last is in, nothing kept.
        let forged = Data(photo.reversed())
        var offset = 0, last = AttachmentState(digest: digest, received: 0, complete: false)
        while offset < forged.count, last.refused == nil {
            let end = min(offset + AttachmentProtocol.chunkBytes, forged.count)
            last = try state(replica.answer(.chunk(AttachmentChunk(info: info, offset: offset, bytes: forged.subdata(in: offset..<end))), scope: srondol))
            offset = end
        }
        #expect(last.refused?.code == "attachment_digest_mismatch")
        #expect(try replica.partialAttachment(digest) == 0 && replica.attachment(digest) == nil)
        // A chunk at the wrong place changes nothing.
        #expect(try state(replica.answer(.chunk(AttachmentChunk(info: info, offset: 4096, bytes: photo.subdata(in: 4096..<8192))), scope: srondol)).received == 0)
        // The true bytes: kept, and then given to the same area only.
        offset = 0
        while offset < photo.count {
            let end = min(offset + AttachmentProtocol.chunkBytes, photo.count)
            last = try state(replica.answer(.chunk(AttachmentChunk(info: info, offset: offset, bytes: photo.subdata(in: offset..<end))), scope: srondol))
            offset = last.received
        }
        #expect(try last.complete && replica.attachmentBytes(digest) == photo)
        #expect(try replica.attachmentsToUpload().map(\.info.digest) == [digest], "a photo from a peer goes on to the server")
        guard case .want(let theirs) = try replica.answer(.want(AttachmentWant(digests: [digest])), scope: pudak) else { throw CLIHarnessError.adminFailed("want") }
        #expect(theirs.attachments.isEmpty)
        #expect(throws: StoreError.self) { try replica.answer(.fetch(AttachmentFetch(digest: digest, offset: 0)), scope: pudak) }
        guard case .fetch(let bytes) = try replica.answer(.fetch(AttachmentFetch(digest: digest, offset: 0)), scope: srondol) else { throw CLIHarnessError.adminFailed("fetch") }
        #expect(bytes == photo.prefix(AttachmentProtocol.chunkBytes))
    }
}
