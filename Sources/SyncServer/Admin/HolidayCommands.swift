import ArgumentParser
import FieldModels
import Foundation
import SyncEngine

/// `field-server holiday …`: the regional holidays the Dinas declares, which reach every laptop
/// of the kota by sync and move the deadlines of service cases there.
struct HolidayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holiday", abstract: "Libur daerah yang ditetapkan Dinas / Regional holidays the Dinas declares.",
        discussion: """
            Libur nasional dan cuti bersama sudah ada di kalender bawaan FieldSync. Hari libur daerah (mis. \
            hari jadi kota) ditulis server dengan kuncinya sendiri dan sampai ke setiap laptop di kota itu \
            lewat sinkronisasi (juga lewat bundle TKSK); batas waktu layanan yang melewati hari itu bergeser.
            Contoh: field-server holiday add --date 2026-04-02 --name "Hari Jadi Kota Semarang" --name-en "Semarang City Day"
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tetapkan satu hari libur daerah (atau ganti namanya).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Tanggal, TTTT-BB-HH (atau HH-BB-TTTT).") var date: String
        @Option(help: "Nama hari libur dalam Bahasa Indonesia.") var name: String
        @Option(name: .customLong("name-en"), help: "Nama dalam bahasa Inggris (boleh kosong).") var nameEn = ""
        @Option(help: "Kota (kode Kemendagri, mis. 33.74); bawaan: satu-satunya kota di tabel wilayah.") var kota: String?

        func run() async throws {
            let day = HolidayCommand.date(date, store: store)
            try await store.withStore { server in
                let kota = try await HolidayCommand.kota(kota, server: server, store: store)
                let holiday = RegionalHoliday(kota: kota, date: day, name: name.trimmingCharacters(in: .whitespaces),
                                              nameEn: nameEn.trimmingCharacters(in: .whitespaces))
                if let issue = holiday.validate(in: ValidationContext(today: day)).first {
                    store.fail("--\(issue.field == "nameEn" ? "name-en" : issue.field): " + (store.english ? issue.text.en : issue.text.id))
                }
                let changed = try await server.declareHoliday(holiday, now: Clock.now)
                print(changed ? store.text("Libur daerah \(day) (\(holiday.name)) ditetapkan untuk kota \(kota): \(holiday.id). Laptop menerimanya pada sinkronisasi berikutnya.",
                                           "Regional holiday \(day) (\(holiday.name)) declared for kota \(kota): \(holiday.id). Laptops receive it at their next sync.")
                              : store.text("Libur daerah \(day) sudah tercatat begitu; tidak ada yang berubah.",
                                           "Regional holiday \(day) is already recorded so; nothing changed."))
                if let national = WorkingCalendar.shipped?.holidays[day]?.first {
                    print(store.text("Catatan: \(day) sudah \(national.kind.name.id) (\(national.name.id)).",
                                     "Note: \(day) is already a \(national.kind.name.en) (\(national.name.en))."))
                } else if WorkingCalendar.weekday(of: day) > 5 {
                    print(store.text("Catatan: \(day) jatuh pada akhir pekan; batas waktu tidak berubah karenanya.",
                                     "Note: \(day) falls on a weekend; no deadline moves because of it."))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Daftar libur daerah yang ditetapkan / List the regional holidays declared.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Hanya tahun ini (TTTT).") var year: Int?

        func run() async throws {
            try await store.withStore { server in
                let days = try await server.regionalHolidays().filter { day in year.map { day.date?.year == $0 } ?? true }
                store.table(days.map { [$0.date?.description ?? "", $0.kota, $0.name, $0.nameEn, $0.id] },
                            whenEmpty: "Belum ada libur daerah. Tetapkan: field-server holiday add --date TTTT-BB-HH --name NAMA",
                            "No regional holidays yet. Declare one: field-server holiday add --date YYYY-MM-DD --name NAME")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Batalkan satu libur daerah; laptop menerimanya lewat sinkronisasi.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Tanggal libur yang dibatalkan, TTTT-BB-HH.") var date: String
        @Option(help: "Kota (kode Kemendagri); bawaan: satu-satunya kota di tabel wilayah.") var kota: String?

        func run() async throws {
            let day = HolidayCommand.date(date, store: store)
            try await store.withStore { server in
                let kota = try await HolidayCommand.kota(kota, server: server, store: store)
                let id = RegionalHoliday.id(kota: kota, date: day)
                guard try await server.removeHoliday(id, kota: kota, now: Clock.now) else {
                    store.fail(store.text("Tidak ada libur daerah pada \(day) untuk kota \(kota). Lihat: field-server holiday list",
                                          "There is no regional holiday on \(day) for kota \(kota). See: field-server holiday list"))
                }
                print(store.text("Libur daerah \(day) dibatalkan (\(id)). Laptop menerimanya pada sinkronisasi berikutnya.",
                                 "Regional holiday \(day) removed (\(id)). Laptops receive it at their next sync."))
            }
        }
    }

    static func date(_ text: String, store: StoreOptions) -> CivilDate {
        guard let day = CivilDate(text) else {
            store.fail(store.text("--date \"\(Grammar.shown(text))\" bukan tanggal; tulis TTTT-BB-HH, mis. 2026-04-02.",
                                  "--date \"\(Grammar.shown(text))\" is not a date; write YYYY-MM-DD, e.g. 2026-04-02."))
        }
        return day
    }

    /// The kota `text` names, which the region table must hold; without `text`, the table's one kota.
    static func kota(_ text: String?, server: ServerStore, store: StoreOptions) async throws -> String {
        let kotas = try await server.regions().filter { $0.level == "kota" }.map(\.id)
        guard let text else {
            guard kotas.count == 1 else {
                store.fail(kotas.isEmpty
                    ? store.text("Server belum punya tabel wilayah. Muat dulu: field-server region import BERKAS --kota-code 3374 --kota-name \"Kota Semarang\"",
                                 "The server has no region table yet. Load it first: field-server region import FILE --kota-code 3374 --kota-name \"Kota Semarang\"")
                    : store.text("Tabel wilayah memuat beberapa kota (\(kotas.joined(separator: ", "))); pilih dengan --kota.",
                                 "The region table holds several kota (\(kotas.joined(separator: ", "))); choose one with --kota."))
            }
            return kotas[0]
        }
        guard let code = RegionDirectory.dotted(text.trimmingCharacters(in: .whitespaces)), RegionPath.depth(of: code) == 1, kotas.contains(code) else {
            store.fail(store.text("--kota \"\(Grammar.shown(text))\" bukan kota di tabel wilayah server (\(kotas.joined(separator: ", "))).",
                                  "--kota \"\(Grammar.shown(text))\" is not a kota of the server's region table (\(kotas.joined(separator: ", ")))."))
        }
        return code
    }
}
