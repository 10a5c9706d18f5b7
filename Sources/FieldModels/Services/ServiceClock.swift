/// Where a service case stands: the procedure of the standard (applicant → service officer →
/// disposition → assessment → follow-up), as `diterima → lengkap → asesmen → disposisi →
/// tindak lanjut → selesai`, or `ditolak` with a reason.
public enum ServiceStatus: String, Sendable, CaseIterable, Codable {
    case diterima, lengkap, asesmen, disposisi
    case tindakLanjut = "tindak-lanjut"
    case selesai, ditolak

    public var name: LocalizedText {
        switch self {
        case .diterima: LocalizedText(id: "Diterima", en: "Received")
        case .lengkap: LocalizedText(id: "Berkas lengkap", en: "File complete")
        case .asesmen: LocalizedText(id: "Asesmen", en: "Assessment")
        case .disposisi: LocalizedText(id: "Disposisi", en: "Disposition")
        case .tindakLanjut: LocalizedText(id: "Tindak lanjut", en: "Follow-up")
        case .selesai: LocalizedText(id: "Selesai", en: "Done")
        case .ditolak: LocalizedText(id: "Ditolak", en: "Refused")
        }
    }

    /// Whether the case is closed (done or refused): its clock stops.
    public var isClosed: Bool { self == .selesai || self == .ditolak }

    private var step: Int { Self.allCases.firstIndex(of: self)! }

    /// Whether a case may move from `self` to `next`: forward along the path (steps may be
    /// skipped, never undone), to `ditolak` from any open status, and back to `diterima` from a
    /// closed one only as a documented reopening (`reopening`, with its reason).
    public func allows(_ next: ServiceStatus, reopening: Bool = false) -> Bool {
        if isClosed { return reopening && next == .diterima }
        if next == .ditolak { return true }
        return next.step > step
    }
}

/// The clock of a service case: when it is due, from the moment its file was complete, in the
/// working calendar of the Dinas.
public enum ServiceClock {
    /// The due moment of `kind` whose file became complete at `complete`; nil when the standard
    /// sets no time.
    public static func due(_ kind: ServiceKind, complete: LocalMoment, calendar: WorkingCalendar) -> LocalMoment? {
        switch kind.time {
        case .workingDays(let days): calendar.due(workingDays: days, from: complete, hours: kind.hours)
        case .officeMinutes(let minutes): calendar.due(officeMinutes: minutes, from: complete, hours: kind.hours)
        case .calendarDays(let days): LocalMoment(date: complete.date.adding(days: days), minute: complete.minute)
        case .unstated: nil
        }
    }

    /// Minutes from `now` to `due`: positive while time is left, negative once late.
    public static func minutesLeft(until due: LocalMoment, now: LocalMoment) -> Int {
        (due.date.dayNumber - now.date.dayNumber) * 1440 + due.minute - now.minute
    }

    /// `sisa 2 hari 3 jam` / `terlambat 45 menit`.
    public static func describe(minutesLeft minutes: Int) -> LocalizedText {
        let size = abs(minutes), days = size / 1440, hours = size % 1440 / 60, rest = size % 60
        var id: [String] = [], en: [String] = []
        if days > 0 { id.append("\(days) hari"); en.append("\(days) day\(days == 1 ? "" : "s")") }
        if hours > 0 { id.append("\(hours) jam"); en.append("\(hours) hour\(hours == 1 ? "" : "s")") }
        if rest > 0 || (days == 0 && hours == 0) { id.append("\(rest) menit"); en.append("\(rest) minute\(rest == 1 ? "" : "s")") }
        return minutes >= 0 ? LocalizedText(id: "sisa " + id.joined(separator: " "), en: en.joined(separator: " ") + " left")
            : LocalizedText(id: "terlambat " + id.joined(separator: " "), en: en.joined(separator: " ") + " late")
    }
}
