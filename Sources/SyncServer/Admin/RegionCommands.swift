import ArgumentParser
import FieldModels
import Foundation

/// `field-server region …`: the region table areas are checked against.
struct RegionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "Tabel wilayah yang dipakai untuk memeriksa area / The region table areas are checked against.",
        discussion: """
            Wilayah tugas petugas dan wilayah setiap data baru harus ada di tabel wilayah: muat sebelum menambah petugas.
            Contoh: field-server region import data/kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
            """,
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muat wilayah satu kota dari CSV (kecamatan,kelurahan,kodepos,kode).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Berkas CSV.") var file: String
        @Option(name: .customLong("kota-code"), help: "Kode kota/kabupaten Kemendagri, mis. 33.74 atau 3374.") var kotaCode: String
        @Option(name: .customLong("kota-name"), help: "Nama kota, mis. \"Kota Semarang\".") var kotaName: String

        func run() async throws {
            guard let csv = try? String(contentsOfFile: file, encoding: .utf8) else {
                store.fail(store.text("Berkas \(file) tidak dapat dibaca.", "The file \(file) cannot be read."))
            }
            let catalog: RegionCatalog
            do {
                catalog = try RegionCatalog.parse(csv: csv, kota: Kota(code: kotaCode, name: kotaName))
            } catch {
                store.fail(store.english ? error.text.en : error.text.id)
            }
            try await store.withStore { server in
                let added = try await server.importRegions(catalog)
                print(store.text("\(catalog.kecamatan.count) kecamatan, \(catalog.kelurahan.count) kelurahan; \(added) baru.",
                                 "\(catalog.kecamatan.count) kecamatan, \(catalog.kelurahan.count) kelurahan; \(added) new."))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Daftar wilayah yang dimuat / List the regions loaded.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                store.table(try await server.regions().map { [$0.id, $0.level, $0.name] },
                            whenEmpty: "Belum ada tabel wilayah: petugas belum dapat ditambahkan. Muat: field-server region import BERKAS --kota-code … --kota-name …",
                            "No region table yet: no agent can be added. Load one: field-server region import FILE --kota-code … --kota-name …")
            }
        }
    }
}
