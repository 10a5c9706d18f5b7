import ArgumentParser
import FieldModels
import Foundation

/// `field-server coverage`: what the field has gathered per kelurahan, and who has gone quiet.
struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage", abstract: "Cakupan data per kelurahan dan perangkat yang diam / Coverage per kelurahan and quiet devices.",
        discussion: """
            Kolom kelurahan: kode, kecamatan, kelurahan, rumah tangga, orang, entri PMKS/PSKS, kunjungan, kasus layanan, \
            ada data PSM (ya/tidak). Lalu perangkat yang tidak terdengar --quiet-days hari atau lebih (langsung maupun lewat \
            relai TKSK), dan kelurahan tanpa data PSM. --json memberi semuanya untuk skrip.
            Contoh: field-server coverage --quiet-days 7
            """)

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("quiet-days"), help: "Perangkat dianggap diam setelah sekian hari tanpa kabar (bawaan 14).") var quietDays = 14
    @Flag(help: "Keluaran JSON.") var json = false

    func run() async throws {
        guard quietDays >= 0 else { store.fail(store.text("--quiet-days harus 0 atau lebih.", "--quiet-days must be 0 or more.")) }
        try await store.withStore { server in
            let coverage = try await server.coverage(now: Clock.now, quietDays: quietDays)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(coverage), as: UTF8.self))
                return
            }
            let kinds: [RecordType] = [.household, .person, .socialMap, .visit, .service]
            store.table(coverage.kelurahan.map { row in
                [row.id, row.kecamatan, row.name] + kinds.map { String(row.records[$0.rawValue] ?? 0) }
                    + [row.psmData ? store.text("ya", "yes") : store.text("tidak", "no")]
            }, whenEmpty: "Belum ada tabel wilayah. Muat: field-server region import BERKAS --kota-code … --kota-name …",
               "No region table yet. Load one: field-server region import FILE --kota-code … --kota-name …")
            store.note(store.text("\(coverage.quiet.count) perangkat diam \(quietDays) hari atau lebih: \(coverage.quiet.joined(separator: ", "))",
                                  "\(coverage.quiet.count) devices quiet for \(quietDays) days or more: \(coverage.quiet.joined(separator: ", "))"))
            store.note(store.text("\(coverage.withoutPSM.count) dari \(coverage.kelurahan.count) kelurahan tanpa data PSM.",
                                  "\(coverage.withoutPSM.count) of \(coverage.kelurahan.count) kelurahan without data from a PSM."))
        }
    }
}
