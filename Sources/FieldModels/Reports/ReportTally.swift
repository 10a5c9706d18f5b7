/// The counted part of a monthly report: how many of each thing the records show for the
/// month (`visits`, `pmks.fakir-miskin`, `referrals.diterima`, …). Stored as one field,
/// `key:count,key:count` with keys sorted and every count at least 1, so two replicas that
/// count the same records write the same text.
///
/// ```swift
/// var tally = ReportTally()
/// tally.add("visits", 3)
/// tally.description          // "visits:3"
/// ReportTally("visits:3,pmks.fakir-miskin:1")?["visits"]   // 3
/// ```
public struct ReportTally: Sendable, Hashable, CustomStringConvertible {
    public static let maxKeys = 200
    public static let maxCount = 10_000_000

    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// Parses the stored form; nil when it is not canonical (unsorted, a zero, a bad key).
    public init?(_ text: String) {
        guard !text.isEmpty else { return }
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= Self.maxKeys else { return nil }
        var previous = ""
        for item in items {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, Self.isKey(String(parts[0])), String(parts[0]) > previous,
                  parts[1].allSatisfy(\.isASCIIDigit), !parts[1].hasPrefix("0"),
                  let count = Int(parts[1]), (1...Self.maxCount).contains(count) else { return nil }
            previous = String(parts[0])
            counts[previous] = count
        }
    }

    /// A key: lower-case ASCII letters, digits, `-` and `.`, at most 60.
    public static func isKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return !bytes.isEmpty && bytes.count <= 60 && bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    public subscript(key: String) -> Int { counts[key] ?? 0 }

    public mutating func add(_ key: String, _ count: Int = 1) {
        guard count > 0 else { return }
        counts[key] = min(Self.maxCount, self[key] + count)
    }

    public mutating func add(_ other: ReportTally) {
        for (key, count) in other.counts { add(key, count) }
    }

    public var isEmpty: Bool { counts.isEmpty }

    public var description: String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }
}

/// The month a report covers, `YYYY-MM`, and its deadline: corrections are accepted until the
/// 15th of the following month (Perwal Semarang 86/2020 Pasal 26(3)); after that the report is
/// late and the honorarium is not paid (Pasal 26(4)).
public struct ReportPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Parses exactly `YYYY-MM` (a month 01–12 of a year 2000–2999).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }),
              let year = Int(text.prefix(4)), let month = Int(text.suffix(2)), (2000...2999).contains(year), (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
    }

    public init(containing date: CivilDate) {
        year = date.year
        month = date.month
    }

    public var first: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var last: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))! }
    public var next: ReportPeriod { ReportPeriod(containing: last.adding(days: 1)) }

    /// The last day a report of this month may be submitted or corrected: the 15th of the next.
    public var deadline: CivilDate { CivilDate(year: next.year, month: next.month, day: 15)! }

    public func contains(_ date: CivilDate) -> Bool { date >= first && date <= last }

    /// `202611`: the period as it appears in a report's id.
    public var compact: String { String(format4: year) + String(format2: month) }

    /// `November 2026` / `November 2026`.
    public var name: LocalizedText {
        let id = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
        let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return LocalizedText(id: "\(id[month - 1]) \(year)", en: "\(en[month - 1]) \(year)")
    }

    public var description: String { String(format4: year) + "-" + String(format2: month) }

    public static func < (lhs: ReportPeriod, rhs: ReportPeriod) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

extension CivilDate {
    /// `15 Desember 2026` / `15 December 2026`.
    public var longName: LocalizedText {
        let month = ReportPeriod(containing: self).name
        return LocalizedText(id: "\(day) \(month.id)", en: "\(day) \(month.en)")
    }
}

/// What each count of a report means, as printed, and the section it belongs to.
public enum ReportFigure {
    /// The sections of part (a), in print order, with their key prefixes.
    public static let sections: [(prefix: String, title: LocalizedText)] = [
        ("visits", LocalizedText(id: "Kunjungan rumah", en: "Home visits")),
        ("households", LocalizedText(id: "Pendataan rumah tangga", en: "Households recorded")),
        ("pmks", LocalizedText(id: "Entri PMKS baru menurut kategori", en: "New PMKS entries by category")),
        ("psks", LocalizedText(id: "Entri PSKS baru menurut kategori", en: "New PSKS entries by category")),
        ("referrals", LocalizedText(id: "Rujukan dan statusnya", en: "Referrals and their status")),
        ("followups", LocalizedText(id: "Tindak lanjut yang jatuh tempo", en: "Follow-ups due")),
        ("services", LocalizedText(id: "Kasus layanan Dinas yang dibuka", en: "Dinas service cases opened")),
        ("needs", LocalizedText(id: "Kebutuhan layanan SPM yang dicatat", en: "SPM service needs recorded")),
    ]

    /// The section prefix of a key: its first part.
    public static func section(of key: String) -> String { String(key.prefix { $0 != "." }) }

    /// The printed name of a count.
    public static func label(_ key: String) -> LocalizedText {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        let rest = parts.count > 1 ? parts[1] : ""
        switch (parts[0], rest) {
        case ("visits", ""): return LocalizedText(id: "Kunjungan rumah dilakukan", en: "Home visits made")
        case ("households", "new"): return LocalizedText(id: "Rumah tangga baru didata", en: "New households recorded")
        case ("pmks", _): return PMKSCategory(rawValue: rest)?.name ?? LocalizedText(id: rest, en: rest)
        case ("psks", _): return PSKSCategory(rawValue: rest)?.name ?? LocalizedText(id: rest, en: rest)
        case ("referrals", _) where rest.hasPrefix("to."):
            let place = String(rest.dropFirst(3)).replacingDashes()
            return LocalizedText(id: "Dirujuk ke \(place)", en: "Referred to \(place)")
        case ("referrals", _): return LocalizedText(id: "Rujukan berstatus \(rest)", en: "Referrals with status \(rest)")
        case ("followups", "done"): return LocalizedText(id: "Selesai (dikunjungi lagi)", en: "Done (visited again)")
        case ("followups", "overdue"): return LocalizedText(id: "Terlambat (belum dikunjungi lagi)", en: "Overdue (not visited again)")
        case ("followups", "pending"): return LocalizedText(id: "Belum jatuh tempo", en: "Not yet due")
        case ("needs", _): return SPMService(rawValue: rest)?.name ?? LocalizedText(id: rest, en: rest)
        case ("services", _) where rest.hasPrefix("status."):
            let status = ServiceStatus(rawValue: String(rest.dropFirst(7)))?.name ?? LocalizedText(id: rest, en: rest)
            return LocalizedText(id: "Berstatus \(status.id.lowercased()) sekarang", en: "Now \(status.en.lowercased())")
        case ("services", _): return ServiceKind(rawValue: rest)?.name ?? LocalizedText(id: rest, en: rest)
        default: return LocalizedText(id: key, en: key)
        }
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? " " : $0 }) }
}
