import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// One `field sync` with the server or a peer laptop: `LocalReplica.sync` runs `SyncMachine`
/// over the transport; this adds what only the server's sync does (repairing a restored
/// laptop, following the agent's new scope), the progress bar, and messages a person can act on.
struct SyncClient {
    /// Whom the laptop syncs with: the Dinas server, or a peer laptop (a TKSK's running
    /// `field serve-local`). A peer does not repair a restored laptop, move its agent or
    /// change its scope: only the server does; its checkpoints are kept apart.
    enum Target: Equatable {
        case server
        case peer(String)
    }

    let replica: LocalReplica
    let transport: any MeteredTransport
    var target = Target.server
    var batchSize = WireProtocol.batchChanges
    let progress: ProgressBar
    /// The last session answer of the run: what the other side held when the sync ended.
    final class LastSession { var value: SessionResponse? }
    let lastSession = LastSession()

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
        /// The photos moved after the records (absent with `--records-only`).
        var photos: AttachmentSync.Report?
    }

    func run(maxRounds: Int = 5) throws -> Report {
        var report = Report()
        let prefix = if case .peer(let url) = target { "peer.\(url)." } else { "" }
        let (from, fromEn) = target == .server ? ("server", "the server") : ("laptop rekan", "the peer laptop")
        let roles = target == .server
            ? SyncRoles(reconcile: { session in
                report.scope = session.scope.key
                return try reconcile(with: session, report: &report)
            }, adopt: { session, covered in try adopt(session, covered: covered, report: &report) })
            : .peer
        var pushTotal = 0, pushed = 0, pulled = 0
        let done: SyncMachine.Report
        do {
            done = try replica.sync(over: transport, SyncMachine.Configuration(batchSize: batchSize, maxRounds: maxRounds, statePrefix: prefix),
                                    roles: roles, progress: { event in
                switch event {
                case .session(let session):
                    lastSession.value = session
                case .pushing(let total):
                    (pushTotal, pushed) = (total, 0)
                    progress.start(L("Kirim", "Send"), total: total, bytes: transport.bytesSent)
                case .pushed(let count):
                    pushed += count
                    progress.update(done: pushed, bytes: transport.bytesSent)
                    if pushed == pushTotal { progress.finish() }
                case .pulling:
                    pulled = 0
                    progress.start(L("Terima", "Receive"), total: nil, bytes: transport.bytesReceived)
                case .stored(let count):
                    pulled += count
                    progress.update(done: pulled, bytes: transport.bytesReceived)
                case .pulled:
                    progress.finish()
                }
            })
        } catch let refused as PageRefused {
            throw CLIError("Perubahan dari \(from) ditolak, tidak ada yang disimpan: \(refused.error.text.id) Hubungi operator Dinas.",
                           "Changes from \(fromEn) were refused, nothing was stored: \(refused.error.text.en) Contact the Dinas operator.",
                           code: Exit.serverRefused)
        } catch SyncMachine.Failure.notStored(_, let stored, let own) {
            throw CLIError("\(from.prefix(1).uppercased() + from.dropFirst()) belum menyimpan \(own - stored) perubahan laptop ini (tersimpan sampai \(stored) dari \(own)). Data tetap aman di laptop; jalankan field sync lagi, dan hubungi operator Dinas bila pesan ini berulang.",
                           "\(fromEn.prefix(1).uppercased() + fromEn.dropFirst()) has not stored \(own - stored) of this laptop's changes (stored up to \(stored) of \(own)). The data stays safe on the laptop; run field sync again, and contact the Dinas operator if this message repeats.",
                           code: Exit.serverRefused)
        } catch SyncMachine.Failure.unexpected(let what) {
            throw CLIError("Jawaban \(from) tidak sesuai protokol (\(what)). Data tetap aman di laptop; hubungi operator Dinas.",
                           "The answer of \(fromEn) does not follow the protocol (\(what)). The data stays safe on the laptop; contact the Dinas operator.",
                           code: Exit.serverRefused)
        }
        report.rounds = done.rounds
        report.pushed = done.pushed
        report.accepted = done.accepted
        report.pulled = done.pulled
        if target == .server { try replica.setSyncState("last", String(Int64(Date().timeIntervalSince1970 * 1000))) }
        report.bytesSent = transport.bytesSent
        report.bytesReceived = transport.bytesReceived
        report.conflicts = try replica.conflictCount()
        return report
    }

    /// Follows what the session says of the agent: a new scope, a new area or role; and forgets
    /// what the server holds outside the scope (an old area's records, households that moved away).
    private func adopt(_ session: SessionResponse, covered: VersionVector, report: inout Report) throws {
        let previous = try replica.syncState("scope")
        if session.scope.kind == .area || (previous != nil && previous != session.scope.key) {
            report.removedOutsideScope += try replica.forget(outside: session.scope, heldBy: covered).count
        }
        try replica.setSyncState("scope", session.scope.key)
        try BundleCommand.keep(session.grant, in: replica)
        if session.agent.area != replica.agent.areaID || session.agent.role != replica.agent.role {
            var agent = replica.agent
            agent.role = session.agent.role
            agent.areaID = session.agent.area
            try replica.updateAgent(agent)
            report.agentArea = session.agent.area
        }
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
            var agreed: UInt64 = 0
            if let held, held.counter > 0 {
                let confirmed = min(UInt64(try replica.syncState("confirmed." + id.rawValue) ?? "") ?? 0, held.counter)
                let digest = { (counter: UInt64) in
                    try self.replica.ownDigests(of: id, after: counter - 1, limit: 1).first { $0.counter == counter }?.digest
                }
                agreed = try RewindCheck.agreedCounter(local: digest,
                                                       confirmed: confirmed, server: held, over: transport)
            }
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
}

/// A one-line progress bar on a terminal (stderr); silent when output is not a terminal.
final class ProgressBar {
    let enabled: Bool
    private var label = ""
    private var total: Int?
    private var unit = ""

    init(enabled: Bool) { self.enabled = enabled }

    func start(_ label: String, total: Int?, bytes: Int, unit: String = L("perubahan", "changes")) {
        self.label = label
        self.total = total
        self.unit = unit
        update(done: 0, bytes: bytes)
    }

    func update(done: Int, bytes: Int) {
        guard enabled else { return }
        // The formatter spells nothing as "Zero KB"; a count reads better and lines up with the rest.
        let size = byteCount(bytes)
        var line = "\r\(label.padding(toLength: 7, withPad: " ", startingAt: 0)) "
        if let total, total > 0 {
            let filled = min(30, done * 30 / total)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] \(done)/\(total)"
        } else {
            line += "\(done)"
        }
        line += " " + unit + ", \(size)   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
