import FieldModels
import Foundation
import LocalStore

/// A service case as people read it (and scripts, as JSON): the service and its standard,
/// whom it serves, the checklist, and its clock: due, time left or how late.
struct ServiceView: Encodable {
    struct Item: Encodable { var code, name: String; var ticked: Bool }

    var id, service, serviceName, time, status, statusName, kelurahan: String
    var person, household, visit: String?
    var requestedBy, receivedBy: String
    var requirements: [Item]
    /// KUBE/RST: the households of the group.
    var families: [String]
    var completeAt, due: String?
    /// Minutes to the due time (negative: late); nil while the file is incomplete or closed.
    var minutesLeft: Int?
    var late: Bool
    var clock: String
    var reason, outcome: String
    var conflicts: [String]

    init(_ stored: StoredRecord<ServiceCase>, calendar: WorkingCalendar, now: LocalMoment) {
        let record = stored.record
        id = record.id
        service = record.service.rawValue
        serviceName = record.service.name.text
        time = record.service.time.text.text
        status = record.status.rawValue
        statusName = record.status.name.text
        kelurahan = record.kelurahanID
        person = record.personID
        household = record.householdID
        visit = record.visitID
        requestedBy = record.requestedBy
        receivedBy = record.receivedBy
        requirements = record.service.requirements.map { Item(code: $0.code, name: $0.name.text, ticked: record.requirements.contains($0.code)) }
        families = record.families.sorted()
        completeAt = record.completeAt?.description
        let due = record.completeAt.flatMap { ServiceClock.due(record.service, complete: $0, calendar: calendar) }
        self.due = due?.description
        minutesLeft = record.status.isClosed ? nil : due.map { ServiceClock.minutesLeft(until: $0, now: now) }
        late = (minutesLeft ?? 0) < 0
        if record.status.isClosed {
            clock = L("ditutup", "closed")
        } else if record.completeAt == nil {
            clock = L("jam belum berjalan: berkas belum lengkap", "clock not started: the file is incomplete")
        } else if let minutesLeft {
            clock = ServiceClock.describe(minutesLeft: minutesLeft).text
        } else {
            clock = L("tanpa batas waktu dalam standar", "no time limit in the standard")
        }
        reason = record.reason
        outcome = record.outcome
        conflicts = stored.conflicts.map(\.field)
    }

    var line: String {
        let whom = person ?? household ?? ""
        let mark = late ? L("  TERLAMBAT", "  LATE") : ""
        return "\(id)  \(service)  \(whom)  \(statusName)  \(due.map { L("batas ", "due ") + $0 } ?? "-")  \(clock)\(mark)"
    }

    func print(to console: Console) {
        console.line("\(id) · \(serviceName)")
        console.line(L("  Untuk      : ", "  For        : ") + [person, household].compactMap { $0 }.joined(separator: ", "))
        if !requestedBy.isEmpty { console.line(L("  Pemohon    : ", "  Requested  : ") + requestedBy) }
        console.line(L("  Diterima   : ", "  Received by: ") + receivedBy + (visit.map { L(" (dari kunjungan \($0))", " (from visit \($0))") } ?? ""))
        console.line(L("  Status     : ", "  Status     : ") + statusName)
        if !families.isEmpty { console.line(L("  Kelompok   : \(families.count) KK: ", "  Group      : \(families.count) families: ") + families.joined(separator: ", ")) }
        console.line(L("  Persyaratan:", "  Requirements:"))
        for item in requirements { console.line("    [\(item.ticked ? "x" : " ")] \(item.code.padding(toLength: 16, withPad: " ", startingAt: 0)) \(item.name)") }
        console.line(L("  Waktu      : ", "  Time       : ") + time + L(" sejak berkas lengkap", " from the complete file"))
        if let completeAt { console.line(L("  Lengkap    : ", "  Complete   : ") + completeAt + " WIB") }
        if let due { console.line(L("  Batas      : ", "  Due        : ") + due + " WIB · " + clock) } else { console.line("  " + clock) }
        if !reason.isEmpty { console.line(L("  Alasan     : ", "  Reason     : ") + reason) }
        if !outcome.isEmpty { console.line(L("  Hasil      : ", "  Outcome    : ") + outcome) }
        for field in conflicts { console.line(L("  Konflik pada \(field): field conflicts show \(id)", "  Conflict on \(field): field conflicts show \(id)")) }
    }
}
