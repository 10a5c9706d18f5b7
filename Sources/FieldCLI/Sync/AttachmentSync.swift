import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// The photo half of a sync, after the records: offers the photos the server lacks and sends
/// them chunk by chunk from where the server stands (a cut costs at most the chunk in flight;
/// a photo the server holds is never sent again), then fetches the photos of records in scope
/// that this laptop lacks, resuming a download from the chunks it kept.
struct AttachmentSync {
    let replica: LocalReplica
    let transport: any AttachmentChannel
    /// Photo bytes this run may move (sent and received); the rest waits for the next sync.
    var budget: Int?
    let progress: ProgressBar

    struct Report: Encodable {
        var sent = 0
        var sentBytes = 0
        var received = 0
        var receivedBytes = 0
        /// Photos left for a later sync by the byte budget.
        var deferred = 0
        /// Photos the server would not take, with its reason.
        var refused: [Refused] = []
        /// What still waits after this run.
        var waitingToSend = 0
        var waitingToReceive = 0

        struct Refused: Encodable {
            var digest: String
            var code: String
            var message: String
        }
    }

    func run() throws -> Report {
        var report = Report()
        var left = budget ?? .max
        try send(&report, left: &left)
        try receive(&report, left: &left)
        let queue = try replica.attachmentQueue()
        report.waitingToSend = queue.toSend
        report.waitingToReceive = queue.toReceive
        return report
    }

    private func send(_ report: inout Report, left: inout Int) throws {
        let queue = try replica.attachmentsToUpload()
        guard !queue.isEmpty else { return }
        progress.startPhotos(L("Foto ↑", "Photos ↑"), total: queue.count)
        var done = 0
        for start in stride(from: 0, to: queue.count, by: AttachmentProtocol.maxPerRequest) {
            let batch = Array(queue[start..<min(start + AttachmentProtocol.maxPerRequest, queue.count)])
            let answer = try transport.offer(AttachmentOffer(attachments: batch.map(\.info)))
            let states = Dictionary(answer.attachments.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
            for held in batch {
                defer { done += 1; progress.updatePhotos(done: done, bytes: transport.bytesSent) }
                guard let state = states[held.info.digest] else { continue }
                if let refused = state.refused {
                    report.refused.append(.init(digest: held.info.digest, code: refused.code, message: L(refused.message, refused.messageEn)))
                    continue
                }
                if state.complete {
                    try replica.markUploaded(held.info.digest)
                    continue
                }
                guard left >= held.info.size - state.received else {
                    report.deferred += 1
                    continue
                }
                guard let bytes = try replica.attachmentBytes(held.info.digest) else { continue }
                var received = state.received
                var refusal: ErrorBody.Detail?
                while received < bytes.count, refusal == nil {
                    let end = min(received + AttachmentProtocol.chunkBytes, bytes.count)
                    let receipt = try transport.chunk(held.info, offset: received, bytes: bytes.subdata(in: received..<end))
                    refusal = receipt.refused
                    guard refusal == nil else { break }
                    left -= end - received
                    report.sentBytes += end - received
                    received = receipt.complete ? bytes.count : receipt.received
                }
                if let refusal {
                    report.refused.append(.init(digest: held.info.digest, code: refusal.code, message: L(refusal.message, refusal.messageEn)))
                    continue
                }
                try replica.markUploaded(held.info.digest)
                report.sent += 1
            }
        }
        progress.finish()
    }

    private func receive(_ report: inout Report, left: inout Int) throws {
        let missing = try replica.missingAttachments()
        guard !missing.isEmpty else { return }
        var infos: [AttachmentInfo] = []
        for start in stride(from: 0, to: missing.count, by: AttachmentProtocol.maxPerRequest) {
            let digests = Array(missing[start..<min(start + AttachmentProtocol.maxPerRequest, missing.count)])
            let answer = try transport.want(AttachmentWant(digests: digests))
            infos += answer.attachments.filter { digests.contains($0.digest) && $0.problem == nil }
        }
        guard !infos.isEmpty else { return }
        progress.startPhotos(L("Foto ↓", "Photos ↓"), total: infos.count)
        for (index, info) in infos.enumerated() {
            defer { progress.updatePhotos(done: index + 1, bytes: transport.bytesReceived) }
            var offset = try replica.partialAttachment(info.digest)
            guard left >= info.size - offset else {
                report.deferred += 1
                continue
            }
            while offset < info.size {
                let bytes = try transport.fetch(AttachmentFetch(digest: info.digest, offset: offset))
                guard !bytes.isEmpty else { break }
                left -= bytes.count
                report.receivedBytes += bytes.count
                if try replica.storeDownloaded(bytes, at: offset, info: info, fromServer: transport.isServer) {
                    report.received += 1
                    break
                }
                let now = try replica.partialAttachment(info.digest)
                // The parts were thrown away: the whole did not match its digest.
                guard now > offset else {
                    report.refused.append(.init(digest: info.digest, code: ErrorCode.attachmentDigestMismatch.rawValue,
                                                message: L("isi dari server tidak cocok dengan digestnya", "the server's bytes do not match the digest")))
                    break
                }
                offset = now
            }
        }
        progress.finish()
    }
}

/// Where photos go and come from: the server (`HTTPTransport`) or a peer laptop (`PeerTransport`).
protocol AttachmentChannel {
    var isServer: Bool { get }
    var bytesSent: Int { get }
    var bytesReceived: Int { get }
    func offer(_ offer: AttachmentOffer) throws -> AttachmentOfferResponse
    func chunk(_ info: AttachmentInfo, offset: Int, bytes: Data) throws -> AttachmentState
    func want(_ want: AttachmentWant) throws -> AttachmentWantResponse
    func fetch(_ fetch: AttachmentFetch) throws -> Data
}

extension HTTPTransport: AttachmentChannel {
    var isServer: Bool { true }
    func offer(_ offer: AttachmentOffer) throws -> AttachmentOfferResponse { try call("/v1/attachments/offer", offer) }
    func chunk(_ info: AttachmentInfo, offset: Int, bytes: Data) throws -> AttachmentState {
        try upload("/v1/attachments/chunk/\(info.digest)/\(offset)", bytes: bytes)
    }
    func want(_ want: AttachmentWant) throws -> AttachmentWantResponse { try call("/v1/attachments/want", want) }
    func fetch(_ fetch: AttachmentFetch) throws -> Data { try download("/v1/attachments/fetch", fetch) }
}

extension ProgressBar {
    func startPhotos(_ label: String, total: Int) { start(label, total: total, bytes: 0, unit: L("foto", "photos")) }
    func updatePhotos(done: Int, bytes: Int) { update(done: done, bytes: bytes) }
}
