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
        for _ in 1...maxRounds {
            report.rounds += 1
            let session: SessionResponse = try transport.call("/v1/session", SessionRequest(replica: replica.replicaID))
            report.scope = session.scope.key
            let own = try replica.fullVersionVector()[replica.replicaID]
            guard session.serverVector[replica.replicaID] <= own else {
                let error = SyncError.rewound(replica.replicaID, holds: own, peerHolds: session.serverVector[replica.replicaID])
                throw CLIError(error.text.id, error.text.en, code: Exit.serverRefused)
            }
            let (pushed, accepted) = try push(over: session.serverVector, limit: min(batchSize, session.maxBatchChanges))
            let (pulled, upTo) = try pull(scope: session.scope)
            report.pushed += pushed
            report.accepted += accepted
            report.pulled += pulled
            if let previous = try replica.syncState("scope"), previous != session.scope.key {
                report.removedOutsideScope += try replica.forget(outside: session.scope, heldBy: upTo).count
            }
            try replica.setSyncState("scope", session.scope.key)
            if session.agent.area != replica.agent.areaID || session.agent.role != replica.agent.role {
                var agent = replica.agent
                agent.role = session.agent.role
                agent.areaID = session.agent.area
                try replica.updateAgent(agent)
                report.agentArea = session.agent.area
            }
            if pushed == 0 && pulled == 0 { break }
        }
        report.bytesSent = transport.bytesSent
        report.bytesReceived = transport.bytesReceived
        report.conflicts = try replica.snapshot().conflicts.count
        return report
    }

    /// Sends what the server lacks, in batches that keep transactions whole; each batch keeps
    /// its id across retries, so a batch whose answer was lost is not applied twice.
    private func push(over serverVector: VersionVector, limit: Int) throws -> (Int, Int) {
        let delta = try replica.changes(notIn: serverVector)
        guard !delta.isEmpty else { return (0, 0) }
        var sent = 0, accepted = 0
        progress.start(L("Kirim", "Send"), total: delta.count, bytes: transport.bytesSent)
        for batch in Batching.batches(delta, maxChanges: limit) {
            let answer: PushResponse = try transport.call("/v1/push", PushRequest(batch: UUID().uuidString, changes: batch))
            sent += batch.count
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
            try replica.receive(page.changes, state: state)
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
