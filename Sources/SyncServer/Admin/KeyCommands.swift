import ArgumentParser
import FieldModels
import Foundation
import Logging

/// `field-server key …`: the key that seals NIK, No. KK and the other sensitive values at rest.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Kunci penyegel penyimpanan / The store's sealing key.",
        discussion: """
            NIK, No. KK dan kolom sensitif lain disegel dengan AES-GCM di bawah kunci ini, yang disimpan di luar basis data
            (berkas mode 600, atau $FIELD_SERVER_KEY). Salinan basis data tanpa kunci tidak membuka satu NIK pun.
            Simpan cadangan kunci terpisah dari cadangan basis data.
            """,
        subcommands: [Init.self, Rotate.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Buat kunci baru untuk penyimpanan baru / Make a key for a new store.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let file = store.keyLocation
            guard !FileManager.default.fileExists(atPath: file) else {
                store.fail(store.text("Sudah ada kunci di \(file); kunci tidak pernah ditimpa. Untuk mengganti kunci: field-server key rotate",
                                      "There is a key at \(file) already; a key is never overwritten. To replace it: field-server key rotate"))
            }
            do {
                try ServerKey.random().write(to: file)
            } catch let error as ServerError {
                store.fail(store.english ? error.text.en : error.text.id)
            }
            print(store.text("Kunci dibuat: \(file) (mode 600). Simpan cadangannya terpisah dari basis data.",
                             "Key made: \(file) (mode 600). Keep a copy apart from the database."))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ganti kunci: segel ulang semua nilai sensitif di tempat / Replace the key: seal every sensitive value again in place.",
            discussion: """
                Kunci baru ditulis dulu ke FILE.new, lalu semua nilai disegel ulang dalam satu transaksi, lalu FILE.new
                menggantikan FILE. Bila terputus di tengah, pembukaan berikutnya menyelesaikannya. Kunci lama tidak membuka
                data sesudahnya; cadangan lama tetap memerlukan kunci lama.
                """)
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard (ProcessInfo.processInfo.environment["FIELD_SERVER_KEY"] ?? "").isEmpty else {
                store.fail(store.text("Kunci dari $FIELD_SERVER_KEY tidak dapat diganti di tempat: pakai --key-file.",
                                      "A key from $FIELD_SERVER_KEY cannot be replaced in place: use --key-file."))
            }
            let file = store.keyLocation
            try await store.withStore { server in
                let fresh = ServerKey.random()
                try? FileManager.default.removeItem(atPath: file + ".new")
                try fresh.write(to: file + ".new")
                let count = try await server.rotate(to: fresh)
                try ServerKey.replace(file, with: file + ".new")
                print(store.text("Kunci diganti (\(server.key.id) → \(fresh.id)); \(count) nilai disegel ulang. Cadangan basis data yang lama memerlukan kunci lama.",
                                 "Key replaced (\(server.key.id) → \(fresh.id)); \(count) values sealed again. Older database backups need the old key."))
            }
        }
    }
}
