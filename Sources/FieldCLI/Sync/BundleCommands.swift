import ArgumentParser
import Crypto
import FieldModels
import Foundation
import LocalStore
import SyncEngine
import WireCodec

/// A bundle file, sealed under a bundle passphrase the two laptops' agents share (a lost USB
/// stick or a chat server holds nothing readable): `FSB2`, a 16-byte salt and the scrypt cost,
/// then AES-GCM over the sender's signature and the gzip payload (`SyncBundle` as JSON), the
/// header authenticated with it.
enum BundleFile {
    static let magic = Data("FSB2".utf8)
    /// Largest payload read back (a bundle is at most `--max-size` as written).
    static let maxInflated = 512 << 20
    /// scrypt cost of the bundle key: N = 2^15, as for a replica's passphrase.
    static let logN = 15

    static func encode(_ bundle: SyncBundle, key: Curve25519.Signing.PrivateKey, passphrase: String, logN: Int = logN) throws -> Data {
        let payload = try JSONEncoder().encode(bundle)
        let signature = try SyncBundle.sign(payload, key: key)
        let inner = Data([UInt8(signature.count)]) + signature + (try Gzip.compress(payload))
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        return try PassphraseBox.seal(inner, magic: magic, salt: salt, logN: logN, key: try Vault.passphraseKey(passphrase, salt: salt, logN: logN))
    }

    static func decode(_ data: Data, authority: Data, passphrase: String) throws -> SyncBundle {
        let inner: [UInt8]
        do {
            inner = [UInt8](try PassphraseBox.open(data, magic: magic) { try Vault.passphraseKey(passphrase, salt: $0, logN: $1) }.inner)
        } catch PassphraseBox.Failure.damaged {
            throw BundleError.damaged
        } catch PassphraseBox.Failure.wrongPassphrase {
            throw BundleFile.Failure.wrongPassphrase
        }
        guard inner.count > 1 + Int(inner[0]) else { throw BundleError.damaged }
        let signature = Data(inner[1..<(1 + Int(inner[0]))])
        let payload: Data
        do {
            payload = try Gzip.decompress(Data(inner[(1 + Int(inner[0]))...]), limit: maxInflated)
        } catch Gzip.Failure.tooLarge {
            throw BundleError.tooLarge(limit: maxInflated)
        } catch {
            throw BundleError.damaged
        }
        return try SyncBundle.open(payload: payload, signature: signature, authority: authority)
    }

    enum Failure: Error { case wrongPassphrase }

    /// Reads and checks a bundle file, with messages a person can act on.
    static func read(_ path: String, authority: Data, passphrase: String) throws -> SyncBundle {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Berkas bundel \(path) tidak dapat dibaca.", "The bundle file \(path) cannot be read.", code: Exit.notFound)
        }
        return try check(data, named: path, authority: authority, passphrase: passphrase)
    }

    /// Checks a bundle's bytes (`name` says where they came from in messages).
    static func check(_ data: Data, named name: String, authority: Data, passphrase: String) throws -> SyncBundle {
        do {
            return try decode(data, authority: authority, passphrase: passphrase)
        } catch let error as BundleError {
            throw CLIError("\(name): \(error.text.id)", "\(name): \(error.text.en)", code: Exit.serverRefused)
        } catch Failure.wrongPassphrase {
            throw CLIError("\(name): kata sandi bundel salah, atau bundelnya rusak. Tidak ada yang disimpan.",
                           "\(name): wrong bundle passphrase, or the bundle is damaged. Nothing was saved.", code: Exit.wrongPassphrase)
        }
    }

    /// The bundle passphrase: `$FIELD_BUNDLE_PASSPHRASE`, or asked for at a terminal (twice
    /// when making a bundle). Agreed between the agents who exchange bundles; 8 characters or more.
    static func passphrase(confirm: Bool) throws -> String {
        if let value = ProcessInfo.processInfo.environment["FIELD_BUNDLE_PASSPHRASE"], !value.isEmpty {
            guard value.count >= 8 else {
                throw CLIError("FIELD_BUNDLE_PASSPHRASE terlalu pendek: paling sedikit 8 karakter.",
                               "FIELD_BUNDLE_PASSPHRASE is too short: at least 8 characters.")
            }
            return value
        }
        guard Terminal.isInteractive else {
            throw CLIError("Kata sandi bundel belum diberikan. Jalankan di terminal, atau setel FIELD_BUNDLE_PASSPHRASE untuk skrip.",
                           "No bundle passphrase given. Run at a terminal, or set FIELD_BUNDLE_PASSPHRASE for scripts.")
        }
        guard let first = Terminal.secret(L("Kata sandi bundel (disepakati dengan penerima)", "Bundle passphrase (agreed with the recipient)")),
              first.count >= 8 else {
            throw CLIError("Kata sandi bundel paling sedikit 8 karakter.", "A bundle passphrase has at least 8 characters.")
        }
        if confirm, Terminal.secret(L("Ulangi kata sandi bundel", "Repeat the bundle passphrase")) != first {
            throw CLIError("Kedua kata sandi tidak sama. Tidak ada yang dibuat; coba lagi.", "The two passphrases differ. Nothing was made; try again.")
        }
        return first
    }
}

