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
        static let configuration = CommandConfiguration(
            abstract: "Muat wilayah satu kota dari CSV (kecamatan,kelurahan,kodepos,kode), atau dari katalog Kemendagri yang dibawa produk.",
            discussion: """
                Dari katalog (Kepmendagri 300.2.2-2138/2025): --catalogue 33.74 (satu kabupaten/kota), --catalogue 33 (semua \
                kabupaten/kota Jawa Tengah) atau --catalogue semua (514 kabupaten/kota); dapat diulang.
                From the shipped catalogue: --catalogue 33.74 (one kabupaten/kota), --catalogue 33 (every kabupaten/kota of a \
                province) or --catalogue all; may be repeated.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "Berkas CSV (tanpa --catalogue).") var file: String?
        @Option(name: .customLong("kota-code"), help: "Kode kota/kabupaten Kemendagri dari berkas CSV, mis. 33.74 atau 3374.") var kotaCode: String?
        @Option(name: .customLong("kota-name"), help: "Nama kota dari berkas CSV, mis. \"Kota Semarang\".") var kotaName: String?
        @Option(name: .customLong("catalogue"), help: "Kode kabupaten/kota (33.74) atau provinsi (33), atau 'semua', dari katalog Kemendagri.")
        var catalogue: [String] = []

        func run() async throws {
            let catalogs = catalogue.isEmpty ? [try fromFile()] : try fromCatalogue()
            try await store.withStore { server in
                var added = 0
                for (index, catalog) in catalogs.enumerated() {
                    added += try await server.importRegions(catalog)
                    if catalogs.count > 1, (index + 1) % 25 == 0 || index + 1 == catalogs.count {
                        FileHandle.standardError.write(Data(store.text("… \(index + 1) dari \(catalogs.count) kabupaten/kota\n",
                                                                       "… \(index + 1) of \(catalogs.count) kabupaten/kota\n").utf8))
                    }
                }
                let kecamatan = catalogs.map(\.kecamatan.count).reduce(0, +), kelurahan = catalogs.map(\.kelurahan.count).reduce(0, +)
                let kota = catalogs.count > 1 ? "\(catalogs.count) kabupaten/kota, " : ""
                print(store.text("\(kota)\(kecamatan) kecamatan, \(kelurahan) kelurahan; \(added) baru.",
                                 "\(kota)\(kecamatan) kecamatan, \(kelurahan) kelurahan; \(added) new."))
            }
        }

        private func fromFile() throws -> RegionCatalog {
            guard let file, let kotaCode, let kotaName else {
                store.fail(store.text("Sebutkan berkas CSV dengan --kota-code dan --kota-name, atau --catalogue KODE. Contoh: field-server region import --catalogue 33.74",
                                      "Name a CSV file with --kota-code and --kota-name, or --catalogue CODE. Example: field-server region import --catalogue 33.74"))
            }
            guard let csv = try? String(contentsOfFile: file, encoding: .utf8) else {
                store.fail(store.text("Berkas \(file) tidak dapat dibaca.", "The file \(file) cannot be read."))
            }
            do {
                return try RegionCatalog.parse(csv: csv, kota: Kota(code: kotaCode, name: kotaName))
            } catch {
                store.fail(store.english ? error.text.en : error.text.id)
            }
        }

        /// The kabupaten/kota the `--catalogue` codes name, each once, in code order.
        private func fromCatalogue() throws -> [RegionCatalog] {
            guard file == nil else {
                store.fail(store.text("Pilih salah satu: berkas CSV atau --catalogue.", "Choose one: a CSV file or --catalogue."))
            }
            guard let directory = RegionDirectory.shipped else {
                store.fail(store.text("Katalog wilayah Kemendagri tidak ditemukan di samping program (Resources/wilayah).",
                                      "The Kemendagri region catalogue is missing beside the program (Resources/wilayah)."))
            }
            var codes = Set<String>()
            for given in catalogue {
                let code = given.trimmingCharacters(in: .whitespaces)
                if ["semua", "all"].contains(code.lowercased()) {
                    for province in directory.children(of: nil) where province.retiredAfter == nil {
                        codes.formUnion(directory.children(of: province.code).filter { $0.retiredAfter == nil }.map(\.code))
                    }
                    continue
                }
                switch directory.entry(code).map({ ($0.level, $0.retiredAfter) }) {
                case (.province, nil)?: codes.formUnion(directory.children(of: code).filter { $0.retiredAfter == nil }.map(\.code))
                case (.kabupatenKota, nil)?: codes.insert(directory.entry(code)!.code)
                default:
                    store.fail(store.text("'\(code)' bukan kode provinsi atau kabupaten/kota yang berlaku. Contoh: 33 (Jawa Tengah), 33.74 (Kota Semarang), atau semua.",
                                          "'\(code)' is not a current province or kabupaten/kota code. Examples: 33 (Jawa Tengah), 33.74 (Kota Semarang), or all."))
                }
            }
            return codes.sorted().compactMap { RegionCatalog(directory: directory, kota: $0) }
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
