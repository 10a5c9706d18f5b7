import FieldModels
import Foundation
import LocalStore

/// How a NIK or No. KK is shown: masked unless the agent asks to reveal it.
func shown(_ number: String, reveal: Bool) -> String {
    number.isEmpty ? "-" : (reveal ? number : IdentityRules.masked(number))
}

struct PersonRow: Encodable {
    var id, name, nik, sex, birthDate, relationship, status: String
    var age: Int?
    var warnings: [IssueJSON]
    /// The fields beyond the family card's first page that are filled in, by label.
    var details: [String: String]

    init(_ stored: StoredRecord<Person>, reveal: Bool, today: CivilDate = CivilDate(Date())) {
        let person = stored.record
        id = person.id
        name = person.name
        nik = shown(person.nik, reveal: reveal)
        sex = person.sex?.rawValue ?? "-"
        birthDate = person.birthDate?.description ?? "-"
        relationship = person.relationship?.rawValue ?? "-"
        status = person.status.rawValue
        age = person.age(on: today)
        warnings = stored.warnings.map(IssueJSON.init)
        details = Self.details(person, reveal: reveal)
    }

    static func details(_ person: Person, reveal: Bool) -> [String: String] {
        let hidden = L("(tersembunyi)", "(hidden)")
        let all: [(String, String)] = [
            (L("tempat lahir", "born in"), person.birthPlace),
            (L("kawin", "marital"), person.maritalStatus?.name.text ?? ""),
            (L("pekerjaan", "occupation"), person.occupation),
            (L("pendidikan", "education"), person.education?.name.text ?? ""),
            (L("program", "programmes"), person.programmes.sorted().map(\.name.text).joined(separator: ", ")),
            ("DTKS", person.dtksID.isEmpty ? "" : shown(person.dtksID, reveal: reveal)),
            ("BPJS", person.bpjsNumber.isEmpty ? "" : shown(person.bpjsNumber, reveal: reveal)),
            (L("telepon", "phone"), person.phone.isEmpty ? "" : shown(person.phone, reveal: reveal)),
            (L("disabilitas", "disability"), person.disabilities.isEmpty ? "" :
                (reveal ? person.disabilities.sorted().map(\.name.text).joined(separator: ", ") : hidden)),
            (L("meninggal", "died"), person.deathDate?.description ?? ""),
        ]
        return Dictionary(all.filter { !$0.1.isEmpty }, uniquingKeysWith: { first, _ in first })
    }

