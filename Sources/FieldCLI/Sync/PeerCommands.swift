import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

struct ServeLocalCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "serve-local",
            abstract: L("Layani pertukaran dengan laptop PSM di jaringan kantor, tanpa server (laptop TKSK).",
                        "Serve exchanges with PSM laptops on the office network, with no server (the TKSK's laptop)."),
            discussion: L("""
                Laptop PSM di jaringan yang sama menjalankan: field sync --peer http://ALAMAT-INI:PORT
                Sinkronisasinya sama seperti dengan server; setiap permintaan dan jawaban dienkripsi dengan kata sandi
                bundel yang disepakati dan ditandatangani perangkat terdaftar; orang asing di Wi-Fi tidak dapat membaca
                atau menulis. Laptop PSM hanya menerima data wilayah yang diberikan server kepadanya. Hentikan dengan Ctrl-C.
                  field serve-local --host 0.0.0.0 --port 8089
                """, """
                PSM laptops on the same network run: field sync --peer http://THIS-ADDRESS:PORT
                The sync is the same as with the server; every request and answer is encrypted under the agreed bundle
                passphrase and signed by an enrolled device; a stranger on the Wi-Fi can neither read nor write. A PSM
                laptop receives only the area the server granted it. Stop it with Ctrl-C.
                  field serve-local --host 0.0.0.0 --port 8089
                """))
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("Alamat yang didengarkan (0.0.0.0: semua jaringan).", "The address to listen on (0.0.0.0: every network)."))) var host = "0.0.0.0"
    @Option(help: ArgumentHelp(L("Port (0: pilih yang bebas dan cetak).", "Port (0: pick a free one and print it)."))) var port = 8089

    func run() throws {
        try global.withReplica { replica, _ in
            // The laptop that answers holds a wider area than the laptops that call it: a PSM's
            // laptop keeps only its kelurahan, so a TKSK syncing with it would be told its work
            // was not stored.
            guard [.tksk, .psmCoordinator, .dinas].contains(replica.agent.role) else {
                throw CLIError("field serve-local dijalankan di laptop TKSK (atau koordinator PSM): laptop ini (\(replica.agent.role.rawValue)) hanya menyimpan wilayahnya sendiri. Dari laptop ini, bertukarlah dengan: field sync --peer http://ALAMAT-LAPTOP-TKSK:8089",
                               "field serve-local runs on the TKSK's (or the PSM coordinator's) laptop: this laptop (\(replica.agent.role.rawValue)) keeps its own area only. From this laptop, exchange with: field sync --peer http://TKSK-LAPTOP-ADDRESS:8089",
                               code: Exit.outsideArea)
            }
            let identity = try PeerIdentity(replica)
            let secret = try BundleFile.passphrase(confirm: false)
            let listener = try PeerListener(host: host, port: port)
            // Written straight away (not buffered), so a log or a script sees each line as it happens.
            let say = { (text: String) in FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
            say(L("Melayani pertukaran di http://\(host):\(listener.port) untuk \(replica.agent.id) (\(replica.agent.areaID)).",
                  "Serving exchanges on http://\(host):\(listener.port) for \(replica.agent.id) (\(replica.agent.areaID))."))
            let service = PeerService(replica: replica, identity: identity, seal: PeerSeal(passphrase: secret)) { say(L($0.id, $0.en)) }
            listener.serve { path, body in
                if path == PeerTransport.attachmentsPath { return service.handleAttachments(body) }
                guard path == PeerTransport.path else { return (404, Data("not found\n".utf8)) }
                return service.handle(body)
            }
        }
    }
}

extension SyncCommand {
    /// `field sync --peer URL`: the same sync as with the server (`SyncMachine`), with a TKSK
    /// laptop running `serve-local`, every request and answer sealed under the bundle passphrase
    /// and signed by an enrolled device.
    func syncWithPeer(_ address: String, replica: LocalReplica, console: Console) throws {
        let identity = try PeerIdentity(replica)
        let secret = try BundleFile.passphrase(confirm: false)
        let trimmed = address.hasSuffix("/") ? String(address.dropLast()) : address
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw CLIError("--peer '\(address)' bukan alamat http(s), mis. http://192.168.1.10:8089",
                           "--peer '\(address)' is not an http(s) address, e.g. http://192.168.1.10:8089", field: "peer")
        }
        try BundleCommand.warnWithoutGrant(replica, console: console)
        let transport = PeerTransport(url: trimmed, identity: identity, passphrase: secret, timeout: timeout, caFile: connection.ca)
        var client = SyncClient(replica: replica, transport: transport, target: .peer(trimmed),
                                progress: ProgressBar(enabled: isatty(STDERR_FILENO) == 1 && !console.json))
        client.batchSize = batchSize
        var report = try client.run()
        if !recordsOnly {
            report.photos = try AttachmentSync(replica: replica, transport: transport, budget: maxPhotoBytes,
                                               progress: ProgressBar(enabled: isatty(STDERR_FILENO) == 1 && !console.json)).run()
        }
        let agent = transport.peer?.sender.agent ?? trimmed
        if let peer = transport.peer {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var known = try replica.peer(peer.sender.replica)
                ?? LocalReplica.Peer(replica: peer.sender.replica, agent: peer.sender.agent, scope: ScopeGrant.nothing,
                                     knowledge: VersionVector(), heardAt: now)
            known.scope = peer.grantedScope(authority: identity.authority)
            // What the peer holds of the replicas this laptop holds, as the closing session said.
            if let session = client.lastSession.value { known.knowledge = known.knowledge.union(session.serverVector) }
            known.heardAt = now
            known.sentAt = now
            try replica.rememberPeer(known)
        }
        console.say("Dikirim \(report.pushed) perubahan ke \(agent) (\(report.accepted) baru baginya); diterima \(report.pulled) perubahan.",
                    "Sent \(report.pushed) changes to \(agent) (\(report.accepted) new to it); received \(report.pulled) changes.")
        PhotoSummary.say(report.photos, recordsOnly: recordsOnly, replica: replica, console: console)
        if report.conflicts > 0 {
            console.say("\(report.conflicts) konflik perlu diputuskan: field conflicts list", "\(report.conflicts) conflicts need a decision: field conflicts list")
        }
        struct Out: Encodable {
            var sent: Int; var accepted: Int; var received: Int; var peer: String; var conflicts: Int
            var photos: AttachmentSync.Report?
        }
        try console.emit(Out(sent: report.pushed, accepted: report.accepted, received: report.pulled, peer: agent, conflicts: report.conflicts,
                             photos: report.photos))
    }
}
