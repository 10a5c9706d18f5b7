import Foundation

/// A day off: a national public holiday (`libur`), a *cuti bersama* day (`cuti`), both shipped
/// in `Resources/kalender/hari-libur.csv`, or a regional holiday the Dinas adds (`daerah`).
public struct Holiday: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case libur, cuti, daerah

        public var name: LocalizedText {
            switch self {
            case .libur: LocalizedText(id: "libur nasional", en: "national holiday")
            case .cuti: LocalizedText(id: "cuti bersama", en: "joint leave day")
            case .daerah: LocalizedText(id: "libur daerah", en: "regional holiday")
            }
        }
    }

    public var date: CivilDate
    public var kind: Kind
    public var name: LocalizedText

    public init(date: CivilDate, kind: Kind, name: LocalizedText) {
        self.date = date
        self.kind = kind
        self.name = name
    }
}

/// A wall-clock moment in Asia/Jakarta: a date and the minute of that day (0–1439).
public struct LocalMoment: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var date: CivilDate
    public var minute: Int

    public init(date: CivilDate, minute: Int) {
        self.date = date
        self.minute = minute
    }

    public init(date: CivilDate, hour: Int, minute: Int = 0) { self.init(date: date, minute: hour * 60 + minute) }

    public static func < (lhs: LocalMoment, rhs: LocalMoment) -> Bool { (lhs.date, lhs.minute) < (rhs.date, rhs.minute) }

    /// `2026-03-25 16:00`.
    public var description: String { "\(date) \(String(format2: minute / 60)):\(String(format2: minute % 60))" }
}

/// The service hours of the Dinas (Kepdin Semarang 800/661/2023, "waktu pelayanan" of each
/// service): opening, closing Monday to Thursday, closing on Friday, in minutes of the day.
public struct OfficeHours: Sendable, Hashable {
    public var opens: Int
    public var closes: Int
    public var fridayCloses: Int

    /// Data and complaints, emergency, referral, PBI reactivation (Lampiran I–IV): Monday to
    /// Thursday 08.00–14.00, Friday 08.00–12.00.
    public static let services = OfficeHours(opens: 8 * 60, closes: 14 * 60, fridayCloses: 12 * 60)
    /// LKS registration and SLRT (Lampiran V–VI): Monday to Thursday 08.00–15.00, Friday 08.00–13.00.
    public static let longer = OfficeHours(opens: 8 * 60, closes: 15 * 60, fridayCloses: 13 * 60)

    public init(opens: Int, closes: Int, fridayCloses: Int) {
        self.opens = opens
        self.closes = closes
        self.fridayCloses = fridayCloses
    }

    /// When service ends on `date`.
    public func closing(on date: CivilDate) -> Int { WorkingCalendar.weekday(of: date) == 5 ? fridayCloses : closes }
}

/// The working calendar of the Dinas: Monday to Friday, less national holidays, *cuti bersama*
/// and the regional holidays the Dinas adds. Service deadlines count in it (the standard of
/// Kepdin Semarang 800/661/2023: "hari kerja" from the moment the file is complete).
///
/// ```swift
/// let calendar = WorkingCalendar.shipped!
/// calendar.workingDay(3, after: CivilDate("2026-03-13")!)   // 2026-03-25: Nyepi and Idul Fitri's days off skipped
/// ```
public struct WorkingCalendar: Sendable {
    public private(set) var holidays: [CivilDate: [Holiday]] = [:]
    /// The years the national calendar was shipped for; outside them only weekends are known.
    public private(set) var years: ClosedRange<Int>?

    public init() {}

    /// Reads `date,kind,name_id,name_en` lines; `#` lines are comments. Throws naming the line.
    public init(csv text: String) throws {
        var first = Int.max, last = Int.min
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("date,") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, fields[0].utf8.count == 10, let date = CivilDate(fields[0]), let kind = Holiday.Kind(rawValue: fields[1]) else {
                throw CalendarError(line: number + 1, text: LocalizedText(id: "baris \(number + 1) bukan tanggal,jenis,nama_id,nama_en", en: "line \(number + 1) is not date,kind,name_id,name_en"))
            }
            add(Holiday(date: date, kind: kind, name: LocalizedText(id: fields[2], en: fields[3])))
            first = min(first, date.year)
            last = max(last, date.year)
        }
        if first <= last { years = first...last }
    }

    /// The calendar shipped with FieldSync, or nil when its file is missing from the install.
    public static let shipped: WorkingCalendar? = {
        guard let folder = ShippedResource.folder("kalender", containing: "hari-libur.csv", override: "FIELDSYNC_KALENDER"),
              let text = try? String(contentsOf: folder.appendingPathComponent("hari-libur.csv"), encoding: .utf8) else { return nil }
        return try? WorkingCalendar(csv: text)
    }()

    /// Adds a day off (a regional holiday the Dinas declares).
    public mutating func add(_ holiday: Holiday) {
        guard !(holidays[holiday.date] ?? []).contains(holiday) else { return }
        holidays[holiday.date, default: []].append(holiday)
    }

    /// Whether the national holidays of `year` are known (else deadlines skip weekends only).
    public func covers(year: Int) -> Bool { years?.contains(year) ?? false }

    /// ISO weekday: 1 Monday … 7 Sunday (1970-01-01, day 0, was a Thursday).
    public static func weekday(of date: CivilDate) -> Int {
        ((date.dayNumber + 3) % 7 + 7) % 7 + 1
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        Self.weekday(of: date) <= 5 && holidays[date] == nil
    }

    /// The `count`-th working day after `date` (`count` ≥ 1; the day itself never counts).
    public func workingDay(_ count: Int, after date: CivilDate) -> CivilDate {
        var day = date, left = max(1, count)
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days in (`from`, `to`]: 0 when `to` is not after `from`.
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        var count = 0, day = from
        while day < to {
            day = day.adding(days: 1)
            if isWorkingDay(day) { count += 1 }
        }
        return count
    }

    /// When a service of `days` working days, whose file became complete at `start`, is due:
    /// the end of service hours on the `days`-th working day after the day it became complete.
    public func due(workingDays days: Int, from start: LocalMoment, hours: OfficeHours = .services) -> LocalMoment {
        let day = workingDay(days, after: start.date)
        return LocalMoment(date: day, minute: hours.closing(on: day))
    }

    /// When a service of `minutes` office minutes is due: the minutes are counted only while
    /// the office is open on working days, starting at `start` (or the next opening).
    public func due(officeMinutes minutes: Int, from start: LocalMoment, hours: OfficeHours = .services) -> LocalMoment {
        var moment = start, left = max(0, minutes)
        while true {
            if !isWorkingDay(moment.date) || moment.minute >= hours.closing(on: moment.date) {
                var next = moment.date.adding(days: 1)
                while !isWorkingDay(next) { next = next.adding(days: 1) }
                moment = LocalMoment(date: next, minute: hours.opens)
                continue
            }
            moment.minute = max(moment.minute, hours.opens)
            let open = hours.closing(on: moment.date) - moment.minute
            if left <= open { return LocalMoment(date: moment.date, minute: moment.minute + left) }
            left -= open
            moment.minute = hours.closing(on: moment.date)
        }
    }
}

/// A calendar file that cannot be read, with the line.
public struct CalendarError: Error, Sendable {
    public var line: Int
    public var text: LocalizedText
}