    var line: String {
        let ageText = age.map { L("\($0) th", "\($0) y") } ?? "-"
        let flag = warnings.isEmpty ? "" : "  !"
        let main = "  \(id)  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(sex)  \(ageText.padding(toLength: 6, withPad: " ", startingAt: 0)) \(relationship.padding(toLength: 10, withPad: " ", startingAt: 0)) NIK \(nik)  \(status)\(flag)"
        guard !details.isEmpty else { return main }
        return main + "\n      " + details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

struct ConflictJSON: Encodable {
    struct Value: Encodable { var value: String; var agent: String; var device: String; var time: String }
    var field: String
    var values: [Value]

    init(_ conflict: FieldConflict, sensitive: Bool) {
        field = conflict.field
        values = conflict.values.map {
            Value(value: sensitive ? IdentityRules.masked($0.value.description) : $0.value.description, agent: $0.agent,
                  device: $0.dot.replica.rawValue, time: Timestamp.text($0.wallTime))
        }
    }
}

enum Timestamp {
    /// A wall-clock time in milliseconds as local `YYYY-MM-DD HH:MM`.
    static func text(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}

struct HouseholdRow: Encodable {
    var id, noKK, rt, rw, address, head: String
    var members: Int
    var flagged: Bool

    init(_ stored: StoredRecord<Household>, replica: LocalReplica) throws {
        let household = stored.record
        id = household.id
        noKK = shown(household.noKK, reveal: false)
        rt = household.rt
        rw = household.rw
        address = household.address
        let people = try household.members.compactMap { try replica.record(Person.self, id: $0) }.filter { !$0.deleted }.map(\.record)
        members = people.count
        head = people.first { $0.relationship == .kepala }?.name ?? people.first?.name ?? "-"
        flagged = !stored.warnings.isEmpty || !stored.conflicts.isEmpty
    }

    var line: String {
        "\(id)  KK \(noKK)  RT \(rt)/RW \(rw)  \(address.padding(toLength: 28, withPad: " ", startingAt: 0)) \(head) (\(members))\(flagged ? "  !" : "")"
    }
}

struct HouseholdView: Encodable {
    var id, noKK, address, rt, rw, kelurahan, regionCode, dtks, phone: String
    /// The location, shown to about 1 km unless revealed (`-`: none).
    var location: String
    var photos: [PhotoRow]
    var deleted: Bool
    var members: [PersonRow]
    var entries: [EntryRow]
    var visits: [VisitRow]
    var warnings: [IssueJSON]
    var conflicts: [ConflictJSON]

    init(_ stored: StoredRecord<Household>, replica: LocalReplica, reveal: Bool) throws {
        let household = stored.record
        id = household.id
        noKK = shown(household.noKK, reveal: reveal)
        address = household.address
        rt = household.rt
        rw = household.rw
        kelurahan = try replica.region(id: household.kelurahanID)?.name ?? household.kelurahanID
        regionCode = household.regionCode.isEmpty ? "-" : household.regionCode
        dtks = shown(household.dtksID, reveal: reveal)
        phone = shown(household.phone, reveal: reveal)
        location = household.location.map { point in
            reveal ? point.display.text : String(format: "%.2f…, %.2f… (--reveal)", point.latitude, point.longitude)
        } ?? "-"
        photos = try PhotoRow.rows(of: household, replica: replica)
        deleted = stored.deleted
        let order = FamilyRelationship.allCases
        let people = try household.members.compactMap { try replica.record(Person.self, id: $0) }.filter { !$0.deleted || stored.deleted }.sorted {
            (order.firstIndex(of: $0.record.relationship ?? .lainnya) ?? 99, $0.record.birthDate?.description ?? "", $0.record.id)
                < (order.firstIndex(of: $1.record.relationship ?? .lainnya) ?? 99, $1.record.birthDate?.description ?? "", $1.record.id)
        }
        members = people.map { PersonRow($0, reveal: reveal) }
        let ids = Set([household.id] + household.members)
        entries = try replica.records(SocialMapEntry.self, area: household.kelurahanID)
            .filter { ids.contains($0.record.personID ?? "") || ids.contains($0.record.householdID ?? "") }
            .map { EntryRow($0.record) }
        visits = try replica.records(HomeVisit.self, area: household.kelurahanID)
            .filter { ids.contains($0.record.personID ?? "") || ids.contains($0.record.householdID ?? "") }
            .map { VisitRow($0.record) }
        warnings = (stored.warnings + people.flatMap(\.warnings)).map(IssueJSON.init)
        conflicts = stored.conflicts.map { ConflictJSON($0, sensitive: Household.sensitiveFields.contains($0.field)) }
    }

    func print(to console: Console) {
        console.line("\(L("Rumah tangga", "Household")) \(id)\(deleted ? L("  (DIHAPUS)", "  (DELETED)") : "")")
        console.line("  No. KK   : \(noKK)")
        console.line("  \(L("Alamat   ", "Address  ")): \(address), RT \(rt)/RW \(rw), \(kelurahan) (\(regionCode))")
        if dtks != "-" || phone != "-" { console.line("  DTKS     : \(dtks)   \(L("Telepon", "Phone")): \(phone)") }
        if location != "-" { console.line("  \(L("Lokasi   ", "Location ")): \(location)") }
        if !photos.isEmpty {
            console.line(L("Foto (\(photos.count)):", "Photos (\(photos.count)):"))
            for photo in photos { console.line(photo.line) }
        }
        console.line(L("Anggota (\(members.count)):", "Members (\(members.count)):"))
        for member in members { console.line(member.line) }
        if !entries.isEmpty {
            console.line(L("PMKS/PSKS:", "PMKS/PSKS:"))
            for entry in entries { console.line(entry.line) }
        }
        if !visits.isEmpty {
            console.line(L("Kunjungan:", "Visits:"))
            for visit in visits { console.line(visit.line) }
        }
        for warning in warnings { console.line(L("Peringatan: ", "Warning: ") + warning.message) }
        for conflict in conflicts {
            let values = conflict.values.map { "\"\($0.value)\" (\($0.agent), \($0.time))" }.joined(separator: L(" atau ", " or "))
            console.line(L("Konflik pada \(conflict.field): ", "Conflict on \(conflict.field): ") + values)
        }
    }
}

struct EntryRow: Encodable {
    var id, kind, category, subject, assessmentDate: String

    init(_ entry: SocialMapEntry) {
        id = entry.id
        kind = entry.kind.rawValue
        category = entry.pmksCategory?.name.text ?? entry.psksCategory?.name.text ?? entry.category
        subject = entry.personID ?? entry.householdID ?? entry.label
        assessmentDate = entry.assessmentDate?.description ?? "-"
    }

    var line: String { "  \(id)  \(kind.uppercased())  \(category)  (\(subject), \(assessmentDate))" }
}

struct VisitRow: Encodable {
    var id, date, purpose, subject, agent: String
    var needs: [String]
    var referral: String?
    var referralStatus: String?
    var followUpDate: String?

    init(_ visit: HomeVisit) {
        id = visit.id
        date = visit.date?.description ?? "-"
        purpose = visit.purpose
        subject = [visit.householdID, visit.personID].compactMap { $0 }.joined(separator: ", ")
        agent = visit.agentID
        needs = visit.needs.map(\.rawValue).sorted()
        referral = visit.referral?.rawValue
        referralStatus = visit.referralStatus?.rawValue
        followUpDate = visit.followUpDate?.description
    }

    var line: String {
        var text = "  \(id)  \(date)  \(purpose)  (\(subject))"
        if !needs.isEmpty { text += L("  kebutuhan: ", "  needs: ") + needs.joined(separator: ", ") }
        if let referral { text += L("  rujukan: ", "  referral: ") + referral + (referralStatus.map { " (\($0))" } ?? "") }
        if let followUpDate { text += L("  tindak lanjut: ", "  follow-up: ") + followUpDate }
        return text
    }
}