struct BundleCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "bundle",
            abstract: L("Tukar data lewat berkas (flashdisk, aplikasi obrolan) tanpa jaringan.",
                        "Exchange data by file (a USB stick, a chat app) without a network."),
            discussion: L("""
                PSM membuat bundel untuk TKSK, TKSK mengimpornya, lalu menjawab dengan bundel untuk PSM itu
                (hanya data wilayahnya). Bundel dienkripsi dengan kata sandi bundel yang disepakati keduanya
                (diminta di terminal, atau $FIELD_BUNDLE_PASSPHRASE), ditandatangani pengirimnya, dan setiap
                perubahan membawa segel asal perangkatnya. Mengimpor dua kali atau tidak berurutan aman.
                  field bundle export --out untuk-tksk.fsb
                  field bundle import dari-siti.fsb
                  field bundle export --since dari-siti.fsb --out untuk-siti.fsb
                """, """
                A PSM makes a bundle for its TKSK, the TKSK imports it and answers with a bundle for that PSM
                (only its area's data). A bundle is encrypted under a bundle passphrase both agree on (asked
                at a terminal, or $FIELD_BUNDLE_PASSPHRASE), signed by its sender, and each change keeps its
                origin device's seal. Importing twice or out of order is harmless.
                  field bundle export --out for-tksk.fsb
                  field bundle import from-siti.fsb
                  field bundle export --since from-siti.fsb --out for-siti.fsb
                """),
            subcommands: [Export.self, Import.self])
    }

    /// What a bundle command needs of the enrolment: the authority and this replica's certificate.
    static func trust(_ replica: LocalReplica) throws -> (authority: Data, certificate: ReplicaCertificate) {
        try replica.enrolment()
    }

    /// Keeps the newest scope grant the server gave, to show other laptops in bundles.
    static func keep(_ grant: ScopeGrant?, in replica: LocalReplica) throws {
        guard let grant else { return }
        try replica.setSyncState("grant", String(decoding: try JSONEncoder().encode(grant), as: UTF8.self))
    }

    /// The scope grant kept from the last enrolment or sync, if any.
    static func grant(of replica: LocalReplica) throws -> ScopeGrant? {
        try replica.syncState("grant").flatMap { try? JSONDecoder().decode(ScopeGrant.self, from: Data($0.utf8)) }
    }

    /// Says so when this laptop has no scope grant yet (enrolled by an older version and not
    /// synced since): other laptops then answer it with nothing.
    static func warnWithoutGrant(_ replica: LocalReplica, console: Console) throws {
        guard try grant(of: replica) == nil else { return }
        console.warn(L("Laptop ini belum membawa izin wilayah dari server Dinas, jadi laptop lain belum dapat mengirim data wilayah Anda. Jalankan field sync dengan server sekali.",
                       "This laptop does not carry a scope grant from the Dinas server yet, so other laptops cannot send it your area's data. Run field sync with the server once."))
    }

    struct Export: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Buat bundel berisi yang belum dimiliki penerima.", "Make a bundle of what the recipient lacks."))
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("Bundel yang pernah dikirim penerima: hanya yang belum ia miliki, dalam wilayahnya.",
                                     "A bundle the recipient sent: only what it lacks, in its scope."), valueName: "FILE"))
        var since: String?
        @Option(name: .customLong("for"), help: ArgumentHelp(L("Id replika penerima yang pernah mengirim bundel ke laptop ini.",
                                                              "The replica id of a recipient that sent this laptop a bundle before."),
                                                            valueName: "REPLICA"))
        var recipient: String?
        @Option(help: ArgumentHelp(L("Berkas tujuan.", "The file to write."), valueName: "FILE")) var out: String?
        @Option(name: .customLong("max-size"), help: ArgumentHelp(L("Ukuran terbesar satu berkas, MB (mis. 16 atau 0.5); bundel yang lebih besar dipecah.",
                                                                   "Largest file, MB (e.g. 16 or 0.5); a larger bundle is cut into parts.")))
        var maxSize = 16.0

        func validate() throws {
            guard since == nil || recipient == nil else {
                throw ValidationError(L("Pakai --since atau --for, tidak keduanya.", "Use --since or --for, not both."))
            }
            guard (0.01...2_000).contains(maxSize) else {
                throw ValidationError(L("--max-size harus 0.01 sampai 2000 MB.", "--max-size must be 0.01 to 2000 MB."))
            }
        }

        func run() throws {
            try global.withReplica { replica, console in
                let (authority, _) = try BundleCommand.trust(replica)
                let secret = try BundleFile.passphrase(confirm: true)
                var recipient: LocalReplica.Peer?
                if let since {
                    let theirs = try BundleFile.read(since, authority: authority, passphrase: secret)
                    recipient = try replica.peer(theirs.sender.replica)
                        ?? .init(replica: theirs.sender.replica, agent: theirs.sender.agent, scope: theirs.grantedScope(authority: authority), knowledge: theirs.knowledge,
                                 heardAt: theirs.created)
                } else if let recipientID = self.recipient {
                    guard let known = try replica.peer(ReplicaID(recipientID)) else {
                        throw CLIError("Belum pernah menerima bundel dari \(recipientID). Pakai --since BERKAS dengan bundel darinya.",
                                       "No bundle from \(recipientID) yet. Use --since FILE with a bundle it sent.", code: Exit.notFound)
                    }
                    recipient = known
                }
                try BundleCommand.warnWithoutGrant(replica, console: console)
                let made = try BundleExchange.make(replica, for: recipient, passphrase: secret, limit: Int(maxSize * 1_048_576))
                let base = out ?? "fieldsync-\(replica.agent.id)-\(CivilDate(Date())).fsb"
                var written: [String] = []
                for (index, data) in made.files.enumerated() {
                    let path = made.files.count == 1 ? base : Self.partName(base, index + 1, made.files.count)
                    try data.write(to: URL(fileURLWithPath: path))
                    written.append(path)
                }
                let name = recipient?.agent ?? L("siapa saja", "anyone")
                let size = byteCount(made.files.reduce(0) { $0 + $1.count })
                console.say("Bundel untuk \(name): \(made.changes) perubahan, \(made.photos) foto, \(size), \(written.count) berkas: \(written.joined(separator: ", ")).",
                            "Bundle for \(name): \(made.changes) changes, \(made.photos) photos, \(size), \(written.count) file(s): \(written.joined(separator: ", ")).")
                console.say("Di laptop penerima: field bundle import \(written.joined(separator: " "))",
                            "On the recipient's laptop: field bundle import \(written.joined(separator: " "))")
                struct Out: Encodable { var changes: Int; var photos: Int; var files: [String] }
                try console.emit(Out(changes: made.changes, photos: made.photos, files: written))
            }
        }

        static func partName(_ base: String, _ part: Int, _ parts: Int) -> String {
            let url = URL(fileURLWithPath: base)
            let stem = url.deletingPathExtension().path, suffix = url.pathExtension.isEmpty ? "fsb" : url.pathExtension
            return "\(stem)-\(part)of\(parts).\(suffix)"
        }
    }

    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Impor bundel (satu atau beberapa berkas, urutan bebas).",
                                             "Import bundles (one file or several, in any order)."))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("Berkas bundel.", "Bundle files."))) var files: [String]

        func run() throws {
            try global.withReplica { replica, console in
                let (authority, _) = try BundleCommand.trust(replica)
                let secret = try BundleFile.passphrase(confirm: false)
                var total = 0
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw CLIError("Berkas bundel \(file) tidak dapat dibaca.", "The bundle file \(file) cannot be read.", code: Exit.notFound)
                    }
                    let taken = try BundleExchange.take(data, named: file, into: replica, authority: authority, passphrase: secret,
                                                        progress: ProgressBar(enabled: isatty(STDERR_FILENO) == 1 && !console.json))
                    total += taken.fresh
                    console.say("\(file): \(taken.summary.id)", "\(file): \(taken.summary.en)")
                }
                let conflicts = try replica.conflictCount()
                if conflicts > 0 {
                    console.say("\(conflicts) konflik perlu diputuskan: field conflicts list", "\(conflicts) conflicts need a decision: field conflicts list")
                }
                struct Out: Encodable { var imported: Int; var conflicts: Int }
                try console.emit(Out(imported: total, conflicts: conflicts))
            }
        }
    }
}
