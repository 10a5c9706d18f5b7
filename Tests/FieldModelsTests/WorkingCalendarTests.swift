import FieldModels
import Foundation
import SyncTestSupport
import Testing

/// The working calendar of service deadlines: the shipped national calendar, working-day and
/// office-minute arithmetic on the days people get wrong, and both against PyPI's `holidays`.
@Suite("Working calendar: holidays, cuti bersama, working days and office minutes")
struct WorkingCalendarTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    static var calendar: WorkingCalendar {
        get throws { try #require(WorkingCalendar.shipped, "Resources/kalender/hari-libur.csv ships with FieldModels") }
    }

    @Test("The shipped calendar knows 2026's 17 national holidays and 8 days of cuti bersama, and which years it covers")
    func shipped() throws {
        let calendar = try Self.calendar
        let of2026 = calendar.holidays.filter { $0.key.year == 2026 }.flatMap(\.value)
        #expect(of2026.filter { $0.kind == .libur }.count == 17)
        #expect(of2026.filter { $0.kind == .cuti }.count == 8)
        #expect(calendar.covers(year: 2026) && calendar.covers(year: 2027) && !calendar.covers(year: 2031))
        #expect(calendar.holidays[Self.day("2026-08-17")]?.first?.name.id == "Hari Kemerdekaan Republik Indonesia")
        #expect(WorkingCalendar.weekday(of: Self.day("2026-12-03")) == 4, "a Thursday")
        #expect(WorkingCalendar.weekday(of: Self.day("2028-02-27")) == 7 && WorkingCalendar.weekday(of: Self.day("2028-02-29")) == 2)
    }

    @Test("Working days on real edge cases", arguments: [
        // Completed on the Friday before Nyepi and Idul Fitri: Mon 16, Tue 17 count; Wed 18 cuti,
        // Thu 19 Nyepi, Fri 20 cuti, the weekend, Mon 23 and Tue 24 cuti; Wed 25 is the third.
        ("2026-03-13", 1, "2026-03-16"), ("2026-03-13", 3, "2026-03-25"),
        // Completed on the Tuesday before: 18 March onwards is off, so the next day is the 25th.
        ("2026-03-17", 1, "2026-03-25"),
        // Completed on a Saturday: Monday is the first.
        ("2026-11-21", 1, "2026-11-23"),
        // The year turns: 30 and 31 December count, 1 January 2027 is a holiday, the weekend, Monday.
        ("2026-12-29", 3, "2027-01-04"),
        // Christmas: 24 December cuti, 25 libur.
        ("2026-12-23", 1, "2026-12-28"),
        // Ten working days for an LKS registration across Independence Day (Monday 17 August)
        // and the Prophet's Birthday (Tuesday 25 August).
        ("2026-08-10", 10, "2026-08-26"),
    ])
    func workingDays(_ start: String, _ count: Int, _ due: String) throws {
        let calendar = try Self.calendar
        #expect(calendar.workingDay(count, after: Self.day(start)) == Self.day(due))
        #expect(calendar.workingDays(from: Self.day(start), to: Self.day(due)) == count)
        #expect(calendar.due(workingDays: count, from: LocalMoment(date: Self.day(start), hour: 10)) == LocalMoment(date: Self.day(due), hour: 14), "service hours end at 14.00 Monday to Thursday")
    }

    @Test("Office minutes count only in service hours (Mon–Thu 08.00–14.00, Fri 08.00–12.00)", arguments: [
        ("2026-11-23 09:00", 30, "2026-11-23 09:30"),
        ("2026-11-23 06:10", 30, "2026-11-23 08:30"),    // before opening: from 08:00
        ("2026-11-27 11:50", 30, "2026-11-30 08:20"),    // Friday 11:50: 10 minutes, then Monday
        ("2026-11-26 13:50", 30, "2026-11-27 08:20"),    // Thursday closes at 14:00
        ("2026-12-23 13:45", 30, "2026-12-28 08:15"),    // over cuti bersama, Christmas and the weekend
        ("2026-11-28 11:00", 30, "2026-11-30 08:30"),    // a Saturday
        ("2026-11-23 14:00", 0, "2026-11-24 08:00"),
    ])
    func officeMinutes(_ start: String, _ minutes: Int, _ due: String) throws {
        func moment(_ text: String) -> LocalMoment {
            let parts = text.split(separator: " ")
            let clock = parts[1].split(separator: ":").compactMap { Int($0) }
            return LocalMoment(date: Self.day(String(parts[0])), hour: clock[0], minute: clock[1])
        }
        #expect(try Self.calendar.due(officeMinutes: minutes, from: moment(start)).description == due)
    }

