import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// How `field` reaches the server: which certificates to trust, and whether plain http to
/// another machine is allowed.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(L("Sertifikat CA (PEM) yang dipercaya untuk server https, selain milik sistem (bawaan: yang diberikan saat enroll, atau $SSL_CERT_FILE).",
                                 "A CA certificate (PEM) to trust for an https server, besides the system's (default: the one given at enrol, or $SSL_CERT_FILE)."),
                               valueName: "FILE"))
    var ca: String?
    @Flag(name: .customLong("insecure-http"),
          help: ArgumentHelp(L("Izinkan http:// tanpa enkripsi ke komputer lain (hanya di jaringan tertutup yang aman).",
                               "Allow unencrypted http:// to another machine (only on a closed network you trust).")))
    var insecureHTTP = false
}

struct EnrollCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "enroll",
            abstract: L("Daftarkan laptop ini ke server Dinas dengan kode sekali pakai.",
                        "Enrol this laptop with the Dinas server using a one-time code."),
            discussion: L("""
                Operator Dinas membuat kode dengan `field-server agent add` atau `field-server agent code`.
                Laptop membuat kunci Ed25519 sendiri; hanya kunci publik yang dikirim. Peran dan wilayah
                tugas diambil dari server.
                  field enroll --server https://sync.dinsos.example.go.id --code 7KQ2-M9X4-TD1B
                """, """
                The Dinas operator makes the code with `field-server agent add` or `field-server agent code`.
                The laptop makes its own Ed25519 key; only the public key is sent. Role and area come
                from the server.
                  field enroll --server https://sync.dinsos.example.go.id --code 7KQ2-M9X4-TD1B
                """))
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp(L("Alamat server sinkronisasi.", "The sync server's address."), valueName: "URL")) var server: String
    @Option(help: ArgumentHelp(L("Kode pendaftaran dari operator Dinas.", "Enrolment code from the Dinas operator."))) var code: String
    @Option(help: ArgumentHelp(L("Nama perangkat ini (bawaan: nama host).", "This device's name (default: host name)."))) var name: String?

    func run() throws {
        try global.withReplica { replica, console in
            // A first enrolment certifies the key and replica id the laptop has written with
            // since `field init`; enrolling again takes a new key and a new replica id, so
            // nothing signed by the old key is ever attributed to the new device.
            let first = try replica.enrolment() == nil
            let key = first ? replica.deviceKey : LocalReplica.newDeviceKey()
            let replicaID = first ? replica.replicaID : ReplicaID.random()
            let transport = try HTTPTransport(server: server, signer: nil, retries: 3, caFile: connection.ca,
                                              insecureHTTP: connection.insecureHTTP)
            let request = EnrollRequest(code: code, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                                        deviceName: name ?? ProcessInfo.processInfo.hostName, replica: replicaID)
            let answer: EnrollResponse
            do {
                answer = try transport.call("/v1/enroll", request)
            } catch let refusal as RemoteRefusal {
                throw CLIError(refusal.text.id, refusal.text.en, code: Exit.serverRefused)
            }
            guard EnrolmentProof.check(answer.authorityProof, code: code, authority: answer.authority),
                  answer.certificate.isIssued(by: answer.authority), answer.certificate.replica == replicaID,
                  answer.certificate.publicKey == key.publicKey.rawRepresentation else {
                throw CLIError("Jawaban server tidak dapat dibuktikan dengan kode pendaftaran: mungkin bukan server Dinas. Tidak ada yang disimpan; periksa alamat --server.",
                               "The server's answer cannot be proven with the enrolment code: it may not be the Dinas server. Nothing was saved; check the --server address.",
                               code: Exit.serverRefused)
            }
            let agent = Agent(id: answer.agent.id, name: answer.agent.name, role: answer.agent.role, areaID: answer.agent.area,
                              ntrNumber: replica.agent.ntrNumber, ntrValidFrom: replica.agent.ntrValidFrom,
                              ntrValidUntil: replica.agent.ntrValidUntil, registration: replica.agent.registration)
            if first {
                try replica.adoptAgent(agent.id)
            } else {
                try replica.renewIdentity(key: key, replica: replicaID)
            }
            try replica.saveEnrolment(server: server, device: answer.device, authority: answer.authority,
                                      certificate: answer.certificate, agent: agent)
            try BundleCommand.keep(answer.grant, in: replica)
            // The CA given here is the one later syncs with this server trust too.
            try replica.setSyncState("ca", connection.ca.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
            console.say("Laptop terdaftar sebagai \(answer.device) untuk \(agent.name) (\(agent.id), \(agent.role.rawValue), wilayah \(answer.scope)).",
                        "Laptop enrolled as \(answer.device) for \(agent.name) (\(agent.id), \(agent.role.rawValue), scope \(answer.scope)).")
            if agent.areaID != replica.agent.areaID || agent.id != replica.agent.id {
                console.say("Petugas dan wilayah di laptop ini kini mengikuti server (sebelumnya \(replica.agent.id), \(replica.agent.areaID)).",
                            "The agent and area on this laptop now follow the server (was \(replica.agent.id), \(replica.agent.areaID)).")
            }
            console.say("Berikutnya: field sync", "Next: field sync")
            struct Out: Encodable { var device: String; var agent: AgentProfile; var scope: SyncScope }
            try console.emit(Out(device: answer.device, agent: answer.agent, scope: answer.scope))
        }
    }
}

