import Foundation

extension CivilDate {
    /// Asia/Jakarta (WIB, UTC+7, no daylight saving): the calendar of report deadlines and
    /// service clocks, whatever zone the machine's clock is set to.
    public static let jakarta = TimeZone(identifier: "Asia/Jakarta") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// The calendar date of `date` in `timeZone` (the machine's own by default).
    public init(_ date: Date, in timeZone: TimeZone = .current) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// The date in Jakarta at `date`.
    public static func jakartaDay(_ date: Date = Date()) -> CivilDate { CivilDate(date, in: jakarta) }
}

extension LocalMoment {
    /// The wall-clock moment in Jakarta at `date` (to the minute).
    public static func jakarta(_ date: Date = Date()) -> LocalMoment {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CivilDate.jakarta
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return LocalMoment(date: CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!, hour: parts.hour!, minute: parts.minute!)
    }
}
