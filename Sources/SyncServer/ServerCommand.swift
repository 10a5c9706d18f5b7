import ArgumentParser
import FieldModels
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import Logging
import ServiceLifecycle
import SyncEngine

/// The Dinas Sosial sync server: receives change batches from field laptops and serves each
/// agent its area; also the operator's tool for agents, enrolment codes and devices.
@main
struct FieldServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field-server",
        abstract: "Server sinkronisasi FieldSync untuk Dinas Sosial / FieldSync sync server for Dinas Sosial.",
        discussion: """
            Contoh / Examples:
              field-server serve                                   jalan dengan SQLite bawaan (fieldsync-server.sqlite)
              field-server serve --database postgres://fieldsync@127.0.0.1:5432/fieldsync
              field-server serve --host 0.0.0.0 --port 443 --tls-cert server.pem --tls-key server.key
              field-server agent add --name "Siti" --role psm --area 33.74.10.1004
              field-server agent code A-XXXX                       kode pendaftaran sekali pakai yang baru
              field-server device list
              field-server device revoke DV-XXXX
              field-server audit --kind code_failed                siapa mencoba kode yang salah
            Bahasa: --lang en atau FIELD_LANG=en untuk bahasa Inggris.
            """,
        version: ServerInfo.current.version,
        subcommands: [Serve.self, AgentCommand.self, DeviceCommand.self, RegionCommand.self, HolidayCommand.self, FormCommand.self, CoverageCommand.self, StaffCommand.self, AuditCommand.self, KeyCommand.self, Migrate.self, Info.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the server's version, protocol and record types as JSON.")

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ServerInfo.current), as: UTF8.self))
        }
    }
}

