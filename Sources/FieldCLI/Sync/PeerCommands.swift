import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// Peer exchange over a local network, with no server: a bundle each way in one request. The
/// PSM's laptop posts a bundle of what the TKSK lacks; the TKSK's laptop takes it and answers
/// with a bundle of what the PSM lacks in its scope. Both bundles are encrypted under the bundle
/// passphrase and signed by an enrolled device (certified by the Dinas server), so a stranger
/// on the Wi-Fi can neither read nor write, even over plain HTTP.
enum PeerExchange {
    static let path = "/v1/bundle"

    /// One exchange, on the TKSK's side: the answer's status and body.
    static func answer(_ body: Data, replica: LocalReplica, authority: Data, passphrase: String,
                       log: (LocalizedText) -> Void) -> (status: Int, body: Data) {
        do {
            let taken = try BundleExchange.take(body, named: "peer", into: replica, authority: authority, passphrase: passphrase)
            let peer = try replica.peer(taken.bundle.sender.replica)
            let made = try BundleExchange.make(replica, for: peer, passphrase: passphrase, limit: .max)
            log(LocalizedText(id: "\(taken.bundle.sender.agent): diterima \(taken.fresh) perubahan baru, dikirim \(made.changes).",
                              en: "\(taken.bundle.sender.agent): received \(taken.fresh) new changes, sent \(made.changes)."))
            return (200, made.files[0])
        } catch let error as CLIError {
            log(error.text)
            return (403, Data((L(error.text.id, error.text.en) + "\n").utf8))
        } catch {
            log(LocalizedText(id: "Pertukaran gagal: \(error)", en: "The exchange failed: \(error)"))
            return (500, Data("internal error\n".utf8))
        }
    }
}

struct ServeLocalCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "serve-local",
            abstract: L("Layani pertukaran dengan laptop PSM di jaringan kantor, tanpa server (laptop TKSK).",
                        "Serve exchanges with PSM laptops on the office network, with no server (the TKSK's laptop)."),
            discussion: L("""
                Laptop PSM di jaringan yang sama menjalankan: field sync --peer http://ALAMAT-INI:PORT
                Setiap pertukaran adalah bundel terenkripsi dengan kata sandi bundel yang disepakati dan ditandatangani
                perangkat terdaftar; orang asing di Wi-Fi tidak dapat membaca atau menulis. Hentikan dengan Ctrl-C.
                  field serve-local --host 0.0.0.0 --port 8089
                """, """
                PSM laptops on the same network run: field sync --peer http://THIS-ADDRESS:PORT
                Each exchange is a bundle encrypted under the agreed bundle passphrase and signed by an enrolled
                device; a stranger on the Wi-Fi can neither read nor write. Stop it with Ctrl-C.
                  field serve-local --host 0.0.0.0 --port 8089
                """))
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("Alamat yang didengarkan (0.0.0.0: semua jaringan).", "The address to listen on (0.0.0.0: every network)."))) var host = "0.0.0.0"
    @Option(help: ArgumentHelp(L("Port (0: pilih yang bebas dan cetak).", "Port (0: pick a free one and print it)."))) var port = 8089

    func run() throws {
        try global.withReplica { replica, _ in
            let (authority, _) = try BundleCommand.trust(replica)
            let secret = try BundleFile.passphrase(confirm: false)
            let listener = try PeerListener(host: host, port: port)
            // Written straight away (not buffered), so a log or a script sees each line as it happens.
            let say = { (text: String) in FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
            say(L("Melayani pertukaran di http://\(host):\(listener.port)\(PeerExchange.path) untuk \(replica.agent.id) (\(replica.agent.areaID)).",
                  "Serving exchanges on http://\(host):\(listener.port)\(PeerExchange.path) for \(replica.agent.id) (\(replica.agent.areaID))."))
            listener.serve { path, body in
                guard path == PeerExchange.path else { return (404, Data("not found\n".utf8)) }
                return PeerExchange.answer(body, replica: replica, authority: authority, passphrase: secret) { say(L($0.id, $0.en)) }
            }
        }
    }
}

extension SyncCommand {
    /// `field sync --peer URL`: one exchange of bundles with a TKSK laptop running `serve-local`.
    func syncWithPeer(_ address: String, replica: LocalReplica, console: Console) throws {
        let (authority, _) = try BundleCommand.trust(replica)
        let secret = try BundleFile.passphrase(confirm: false)
        let trimmed = address.hasSuffix("/") ? String(address.dropLast()) : address
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw CLIError("--peer '\(address)' bukan alamat http(s), mis. http://192.168.1.10:8089",
                           "--peer '\(address)' is not an http(s) address, e.g. http://192.168.1.10:8089", field: "peer")
        }
        let known = try replica.syncState("peer.url." + trimmed).flatMap { try replica.peer(ReplicaID($0)) }
        try BundleCommand.warnWithoutGrant(replica, console: console)
        let made = try BundleExchange.make(replica, for: known, passphrase: secret, limit: .max)
        let session = CurlSession(timeout: timeout, caFile: connection.ca, userAgent: "field/\(FieldVersion.current)")
        let answer: CurlSession.Answer
        do {
            answer = try session.post(trimmed + PeerExchange.path, headers: ["Content-Type": "application/octet-stream"], body: made.files[0])
        } catch CurlSession.Failure.network(let detail), CurlSession.Failure.untrusted(let detail) {
            throw CLIError("Laptop rekan \(trimmed) tidak dapat dihubungi (\(detail)). Data tetap aman di laptop ini.",
                           "The peer laptop \(trimmed) cannot be reached (\(detail)). The data stays safe on this laptop.", code: Exit.network)
        }
        guard answer.status == 200 else {
            let reason = String(decoding: answer.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError("Laptop rekan menolak pertukaran: \(reason)", "The peer laptop refused the exchange: \(reason)", code: Exit.serverRefused)
        }
        let taken = try BundleExchange.take(answer.body, named: trimmed, into: replica, authority: authority, passphrase: secret)
        try replica.setSyncState("peer.url." + trimmed, taken.bundle.sender.replica.rawValue)
        if var peer = try replica.peer(taken.bundle.sender.replica) {
            peer.sentAt = Int64(Date().timeIntervalSince1970 * 1000)
            try replica.rememberPeer(peer)
        }
        console.say("Dikirim \(made.changes) perubahan ke \(taken.bundle.sender.agent); diterima \(taken.summary.id)",
                    "Sent \(made.changes) changes to \(taken.bundle.sender.agent); received \(taken.summary.en)")
        let conflicts = try replica.snapshot().conflicts.count
        if conflicts > 0 {
            console.say("\(conflicts) konflik perlu diputuskan: field conflicts list", "\(conflicts) conflicts need a decision: field conflicts list")
        }
        struct Out: Encodable { var sent: Int; var received: Int; var peer: String; var conflicts: Int }
        try console.emit(Out(sent: made.changes, received: taken.fresh, peer: taken.bundle.sender.agent, conflicts: conflicts))
    }
}