    @Test("A working-day service falling due on a Friday ends at Friday's closing")
    func friday() throws {
        #expect(try Self.calendar.due(workingDays: 1, from: LocalMoment(date: Self.day("2026-11-26"), hour: 9)) == LocalMoment(date: Self.day("2026-11-27"), hour: 12))
        #expect(try Self.calendar.due(workingDays: 1, from: LocalMoment(date: Self.day("2026-11-26"), hour: 9), hours: .longer)
                == LocalMoment(date: Self.day("2026-11-27"), hour: 13))
    }

    @Test("A regional holiday the Dinas adds moves the deadlines over it")
    func regional() throws {
        var calendar = try Self.calendar
        #expect(calendar.workingDay(1, after: Self.day("2026-11-23")) == Self.day("2026-11-24"))
        calendar.add(Holiday(date: Self.day("2026-11-24"), kind: .daerah, name: LocalizedText(id: "Hari Jadi Kota Semarang", en: "Semarang's anniversary")))
        #expect(calendar.workingDay(1, after: Self.day("2026-11-23")) == Self.day("2026-11-25"))
    }

    @Test("A calendar file with a bad line is refused, naming the line")
    func badFile() {
        #expect(throws: CalendarError.self) { try WorkingCalendar(csv: "date,kind,name_id,name_en\n2026-02-30,libur,X,X\n") }
        #expect(throws: CalendarError.self) { try WorkingCalendar(csv: "2026-02-10,mogok,X,X\n") }
    }

    /// PyPI's `holidays` 0.109 from the virtual environment `scripts/holiday-calendar` makes;
    /// nil (skipped) offline, a failure in CI (`FIELDSYNC_REQUIRE_HOLIDAYS_ORACLE`).
    static func oracle() -> String? {
        if let python = OutsidePython.make("scripts/holiday-calendar") { return python }
        if ProcessInfo.processInfo.environment["FIELDSYNC_REQUIRE_HOLIDAYS_ORACLE"] != nil {
            Issue.record("the holidays reference could not be made: run bash scripts/holiday-calendar and see why")
        }
        return nil
    }

    @Test("The shipped calendar is what the holidays package generates today")
    func shippedIsGenerated() throws {
        guard let python = Self.oracle() else { return }
        let generated = try OutsidePython.run(python, "scripts/holidays_table.py", ["2024", "2027"])
        let shipped = try String(contentsOf: OutsidePython.root.appendingPathComponent("Sources/FieldModels/Resources/kalender/hari-libur.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(generated == shipped, "regenerate with: bash scripts/holiday-calendar --write 2024 2027")
    }

    /// A seeded sample generator and its size (`FIELDSYNC_SEED`, `FIELDSYNC_CALENDAR_COUNT`, default 600).
    static func sample(seed: UInt64) -> (generator: SeededGenerator, count: Int) {
        let env = ProcessInfo.processInfo.environment
        return (SeededGenerator(seed: env["FIELDSYNC_SEED"].flatMap(UInt64.init) ?? seed),
                env["FIELDSYNC_CALENDAR_COUNT"].flatMap(Int.init) ?? 600)
    }

    /// Asks `scripts/workdays_reference.py` (in `mode`) one line per case and expects our answer on each.
    static func expectAgreement<Case>(_ cases: [Case], python: String, mode: [String] = [], line: (Case) -> String,
                                      ours: (Case) -> String) throws {
        let theirs = try OutsidePython.run(python, "scripts/workdays_reference.py", mode, input: cases.map(line).joined(separator: "\n") + "\n")
        try #require(theirs.count == cases.count)
        let differing = zip(cases, theirs).filter { ours($0.0) != $0.1 }
        #expect(differing.isEmpty, "\(differing.prefix(10).map { "\(line($0.0)): ours \(ours($0.0)), theirs \($0.1)" })")
    }

    @Test("Working days agree with an independent count over the holidays package, on random starts and lengths")
    func reference() throws {
        guard let python = Self.oracle() else { return }
        var (generator, count) = Self.sample(seed: 20_261_203)
        let first = Self.day("2024-01-01")
        let cases = (0..<count).map { _ in
            (first.adding(days: Int(generator.next() % (4 * 365 - 200))), [1, 1, 3, 3, 10, 25, 105][Int(generator.next() % 7)])
        }
        let calendar = try Self.calendar
        try Self.expectAgreement(cases, python: python, line: { "\($0.0) \($0.1)" }, ours: { calendar.workingDay($0.1, after: $0.0).description })
    }

    @Test("Office minutes agree with a minute-by-minute count over the holidays package, in both kinds of service hours")
    func officeMinutesReference() throws {
        guard let python = Self.oracle() else { return }
        var (generator, count) = Self.sample(seed: 20_261_204)
        let first = Self.day("2024-01-01")
        let cases = (0..<count).map { _ in
            (LocalMoment(date: first.adding(days: Int(generator.next() % (4 * 365 - 60))), minute: Int(generator.next() % 1440)),
             [0, 30, 30, 90, 400, 1000][Int(generator.next() % 6)], generator.next() % 2 == 0 ? OfficeHours.services : .longer)
        }
        let calendar = try Self.calendar
        try Self.expectAgreement(cases, python: python, mode: ["minutes"],
                                 line: { "\($0.0) \($0.1) \($0.2.opens) \($0.2.closes) \($0.2.fridayCloses)" },
                                 ours: { calendar.due(officeMinutes: $0.1, from: $0.0, hours: $0.2).description })
    }

    @Test("A regional holiday's id names its kota and day; a change whose date or kota disagrees is refused by name; it joins the calendar of its kota only")
    func regionalHoliday() throws {
        let day = RegionalHoliday(kota: "33.74", date: Self.day("2026-03-16"), name: "Hari Jadi", nameEn: "City Day")
        #expect(day.id == "K-337420260316" && day.area == "33.74")
        #expect(RegionalHoliday.parts(of: day.id)?.date == Self.day("2026-03-16") && RegionalHoliday.parts(of: day.id)?.kotaCode == "3374")
        for bad in ["K-3374202602300", "K-337420260230", "K-3374A0260316", "H-337420260316"] {
            #expect(RegionalHoliday.parts(of: bad) == nil, "\(bad)")
        }
        #expect(RegionalHoliday.grammarProblem(id: day.id, field: "date", value: .text("2026-03-16")) == nil)
        #expect(RegionalHoliday.grammarProblem(id: day.id, field: "date", value: .text("2026-03-17")) != nil)
        #expect(RegionalHoliday.grammarProblem(id: day.id, field: "kota", value: .text("33.75")) != nil)
        #expect(RegionalHoliday.grammarProblem(id: day.id, field: "kota", value: .text("33.74.11")) != nil)
        #expect(RegionalHoliday(kota: "33.74", date: Self.day("2026-03-16"), name: " ").validate(in: ValidationContext(today: Self.day("2026-03-01")))
            .map(\.field) == ["name"])

        let national = try Self.calendar
        #expect(national.isWorkingDay(Self.day("2026-03-16")))
        let here = national.adding([day], kota: "33.74.11.1006"), there = national.adding([day], kota: "33.75.01")
        #expect(!here.isWorkingDay(Self.day("2026-03-16")) && here.holidays[Self.day("2026-03-16")]?.first?.kind == .daerah)
        #expect(there.isWorkingDay(Self.day("2026-03-16")), "another kota's holiday moves nothing here")
        #expect(here.due(workingDays: 1, from: LocalMoment(date: Self.day("2026-03-13"), hour: 9, minute: 30)).description == "2026-03-17 14:00")
    }
}

