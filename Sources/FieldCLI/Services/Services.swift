import FieldModels
import Foundation
import LocalStore

/// What the service commands share.
enum Services {
    /// The working calendar deadlines count in: the shipped national one, with the regional
    /// holidays of the kota the replica holds.
    static func calendar(_ replica: LocalReplica) throws -> WorkingCalendar {
        try replica.workingCalendar(base: national())
    }

    /// The national calendar shipped with FieldSync; weekends only, with a warning, without it.
    static func national() -> WorkingCalendar {
        guard let shipped = WorkingCalendar.shipped else {
            FileHandle.standardError.write(Data((L("Peringatan: kalender libur tidak terpasang; tenggat hanya melewati Sabtu dan Minggu.",
                                 "Warning: the holiday calendar is not installed; deadlines skip only Saturdays and Sundays.") + "\n").utf8))
            return WorkingCalendar()
        }
        return shipped
    }

    static func load(_ id: String, replica: LocalReplica) throws -> ServiceCase {
        let stored = try replica.existing(ServiceCase.self, id: try replica.resolveID(id, type: .service))
        if let conflict = stored.conflicts.first(where: { $0.field == "status" }) {
            let values = conflict.values.compactMap { $0.value.text }.joined(separator: " / ")
            throw CLIError("Status kasus \(stored.record.id) dalam konflik (\(values)). Selesaikan dulu: field conflicts show \(stored.record.id)",
                           "The status of case \(stored.record.id) is in conflict (\(values)). Settle it first: field conflicts show \(stored.record.id)",
                           code: Exit.refused)
        }
        return stored.record
    }

    /// Ticks `codes`; once every requirement is there the file is complete at `now` and a
    /// received case becomes `lengkap` (its clock starts).
    static func tick(_ service: inout ServiceCase, _ codes: [String], now: LocalMoment) {
        service.requirements.formUnion(codes.map { $0.trimmingWhitespace().lowercased() })
        if service.completeAt == nil, service.missingRequirements.isEmpty, !service.status.isClosed {
            service.completeAt = now
            if service.status == .diterima { service.status = .lengkap }
        }
    }

    static func move(_ service: inout ServiceCase, to next: ServiceStatus, reason: String?, reopen: Bool) throws {
        let why = reason?.trimmingWhitespace() ?? ""
        guard service.status.allows(next, reopening: reopen) else {
            let hint = service.status.isClosed ? L(" Untuk membuka kembali: --to diterima --reopen --reason ALASAN.", " To reopen: --to diterima --reopen --reason REASON.") : ""
            throw CLIError("Status \(service.status.rawValue) tidak bisa pindah ke \(next.rawValue): status hanya maju (diterima → lengkap → asesmen → disposisi → tindak-lanjut → selesai) atau ditolak.\(hint)",
                           "Status \(service.status.rawValue) cannot move to \(next.rawValue): statuses only go forward (diterima → lengkap → asesmen → disposisi → tindak-lanjut → selesai) or to ditolak.\(hint)",
                           field: "to", code: Exit.refused)
        }
        if reopen && why.isEmpty {
            throw CLIError("Membuka kembali kasus perlu alasan (--reason).", "Reopening a case needs a reason (--reason).", field: "reason", code: Exit.refused)
        }
        if !why.isEmpty { service.reason = why }
        if reopen { service.completeAt = nil }
        service.status = next
    }

    static func save(_ service: ServiceCase, created: Bool, replica: LocalReplica, console: Console) throws {
        let result = try replica.save([service])
        let stored = try replica.existing(ServiceCase.self, id: service.id)
        let view = ServiceView(stored, calendar: try calendar(replica), now: LocalMoment.jakarta())
        console.line(created ? L("Kasus layanan tersimpan: \(service.id)", "Service case saved: \(service.id)")
                     : result.changes.isEmpty ? L("Tidak ada yang berubah pada \(service.id).", "Nothing changed on \(service.id).")
                     : L("Kasus \(service.id) diperbarui.", "Case \(service.id) updated."))
        let missing = stored.record.missingRequirements.map(\.code)
        console.line("  \(view.statusName) · " + (missing.isEmpty ? "" : L("kurang: \(missing.joined(separator: ", ")) · ", "missing: \(missing.joined(separator: ", ")) · "))
                     + (view.due.map { L("batas \($0) WIB · ", "due \($0) Jakarta time · ") } ?? "") + view.clock)
        for warning in result.warnings.values.flatMap({ $0 }) { console.line(L("  Peringatan: ", "  Warning: ") + warning.text.text) }
        try console.emit(view)
    }

    /// `30m`, `3h`, `1d` (24 hours) in minutes.
    static func minutes(_ text: String) throws -> Int {
        let trimmed = text.trimmingWhitespace().lowercased()
        guard let unit = trimmed.last, let number = Int(trimmed.dropLast()), number >= 0, let size = ["m": 1, "h": 60, "d": 1440][unit] else {
            throw CLIError("--due-within '\(text)' harus angka dengan m, h atau d, mis. 30m, 3h, 1d.",
                           "--due-within '\(text)' must be a number with m, h or d, e.g. 30m, 3h, 1d.", field: "due-within")
        }
        return number * size
    }
}
