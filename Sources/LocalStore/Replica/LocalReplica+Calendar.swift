import FieldModels

extension LocalReplica {
    /// The working calendar deadlines count in on this laptop: `base` (the national calendar
    /// shipped with FieldSync) with the regional holidays of its kota that reached it by sync.
    /// Every replica holding the same holidays computes the same due times.
    public func workingCalendar(base: WorkingCalendar) throws -> WorkingCalendar {
        base.adding(try regionalHolidays(), kota: RegionPath.kota(of: agent.areaID))
    }

    /// The regional holidays this laptop holds (not removed ones), by date.
    public func regionalHolidays() throws -> [RegionalHoliday] {
        try records(RegionalHoliday.self, area: "").map(\.record).sorted { ($0.date?.description ?? "", $0.id) < ($1.date?.description ?? "", $1.id) }
    }
}
