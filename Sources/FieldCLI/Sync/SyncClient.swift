import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// One `field sync`: session, push of what the server lacks, pull of what the laptop lacks in
/// its scope, repeated until a round moves nothing. Every pulled page is applied together with
/// the note of how far the pull got, so a cut connection or a crash resumes where it stopped.
struct SyncClient {
    let replica: LocalReplica
    let transport: HTTPTransport
    var batchSize = WireProtocol.batchChanges
    let progress: ProgressBar

    struct Report: Encodable {
        var rounds = 0
        var pushed = 0
        var accepted = 0
        var pulled = 0
        var bytesSent = 0
        var bytesReceived = 0
        var scope = ""
        var removedOutsideScope = 0
        /// The agent's new area, when the server moved it.
        var agentArea: String?
        var conflicts = 0
        /// Set when the server held other content under this laptop's replica id (a restored
        /// copy): the id the laptop writes as from now on.
        var newReplica: String?
        /// Own changes moved to the new id, because the server held other content under their dots.
        var reissued = 0
    }

    /// Where a pull stands between pages, kept in the replica.
    private struct PullProgress: Codable {
        var scope: String
        var knowledge: VersionVector
        var upTo: VersionVector
        var after: Dot
    }

    func run(maxRounds: Int = 5) throws -> Report {
        var report = Report()
        var session = try openSession()
        // What the server must hold of this laptop's own work when the sync ends: everything
        // written before the last push began (capture may go on meanwhile).
        var mustHold: UInt64 = 0
        for _ in 1...maxRounds {
            report.rounds += 1
            if try reconcile(with: session, report: &report) { session = try openSession() }
            report.scope = session.scope.key
            mustHold = try replica.fullVersionVector()[replica.replicaID]
            let (pushed, accepted) = try push(over: session.serverVector, limit: min(batchSize, session.maxBatchChanges))
            let (pulled, upTo) = try pull(scope: session.scope)
            report.pushed += pushed
            report.accepted += accepted
            report.pulled += pulled
            if let previous = try replica.syncState("scope"), previous != session.scope.key {
                report.removedOutsideScope += try replica.forget(outside: session.scope, heldBy: session.serverVector.union(upTo)).count
            }
            try replica.setSyncState("scope", session.scope.key)
            if session.agent.area != replica.agent.areaID || session.agent.role != replica.agent.role {
                var agent = replica.agent
                agent.role = session.agent.role
                agent.areaID = session.agent.area
                try replica.updateAgent(agent)
                report.agentArea = session.agent.area
            }
            session = try openSession()
            if pushed == 0 && pulled == 0 { break }
        }
        try checkEverythingStored(session, mustHold: mustHold)
        try replica.setSyncState("last", String(Int64(Date().timeIntervalSince1970 * 1000)))
        report.bytesSent = transport.bytesSent
        report.bytesReceived = transport.bytesReceived
        report.conflicts = try replica.snapshot().conflicts.count
        return report
    }

    private func openSession() throws -> SessionResponse {
        let held = try replica.fullVersionVector()
        let named = Set(held.counters.keys).union(held.beyond.map(\.replica))
        return try transport.call("/v1/session", SessionRequest(replica: replica.replicaID, replicas: named.sorted()))
    }

    /// Compares what the server holds under each replica id this laptop has written as with
    /// what the laptop holds. Where they part (the laptop was restored from an old copy, with or
    /// without the files that guard it), the laptop takes a new replica id, moves its own
    /// changes past the parting point to it, and lowers its checkpoints so the next pull brings
    /// back what the server holds there. Returns whether anything changed (a new session is due).
    private func reconcile(with session: SessionResponse, report: inout Report) throws -> Bool {
        let server = Dictionary(session.own.map { ($0.replica, $0) }, uniquingKeysWith: { first, _ in first })
        var changed = false
        for id in try replica.ownReplicaIDs() {
            let held = server[id]
            let agreed = try agreedCounter(of: id, server: held)
            let diverged = held.map { agreed < $0.counter } ?? false
            if id == replica.replicaID {
                guard diverged else {
                    if let held { try replica.setSyncState("confirmed." + id.rawValue, String(held.counter)) }
                    continue
                }
                report.newReplica = try replica.renewIdentity().rawValue
            }
            let moved = try replica.reissue(from: id, after: agreed)
            report.reissued += moved
            if diverged { try replica.lowerCheckpoints(of: id, to: agreed) }
            changed = changed || moved > 0 || diverged
        }
        return changed
    }

    /// The highest counter up to which the laptop's own changes written as `id` are the very
    /// changes the server holds under those dots (0 when the server holds none).
    private func agreedCounter(of id: ReplicaID, server: OwnReplica?) throws -> UInt64 {
        guard let server, server.counter > 0 else { return 0 }
        let confirmed = min(UInt64(try replica.syncState("confirmed." + id.rawValue) ?? "") ?? 0, server.counter)
        let local = try replica.ownDigests(of: id, after: confirmed)
        let localByCounter = Dictionary(local.map { ($0.counter, $0.digest) }, uniquingKeysWith: { first, _ in first })
        if localByCounter[server.counter] == server.digest { return server.counter }
        var agreed = confirmed
        var after = confirmed
        while true {
            let page: DigestsResponse = try transport.call("/v1/digests", DigestsRequest(replica: id, after: after))
            for entry in page.digests {
                guard entry.counter == agreed + 1, localByCounter[entry.counter] == entry.digest else { return agreed }
                agreed = entry.counter
            }
            guard page.more, let last = page.digests.last else { return agreed }
            after = last.counter
        }
    }

