import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// `field status`: what this laptop holds, what it has not passed on yet and to whom, and when
/// it last exchanged with the server and with each peer.
struct StatusCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: L("Apa yang ada di laptop ini, apa yang belum terkirim dan ke siapa.",
                        "What this laptop holds, and what it has not passed on yet, and to whom."))
    }

    @OptionGroup var global: GlobalOptions

    struct PeerStatus: Encodable {
        var agent: String
        var replica: String
        var heardAt: Int64
        var sentAt: Int64?
        /// Changes held here that the peer lacks in its scope, as far as this laptop knows.
        var lacks: Int
    }

    struct Status: Encodable {
        var replica: String
        var agent: String
        var area: String
        var server: String?
        var records: [String: Int]
        var conflicts: Int
        var lastSync: Int64?
        /// This laptop's own changes the server did not hold at the last sync.
        var unsent: Int
        var peers: [PeerStatus]
        /// Photos held here the server has not acknowledged, their bytes, and photos of records
        /// here not received yet.
        var photosToSend: Int
        var photoBytesToSend: Int
        var photosToReceive: Int
    }

    func run() throws {
        try global.withReplica { replica, console in
            let peers = try replica.peers().map { peer in
                PeerStatus(agent: peer.agent, replica: peer.replica.rawValue, heardAt: peer.heardAt, sentAt: peer.sentAt,
                           lacks: try replica.changes(for: peer.scope, notIn: peer.knowledge).changes.count)
            }
            let queue = try replica.attachmentQueue()
            let status = Status(replica: replica.replicaID.rawValue, agent: replica.agent.id, area: replica.agent.areaID,
                                server: try replica.enrolment()?.server,
                                records: Dictionary(uniqueKeysWithValues: try replica.recordCounts().map { ($0.key.rawValue, $0.value) }),
                                conflicts: try replica.conflictCount(),
                                lastSync: try replica.syncState("last").flatMap { Int64($0) }, unsent: try replica.unsentOwnChanges(),
                                peers: peers, photosToSend: queue.toSend, photoBytesToSend: queue.toSendBytes,
                                photosToReceive: queue.toReceive)
            let counts = try replica.recordCounts()
            console.say("Replika \(status.replica) — \(status.agent), wilayah \(status.area)",
                        "Replica \(status.replica) — \(status.agent), area \(status.area)")
            console.say("  Data     : \(counts[.household] ?? 0) rumah tangga, \(counts[.person] ?? 0) orang, \(counts[.socialMap] ?? 0) entri PMKS/PSKS, \(counts[.visit] ?? 0) kunjungan; \(status.conflicts) konflik",
                        "  Records  : \(counts[.household] ?? 0) households, \(counts[.person] ?? 0) persons, \(counts[.socialMap] ?? 0) PMKS/PSKS entries, \(counts[.visit] ?? 0) visits; \(status.conflicts) conflicts")
            if let server = status.server {
                let last = status.lastSync.map(Self.time) ?? L("belum pernah", "never")
                console.say("  Server   : \(server); sinkron terakhir \(last); \(status.unsent) perubahan sendiri belum ada di server",
                            "  Server   : \(server); last sync \(last); \(status.unsent) own changes not on the server yet")
            } else {
                console.say("  Server   : belum terdaftar (field enroll); \(status.unsent) perubahan sendiri belum terkirim",
                            "  Server   : not enrolled (field enroll); \(status.unsent) own changes not sent yet")
            }
            if queue.toSend + queue.toReceive > 0 {
                let bytes = byteCount(queue.toSendBytes)
                console.say("  Foto     : \(queue.toSend) foto menunggu dikirim (\(bytes)), \(queue.toReceive) foto menunggu diterima",
                            "  Photos   : \(queue.toSend) photos waiting to be sent (\(bytes)), \(queue.toReceive) photos waiting to be received")
            }
            for peer in peers {
                let sent = peer.sentAt.map(Self.time) ?? L("belum pernah", "never")
                console.say("  Rekan    : \(peer.agent) (\(peer.replica)) — terakhir terdengar darinya \(Self.time(peer.heardAt)), dikirimi \(sent); ia belum punya \(peer.lacks) perubahan dari sini",
                            "  Peer     : \(peer.agent) (\(peer.replica)) — last heard from \(Self.time(peer.heardAt)), last sent to \(sent); it lacks \(peer.lacks) changes held here")
            }
            try console.emit(status)
        }
    }

    static func time(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
    }
}
