import ArgumentParser
import FieldModels
import Foundation
import LocalStore

/// `field holiday list`: the days off deadlines skip on this laptop.
struct HolidayCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "holiday",
            abstract: L("Hari libur yang dilewati batas waktu layanan.", "The days off service deadlines skip."),
            discussion: L("""
                Libur nasional dan cuti bersama ikut terpasang bersama FieldSync. Libur daerah
                ditetapkan Dinas Sosial di server (field-server holiday add) dan sampai ke laptop
                lewat field sync atau bundle TKSK; batas waktu kasus langsung ikut bergeser.
                """, """
                National holidays and joint leave days ship with FieldSync. Regional holidays are
                declared by the Dinas Sosial on the server (field-server holiday add) and reach the
                laptop by field sync or a TKSK's bundle; case deadlines move with them at once.
                """),
            subcommands: [List.self])
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Hari libur satu tahun: nasional, cuti bersama, daerah.",
                                             "One year's days off: national, joint leave, regional."))
        }
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("Tahun (bawaan: tahun ini).", "Year (default: this year)."), valueName: "YYYY")) var year: Int?

        func run() throws {
            try global.withReplica { replica, console in
                let year = year ?? CivilDate.jakartaDay().year
                let calendar = try Services.calendar(replica)
                let days = calendar.holidays.filter { $0.key.year == year }.sorted { $0.key < $1.key }
                    .flatMap { date, holidays in holidays.map { HolidayView(date: date, holiday: $0) } }
                if !calendar.covers(year: year) {
                    console.say("Kalender nasional tahun \(year) tidak terpasang: hanya libur daerah yang dikenal.",
                                "The national calendar of \(year) is not installed: only regional holidays are known.")
                }
                for day in days { console.line("\(day.date)  \(day.kindName.padding(toLength: 16, withPad: " ", startingAt: 0))  \(day.name)") }
                let regional = days.filter { $0.kind == Holiday.Kind.daerah.rawValue }.count
                console.say("\(days.count) hari libur pada \(year), \(regional) di antaranya libur daerah.",
                            "\(days.count) days off in \(year), \(regional) of them regional.")
                try console.emit(days)
            }
        }
    }
}

/// One day off as `field holiday list --json` gives it.
struct HolidayView: Encodable {
    var date: String
    var kind: String
    var kindName: String
    var name: String

    init(date: CivilDate, holiday: Holiday) {
        self.date = date.description
        kind = holiday.kind.rawValue
        kindName = L(holiday.kind.name.id, holiday.kind.name.en)
        name = L(holiday.name.id, holiday.name.en)
    }
}