    /// Ends the sync with an error when the server does not hold every change this laptop wrote:
    /// a sync never reports success over work that did not arrive.
    private func checkEverythingStored(_ session: SessionResponse, mustHold own: UInt64) throws {
        let stored = session.own.first { $0.replica == replica.replicaID }?.counter ?? 0
        guard stored < own else { return }
        throw CLIError("Server belum menyimpan \(own - stored) perubahan laptop ini (tersimpan sampai \(stored) dari \(own)). Data tetap aman di laptop; jalankan field sync lagi, dan hubungi operator Dinas bila pesan ini berulang.",
                       "The server has not stored \(own - stored) of this laptop's changes (stored up to \(stored) of \(own)). The data stays safe on the laptop; run field sync again, and contact the Dinas operator if this message repeats.",
                       code: Exit.serverRefused)
    }

    /// Sends what the server lacks, in batches that keep transactions whole; each batch keeps
    /// its id across retries, so a batch whose answer was lost is not applied twice.
    private func push(over serverVector: VersionVector, limit: Int) throws -> (Int, Int) {
        let delta = try replica.changes(notIn: serverVector)
        guard !delta.isEmpty else { return (0, 0) }
        var sent = 0, accepted = 0
        progress.start(L("Kirim", "Send"), total: delta.changes.count, bytes: transport.bytesSent)
        for batch in Batching.batches(delta, maxChanges: limit) {
            let answer: PushResponse = try transport.call("/v1/push", PushRequest(batch: UUID().uuidString, batch))
            sent += batch.changes.count
            accepted += answer.accepted
            progress.update(done: sent, bytes: transport.bytesSent)
        }
        progress.finish()
        return (sent, accepted)
    }

    /// Receives, page by page, the changes in `scope` this laptop lacks. Returns the number
    /// received and the server's vector the pull covered.
    private func pull(scope: SyncScope) throws -> (Int, VersionVector) {
        let checkpointKey = "checkpoint." + scope.key
        var pending = try replica.syncState("pull").flatMap { try? JSONDecoder().decode(PullProgress.self, from: Data($0.utf8)) }
        if pending?.scope != scope.key { pending = nil }
        let checkpoint = try replica.syncState(checkpointKey).flatMap { try? JSONDecoder().decode(VersionVector.self, from: Data($0.utf8)) }
        let knowledge: VersionVector
        if let pending {
            knowledge = pending.knowledge
        } else {
            let held = VersionVector(try replica.fullVersionVector().counters)
            knowledge = checkpoint.map { $0.union(held) } ?? held
        }
        var request = PullRequest(knowledge: knowledge, upTo: pending?.upTo, after: pending?.after, maxChanges: batchSize)
        var received = 0
        progress.start(L("Terima", "Receive"), total: nil, bytes: transport.bytesReceived)
        while true {
            let page: PullResponse = try transport.call("/v1/pull", request)
            received += page.changes.count
            var state: [String: String?] = [:]
            if let next = page.next {
                state["pull"] = try Self.json(PullProgress(scope: scope.key, knowledge: knowledge, upTo: page.upTo, after: next))
            } else {
                state["pull"] = .some(nil)
                state[checkpointKey] = try Self.json(checkpoint.map { $0.union(page.upTo) } ?? page.upTo)
            }
            do {
                try replica.receive(page.sealed, state: state)
            } catch let error as StoreError where error.code == .refused {
                throw CLIError("Perubahan dari server ditolak, tidak ada yang disimpan: \(error.text.id) Hubungi operator Dinas.",
                               "Changes from the server were refused, nothing was stored: \(error.text.en) Contact the Dinas operator.",
                               code: Exit.serverRefused)
            }
            progress.update(done: received, bytes: transport.bytesReceived)
            guard let next = page.next else {
                progress.finish()
                return (received, page.upTo)
            }
            request = PullRequest(knowledge: knowledge, upTo: page.upTo, after: next, maxChanges: batchSize)
        }
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// A one-line progress bar on a terminal (stderr); silent when output is not a terminal.
final class ProgressBar {
    let enabled: Bool
    private var label = ""
    private var total: Int?

    init(enabled: Bool) { self.enabled = enabled }

    func start(_ label: String, total: Int?, bytes: Int) {
        self.label = label
        self.total = total
        update(done: 0, bytes: bytes)
    }

    func update(done: Int, bytes: Int) {
        guard enabled else { return }
        // The formatter spells nothing as "Zero KB"; a count reads better and lines up with the rest.
        let size = bytes < 1000 ? "\(bytes) bytes" : ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
        var line = "\r\(label.padding(toLength: 7, withPad: " ", startingAt: 0)) "
        if let total, total > 0 {
            let filled = min(30, done * 30 / total)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] \(done)/\(total)"
        } else {
            line += "\(done)"
        }
        line += " " + L("perubahan", "changes") + ", \(size)   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