/// Options every command that opens the store shares.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Berkas SQLite atau URL postgres://… (bawaan: $FIELD_SERVER_DB atau ./fieldsync-server.sqlite).",
                               valueName: "path-or-url"))
    var database: String?

    @Option(name: .customLong("key-file"),
            help: ArgumentHelp("Kunci yang menyegel NIK dan No. KK di penyimpanan (bawaan: $FIELD_SERVER_KEY_FILE, berkas SQLite + .key, atau ./fieldsync-server.key untuk PostgreSQL; atau kunci base64 di $FIELD_SERVER_KEY).",
                               valueName: "FILE"))
    var keyFile: String?

    @Option(help: "Bahasa keluaran: id (bawaan) atau en.")
    var lang: String?

    var location: String {
        database ?? ProcessInfo.processInfo.environment["FIELD_SERVER_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "fieldsync-server.sqlite"
    }

    /// Where the store key is: `--key-file`, `$FIELD_SERVER_KEY_FILE`, beside a SQLite store, or in
    /// the working folder for PostgreSQL.
    var keyLocation: String {
        keyFile ?? ProcessInfo.processInfo.environment["FIELD_SERVER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (location.hasPrefix("postgres") ? "fieldsync-server.key" : location + ".key")
    }

    /// Opens the store with its key; a refusal becomes the message in the operator's language.
    func open(logger: Logger, readFromStandby: Bool = false) async throws -> ServerStore {
        do {
            return try await ServerStore.open(location, logger: logger, keyFile: keyLocation, readFromStandby: readFromStandby)
        } catch let error as ServerError {
            fail(text("Basis data server tidak dapat dibuka (\(location)): ", "The server database cannot be opened (\(location)): ")
                 + (english ? error.text.en : error.text.id))
        }
    }

    var english: Bool { (lang ?? ProcessInfo.processInfo.environment["FIELD_LANG"] ?? "id").lowercased().hasPrefix("en") }

    func text(_ id: String, _ en: String) -> String { english ? en : id }

    /// Opens the store, runs `body`, closes the store; a `ServerError` becomes a message and exit code 1.
    func withStore(_ body: (ServerStore) async throws -> Void) async throws {
        var logger = Logger(label: "fieldsync.server")
        logger.logLevel = .warning
        let store: ServerStore
        do {
            store = try await open(logger: logger)
        } catch {
            fail(text("Basis data server tidak dapat dibuka (\(location)): \(error)", "The server database cannot be opened (\(location)): \(error)"))
        }
        do {
            try await body(store)
            await store.database.close()
        } catch let error as ServerError {
            await store.database.close()
            fail(english ? error.text.en : error.text.id)
        }
    }

    /// Prints rows as tab-separated lines (data for scripts, on stdout); when there are none,
    /// says on stderr what would fill the list.
    func table(_ rows: [[String]], whenEmpty id: String, _ en: String) {
        for row in rows { print(row.joined(separator: "\t")) }
        if rows.isEmpty { note(text(id, en)) }
    }

    /// A hint for the operator on stderr, leaving stdout to the command's data.
    func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    func fail(_ message: String) -> Never {
        note(text("Galat: ", "Error: ") + message)
        Foundation.exit(1)
    }
}

extension FieldServer {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Jalankan server sinkronisasi / Run the sync server.",
            discussion: "SIGTERM atau Ctrl-C menghentikan server dengan rapi: permintaan yang sedang berjalan diselesaikan, batch tidak pernah setengah tersimpan.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Alamat yang didengarkan.") var host = "127.0.0.1"
        @Option(help: "Port (0: pilih port bebas dan cetak).") var port = 8080
        @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Sertifikat TLS (PEM, boleh berantai): server melayani https sendiri.",
                                                                  valueName: "FILE"))
        var tlsCert: String?
        @Option(name: .customLong("tls-key"), help: ArgumentHelp("Kunci privat TLS (PEM), hanya dapat dibaca pemiliknya (chmod 600).",
                                                                 valueName: "FILE"))
        var tlsKey: String?
        @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
            "Alamat IP penyeimbang beban (haproxy) di depan server; X-Forwarded-For darinya menyebut alamat klien. Boleh diulang.",
            valueName: "IP"))
        var trustedProxy: [String] = []
        @Flag(name: .customLong("read-from-standby"), help: ArgumentHelp(
            "Halaman dan ekspor Dinas dibaca dari standby PostgreSQL (hot standby) di antara host URL --database; halaman menunjukkan seberapa tertinggal."))
        var readFromStandby = false

        func validate() throws {
            if readFromStandby, !store.location.hasPrefix("postgres") {
                throw ValidationError("--read-from-standby butuh URL PostgreSQL dengan standby / needs a PostgreSQL URL naming a standby.")
            }
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw ValidationError("--tls-cert dan --tls-key dipakai bersama / --tls-cert and --tls-key go together.")
            }
            for address in trustedProxy where (try? SocketAddress(ipAddress: address, port: 0)) == nil {
                throw ValidationError("--trusted-proxy \"\(address)\" bukan alamat IP / is not an IP address.")
            }
        }

        func run() async throws {
            var logger = Logger(label: "fieldsync.server")
            logger.logLevel = .info
            let server = try tlsServer()
            let opened = try await store.open(logger: logger, readFromStandby: readFromStandby)
            let location = store.location.hasPrefix("postgres") ? "PostgreSQL" : store.location
            let english = store.english
            let scheme = tlsCert == nil ? "http" : "https"
            let app = Application(
                router: SyncRoutes(store: opened, secureCookies: tlsCert != nil, trustedProxies: Set(trustedProxy)).router(),
                server: server,
                configuration: .init(address: .hostname(host, port: port), serverName: "FieldSync"),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? 0
                    let line = english ? "FieldSync server listening on \(scheme)://\(host):\(bound) (store: \(location))"
                                       : "Server FieldSync mendengarkan di \(scheme)://\(host):\(bound) (penyimpanan: \(location))"
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                },
                logger: logger)
            // SIGTERM: requests in flight get a few seconds to finish, then are cancelled (a push
            // cut short is rolled back; the laptop sends it again); one stuck on a database host
            // that died must not keep the process from ending.
            var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(8)
            group.maximumCancellationDuration = .seconds(2)
            do {
                try await ServiceGroup(configuration: group).run()
            } catch let error as ServiceGroupError {
                logger.warning("shutdown: \(error)")
            }
            await opened.database.close()
        }

        /// Plain HTTP/1.1, or HTTPS with the given certificate and key (whose file only its owner may read).
        private func tlsServer() throws -> HTTPServerBuilder {
            guard let tlsCert, let tlsKey else { return .http1() }
            do {
                try FilePermissions.requireOwnerOnly(tlsKey, what: LocalizedText(id: "Kunci TLS", en: "The TLS key"))
            } catch let error as ServerError {
                store.fail(store.english ? error.text.en : error.text.id)
            }
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsCert).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
                return try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            } catch {
                store.fail(store.text("Sertifikat atau kunci TLS tidak dapat dibaca (\(tlsCert), \(tlsKey)): \(error)",
                                      "The TLS certificate or key cannot be read (\(tlsCert), \(tlsKey)): \(error)"))
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Terapkan migrasi basis data lalu keluar / Apply database migrations and exit.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                for name in try await server.appliedMigrations() { print(name) }
            }
        }
    }
}
