/// A regional holiday the Dinas declares for its kota (a day the city's offices close that the
/// national calendar does not know): a synced record, city-wide, written only by the sync
/// server with its own key (`field-server holiday add`), so a laptop can tell a real one from
/// one a peer made up. Every laptop of the kota adds it to its working calendar.
///
/// One record per kota and day: its id is made of both (`K-337420260630` for Kota Semarang,
/// 30 June 2026), so declaring the same day twice, from anywhere, edits one record.
///
/// ```swift
/// let day = RegionalHoliday(kota: "33.74", date: CivilDate("2026-06-30")!, name: "Hari jadi Kota")
/// day.id            // "K-337420260630"
/// day.holiday.kind  // .daerah
/// ```
public struct RegionalHoliday: FieldRecord, Hashable {
    public static let recordType = RecordType.holiday

    public var id: String
    /// The kota's region id (`33.74`): the record's area.
    public var kota: String
    public var date: CivilDate?
    /// The name in Bahasa Indonesia, as the Dinas's letter gives it.
    public var name: String
    /// The name in English; the Indonesian name when empty.
    public var nameEn: String

    public init(kota: String, date: CivilDate, name: String, nameEn: String = "") {
        self.id = Self.id(kota: kota, date: date)
        self.kota = kota
        self.date = date
        self.name = name
        self.nameEn = nameEn
    }

    public init(id: String, fields: FieldMap) {
        self.id = id
        kota = fields.string("kota")
        date = fields["date"]?.date
        name = fields.string("name")
        nameEn = fields.string("nameEn")
    }

    public var area: String { kota }

    public var fields: FieldMap {
        ["kota": .text(kota), "date": FieldValue(date), "name": .text(name), "nameEn": .text(nameEn)]
    }

    /// The day as the working calendar counts it.
    public var holiday: Holiday? {
        date.map { Holiday(date: $0, kind: .daerah, name: LocalizedText(id: name, en: nameEn.isEmpty ? name : nameEn)) }
    }

    /// `K-`, the kota's 4-digit code, then the date as `YYYYMMDD`.
    public static func id(kota: String, date: CivilDate) -> String {
        "K-" + RegionPath.kotaCode(of: kota) + date.description.filter { $0 != "-" }
    }

    /// The kota code and the day a holiday id names, or nil when it is not of that form.
    public static func parts(of id: String) -> (kotaCode: String, date: CivilDate)? {
        let body = Array(id.utf8.dropFirst(2))
        guard id.hasPrefix("K-"), body.count == 12, body.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let digits = String(decoding: body, as: UTF8.self)
        let year = digits.dropFirst(4).prefix(4), month = digits.dropFirst(8).prefix(2), day = digits.suffix(2)
        guard let date = CivilDate(year: Int(year)!, month: Int(month)!, day: Int(day)!) else { return nil }
        return (String(digits.prefix(4)), date)
    }

    /// What is wrong with the shape of a change to holiday `id`, whatever its writer: the id
    /// names a kota and a day, and the `kota` and `date` fields repeat them.
    public static func grammarProblem(id: String, field: String, value: FieldValue) -> LocalizedText? {
        guard let parts = parts(of: id) else {
            return LocalizedText(id: "id hari libur harus K- lalu 4 angka kode kota dan TTTTBBHH (mis. K-337420260630)",
                                 en: "a holiday id must be K- then the 4-digit kota code and YYYYMMDD (e.g. K-337420260630)")
        }
        if field == "date", value != FieldValue(parts.date) {
            return LocalizedText(id: "hari libur \(id) jatuh pada \(parts.date)", en: "holiday \(id) falls on \(parts.date)")
        }
        if field == "kota", RegionPath.kotaCode(of: value.text ?? "") != parts.kotaCode || RegionPath.depth(of: value.text ?? "") != 1 {
            return LocalizedText(id: "hari libur \(id) milik kota \(parts.kotaCode)", en: "holiday \(id) belongs to kota \(parts.kotaCode)")
        }
        return nil
    }

    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if date == nil {
            issues.append(.error("date", "date.required", id: "Tanggal libur wajib diisi.", en: "The date of the holiday is required."))
        }
        if name.trimmingWhitespace().isEmpty {
            issues.append(.error("name", "name.required", id: "Nama hari libur wajib diisi (mis. Hari Jadi Kota Semarang).",
                                 en: "The name of the holiday is required (e.g. Hari Jadi Kota Semarang)."))
        }
        if RegionPath.depth(of: kota) != 1 {
            issues.append(.error("kota", "kota.level", id: "Hari libur daerah berlaku untuk satu kota (mis. 33.74), bukan '\(kota)'.",
                                 en: "A regional holiday applies to one kota (e.g. 33.74), not '\(kota)'."))
        }
        return issues
    }
}

extension WorkingCalendar {
    /// This calendar with the regional holidays of `kota` added (all given, when nil).
    public func adding(_ regional: [RegionalHoliday], kota: String?) -> WorkingCalendar {
        var out = self
        for day in regional where kota.map({ RegionPath.kotaCode(of: $0) == RegionPath.kotaCode(of: day.kota) }) ?? true {
            if let holiday = day.holiday { out.add(holiday) }
        }
        return out
    }
}