struct SyncCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "sync",
            abstract: L("Sinkronkan dengan server Dinas: kirim, lalu terima, sampai tidak ada yang baru.",
                        "Sync with the Dinas server: send, then receive, until nothing is new."),
            discussion: L("""
                Aman diputus kapan saja: jalankan lagi dan sinkronisasi melanjutkan tanpa data ganda atau hilang. \
                Pencatatan tetap bisa dilakukan selama sinkronisasi berjalan.

                Proksi kantor dipakai dari https_proxy / http_proxy. Sertifikat server https diperiksa dengan \
                daftar CA sistem; CA milik Dinas diberikan dengan --ca FILE (atau $SSL_CERT_FILE), atau dipasang \
                dengan update-ca-certificates. http:// tanpa enkripsi hanya ke komputer ini, kecuali --insecure-http.

                Kode keluar: 8 jaringan gagal (atau sertifikat tidak dipercaya), 9 server menolak.

                  field sync
                  field sync --retries 10
                  field sync --peer http://192.168.1.10:8089     dengan laptop TKSK (field serve-local), tanpa server
                """, """
                Safe to cut at any moment: run it again and it resumes with nothing doubled or lost. \
                Capture keeps working while a sync runs.

                An office proxy is taken from https_proxy / http_proxy. An https server's certificate is \
                checked against the system CA list; a Dinas's own CA is given with --ca FILE (or $SSL_CERT_FILE), \
                or installed with update-ca-certificates. Plain http:// only to this machine, unless --insecure-http.

                Exit codes: 8 network failed (or certificate not trusted), 9 server refused.

                  field sync
                  field sync --retries 10
                  field sync --peer http://192.168.1.10:8089     with a TKSK laptop (field serve-local), no server
                """))
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp(L("Alamat server (bawaan: yang dipakai saat enroll).", "Server address (default: the one enrolled with)."),
                               valueName: "URL")) var server: String?
    @Option(help: ArgumentHelp(L("Berapa kali mencoba ulang saat jaringan gagal.", "How many times to retry when the network fails.")))
    var retries = 5
    @Option(help: ArgumentHelp(L("Batas waktu tiap permintaan, dalam detik.", "Time limit of each request, in seconds.")))
    var timeout = 30
    @Option(name: .customLong("batch-size"), help: ArgumentHelp(L("Perubahan per batch.", "Changes per batch.")))
    var batchSize = WireProtocol.batchChanges
    @Option(help: ArgumentHelp(L("Bertukar dengan laptop TKSK yang menjalankan field serve-local, tanpa server.",
                                 "Exchange with a TKSK laptop running field serve-local, with no server."), valueName: "URL"))
    var peer: String?
    @Flag(name: .customLong("records-only"),
          help: ArgumentHelp(L("Hanya data, tanpa foto (foto menunggu sinkronisasi berikutnya).",
                               "Records only, no photos (the photos wait for the next sync).")))
    var recordsOnly = false
    @Option(name: .customLong("max-photo-bytes"),
            help: ArgumentHelp(L("Paling banyak sekian bait foto dalam sinkronisasi ini (mis. 5000000 di hotspot ponsel); sisanya menunggu.",
                                 "At most this many bytes of photos in this sync (e.g. 5000000 on a phone hotspot); the rest waits."),
                               valueName: "BYTES"))
    var maxPhotoBytes: Int?

    func validate() throws {
        guard (1...WireProtocol.maxBatchChanges).contains(batchSize) else {
            throw ValidationError(L("--batch-size harus 1 sampai \(WireProtocol.maxBatchChanges).", "--batch-size must be 1 to \(WireProtocol.maxBatchChanges)."))
        }
        guard (1...3600).contains(timeout) else { throw ValidationError(L("--timeout harus 1 sampai 3600 detik.", "--timeout must be 1 to 3600 seconds.")) }
        guard (0...100).contains(retries) else { throw ValidationError(L("--retries harus 0 sampai 100.", "--retries must be 0 to 100.")) }
        if let maxPhotoBytes, maxPhotoBytes < 0 {
            throw ValidationError(L("--max-photo-bytes tidak boleh negatif.", "--max-photo-bytes may not be negative."))
        }
    }

    func run() throws {
        try global.withReplica { replica, console in
            if let peer { return try syncWithPeer(peer, replica: replica, console: console) }
            guard let enrolment = try replica.enrolment() else {
                throw CLIError("Laptop ini belum terdaftar. Minta kode ke operator Dinas, lalu: field enroll --server URL --code KODE",
                               "This laptop is not enrolled. Ask the Dinas operator for a code, then: field enroll --server URL --code CODE",
                               code: Exit.setup)
            }
            let transport = try HTTPTransport(server: server ?? enrolment.server, signer: (enrolment.device, enrolment.key), retries: retries,
                                              timeout: timeout, caFile: try connection.ca ?? replica.syncState("ca"),
                                              insecureHTTP: connection.insecureHTTP)
            let terminal = isatty(STDERR_FILENO) == 1 && !console.json
            transport.onRetry = { attempt, reason in
                if !console.json { console.warn(L("Jaringan gagal (\(reason)); mencoba lagi (\(attempt))…", "Network failed (\(reason)); retrying (\(attempt))…")) }
            }
            var client = SyncClient(replica: replica, transport: transport, progress: ProgressBar(enabled: terminal))
            client.batchSize = batchSize
            var report: SyncClient.Report
            do {
                report = try client.run()
                if !recordsOnly {
                    report.photos = try AttachmentSync(replica: replica, transport: transport, budget: maxPhotoBytes,
                                                       progress: ProgressBar(enabled: terminal)).run()
                }
            } catch let refusal as RemoteRefusal {
                throw CLIError(refusal.text.id + " [\(refusal.code)]", refusal.text.en + " [\(refusal.code)]", code: Exit.serverRefused)
            }
            if let offset = transport.clockOffset, abs(offset) > 86_400_000 {
                let days = abs(offset) / 86_400_000
                console.warn(L("Jam laptop ini berbeda sekitar \(days) hari dari server. Sinkronisasi tidak terpengaruh, tetapi waktu di riwayat memakai jam laptop: perbaiki jam bila bisa.",
                               "This laptop's clock is about \(days) days off the server's. Sync is not affected, but times in the history use the laptop's clock: set it right if you can."))
            }
            let sent = byteCount(report.bytesSent)
            let received = byteCount(report.bytesReceived)
            console.say("Terkirim \(report.pushed) perubahan (\(report.accepted) baru bagi server, \(sent)); diterima \(report.pulled) perubahan (\(received)).",
                        "Sent \(report.pushed) changes (\(report.accepted) new to the server, \(sent)); received \(report.pulled) changes (\(received)).")
            if let fresh = report.newReplica {
                console.say("Laptop ini dipulihkan dari salinan lama: server menyimpan isi lain dengan id replikanya. Laptop kini menulis sebagai \(fresh); \(report.reissued) perubahan yang belum sampai ke server dikirim dengan id baru itu, dan yang hilang saat pemulihan diambil kembali dari server. Tidak ada data yang hilang.",
                            "This laptop was restored from an old copy: the server holds other content under its replica id. The laptop now writes as \(fresh); \(report.reissued) changes the server did not have were sent under that new id, and what the restore had lost was fetched back from the server. Nothing was lost.")
            } else if report.reissued > 0 {
                console.say("\(report.reissued) perubahan lama laptop ini yang belum sampai ke server dikirim dengan id replika sekarang.",
                            "\(report.reissued) earlier changes of this laptop that had not reached the server were sent under its current replica id.")
            }
            if let area = report.agentArea {
                console.say("Wilayah tugas Anda kini \(area) (diubah oleh Dinas).", "Your assigned area is now \(area) (changed by the Dinas).")
            }
            if report.removedOutsideScope > 0 {
                console.say("Wilayah tugas berubah: \(report.removedOutsideScope) catatan wilayah lama dihapus dari laptop ini (sudah aman di server).",
                            "The assigned area changed: \(report.removedOutsideScope) records of the old area were removed from this laptop (safe on the server).")
            }
            PhotoSummary.say(report.photos, recordsOnly: recordsOnly, replica: replica, console: console)
            if report.conflicts > 0 {
                console.say("\(report.conflicts) konflik perlu diputuskan: field conflicts list",
                            "\(report.conflicts) conflicts need a decision: field conflicts list")
            } else {
                console.say("Tidak ada konflik.", "No conflicts.")
            }
            try console.emit(report)
        }
    }
}
