import FieldModels
import Testing

/// The nine services' clocks and the status path, without a replica.
@Suite("Service standard: the nine services, their clocks and the status path")
struct ServiceClockTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test("Each service's due time from a file completed on the Friday before Nyepi and Idul Fitri, 10:00", arguments: [
        (ServiceKind.dataPengaduan, "2026-03-25 14:00"), (.kedaruratan, "2026-03-16 14:00"), (.rujukan, "2026-03-16 14:00"),
        (.reaktivasiPBI, "2026-03-13 10:30"), (.slrt, "2026-03-13 10:30"), (.lks, "2026-04-06 15:00"),
        (.kube, "2026-04-27 14:00"), (.rst, "2026-06-26 10:00"),
    ])
    func due(_ kind: ServiceKind, _ expected: String) throws {
        let calendar = try #require(WorkingCalendar.shipped)
        let due = try #require(ServiceClock.due(kind, complete: LocalMoment(date: Self.day("2026-03-13"), hour: 10), calendar: calendar))
        #expect(due.description == expected, "\(kind)")
        if case .workingDays(let days) = kind.time {
            #expect(calendar.workingDays(from: Self.day("2026-03-13"), to: due.date) == days, "\(kind): counted back")
        }
    }

    @Test("KJS has no completion time in the standard; every other service has one and a checklist")
    func catalogue() {
        #expect(ServiceClock.due(.kjs, complete: LocalMoment(date: Self.day("2026-03-13"), hour: 10), calendar: WorkingCalendar()) == nil)
        #expect(ServiceKind.allCases.count == 9)
        for kind in ServiceKind.allCases {
            #expect(!kind.requirements.isEmpty && Set(kind.requirements.map(\.code)).count == kind.requirements.count, "\(kind)")
        }
        #expect(ServiceKind.rujukan.requirements.map(\.code).contains("bpjs"), "a referral needs BPJS")
    }

    @Test("Time left and time late, in minutes and in words")
    func left() {
        let due = LocalMoment(date: Self.day("2026-03-25"), hour: 14)
        #expect(ServiceClock.minutesLeft(until: due, now: LocalMoment(date: Self.day("2026-03-24"), hour: 11)) == 27 * 60)
        #expect(ServiceClock.minutesLeft(until: due, now: LocalMoment(date: Self.day("2026-03-25"), hour: 14, minute: 45)) == -45)
        #expect(ServiceClock.minutesLeft(until: LocalMoment(date: Self.day("2027-01-04"), hour: 14), now: LocalMoment(date: Self.day("2026-12-31"), hour: 14)) == 4 * 1440)
        #expect(ServiceClock.describe(minutesLeft: 27 * 60).id == "sisa 1 hari 3 jam")
        #expect(ServiceClock.describe(minutesLeft: -45).en == "45 minutes late")
        #expect(Self.day("1970-01-01").dayNumber == 0 && Self.day("2026-12-03").dayNumber == 20_790)
    }

    @Test("Statuses move forward only, may be refused while open, and reopen only as a documented reopening")
    func path() {
        #expect(ServiceStatus.diterima.allows(.lengkap) && ServiceStatus.lengkap.allows(.disposisi))
        #expect(!ServiceStatus.asesmen.allows(.lengkap), "never back")
        #expect(ServiceStatus.disposisi.allows(.ditolak) && !ServiceStatus.selesai.allows(.ditolak))
        #expect(!ServiceStatus.selesai.allows(.diterima) && ServiceStatus.selesai.allows(.diterima, reopening: true))
        #expect(!ServiceStatus.ditolak.allows(.asesmen, reopening: true), "a reopening starts again at diterima")
    }
}

@Suite("Service case record: its rules and its fields")
struct ServiceCaseRuleTests {
    static let kel = "33.74.11.1006"
    static let today = CivilDate(year: 2026, month: 12, day: 3)!

    static func referral(_ edit: (inout ServiceCase) -> Void = { _ in }) -> ServiceCase {
        var service = ServiceCase(service: .rujukan, personID: "P-7KQ2M9X4TD1B", requestedBy: "Anak kandung", receivedBy: "A-SITI",
                                  requirements: ["ktp", "kk", "kontak", "bpjs"], completeAt: LocalMoment("2026-12-01 10:15"),
                                  status: .lengkap, kelurahanID: kel)
        edit(&service)
        return service
    }

    @Test("Service case rules name what is wrong", arguments: [
        (referral(), [String]()),
        (referral { $0.personID = nil }, ["subject.required"]),
        (referral { $0.requirements.remove("bpjs") }, ["complete.missing"]),
        (referral { $0.requirements.insert("paspor") }, ["requirement.unknown"]),
        (referral { $0.completeAt = nil }, ["complete.required"]),
        (referral { $0.completeAt = nil; $0.status = .diterima; $0.requirements = ["ktp"] }, []),
        (referral { $0.status = .ditolak }, ["reason.required"]),
        (referral { $0.completeAt = LocalMoment("2026-12-04 08:00") }, ["completeAt.future"]),
    ])
    func rules(_ service: ServiceCase, _ codes: [String]) {
        #expect(service.validate(in: ValidationContext(today: Self.today)).errors.map(\.code) == codes)
        #expect(ServiceCase(id: service.id, fields: service.fields) == service, "fields round-trip")
        for (field, value) in service.fields {
            let spec = RecordType.service.schema.spec(for: field)
            #expect(spec != nil && FieldSchemaCheck.problem(value, spec!) == nil, "\(field) fits its schema")
        }
    }

    @Test("A moment is YYYY-MM-DD HH:MM exactly")
    func moments() {
        #expect(LocalMoment("2026-12-01 10:15")?.description == "2026-12-01 10:15")
        for bad in ["2026-12-01 24:00", "2026-12-01 9:15", "2026-12-01T10:15", "01-12-2026 10:15", "2026-12-01 10:15:00", ""] {
            #expect(LocalMoment(bad) == nil, "\(bad)")
        }
    }
}

@Suite("KUBE and RST group rules")
struct GroupRuleTests {
    static let kel = "33.74.11.1006"
    static let today = CivilDate(year: 2026, month: 12, day: 3)!

    static func head(born: String) -> Person {
        Person(nik: "", name: "Kepala", sex: nil, birthDate: CivilDate(born), relationship: .kepala, householdID: "H-X", kelurahanID: kel)
    }

    static func group(_ kind: ServiceKind, _ count: Int, complete: Bool = false) -> ServiceCase {
        var service = ServiceCase(service: kind, receivedBy: "A-BAMBANG", kelurahanID: kel)
        service.families = Set((0..<count).map { "H-FAM\($0)" })
        if complete {
            service.requirements = Set(kind.requirements.map(\.code))
            service.completeAt = LocalMoment(date: today, hour: 9)
            service.status = .lengkap
        }
        return service
    }

    static func codes(_ service: ServiceCase, heads: [String: String] = [:], elsewhere: Set<String> = []) -> [String] {
        GroupRules.check(service, families: { id in
            guard id.hasPrefix("H-FAM") else { return nil }
            return GroupRules.Family(kelurahanID: elsewhere.contains(id) ? "33.74.11.1001" : kel, head: head(born: heads[id] ?? "1980-01-01"))
        }, today: today).map { "\($0.severity == .error ? "E" : "W"):\($0.code)" }
    }

    @Test("A KUBE is 10 families: fewer is a warning while the file is gathered, an error once complete; more is an error")
    func kubeSize() {
        #expect(Self.codes(Self.group(.kube, 10, complete: true)) == [])
        #expect(Self.codes(Self.group(.kube, 7)) == ["W:group.size"])
        #expect(Self.codes(Self.group(.kube, 7, complete: true)) == ["E:group.size"])
        #expect(Self.codes(Self.group(.kube, 11)) == ["E:group.size"])
    }

    @Test("KUBE members are aged 20–55 on the day, counted in whole years")
    func kubeAges() {
        #expect(Self.codes(Self.group(.kube, 10, complete: true), heads: ["H-FAM3": "1970-12-03"]) == ["E:group.age"], "56 today")
        #expect(Self.codes(Self.group(.kube, 10, complete: true), heads: ["H-FAM3": "1970-12-04"]) == [], "55 until tomorrow")
        #expect(Self.codes(Self.group(.kube, 10, complete: true), heads: ["H-FAM3": "2006-12-04"]) == ["E:group.age"], "19")
    }

    @Test("RST: 3–15 families, or one household alone; every family recorded in the case's kelurahan")
    func rst() {
        #expect(Self.codes(Self.group(.rst, 3, complete: true)) == [] && Self.codes(Self.group(.rst, 15, complete: true)) == [])
        #expect(Self.codes(Self.group(.rst, 2, complete: true)) == ["E:group.size"] && Self.codes(Self.group(.rst, 16)) == ["E:group.size"])
        var alone = Self.group(.rst, 0, complete: true)
        alone.householdID = "H-ALONE"
        #expect(Self.codes(alone) == [])
        #expect(Self.codes(Self.group(.rst, 4), elsewhere: ["H-FAM1"]) == ["E:group.kelurahan"])
        var unknown = Self.group(.rst, 3)
        unknown.families.insert("H-NOWHERE")
        #expect(Self.codes(unknown) == ["E:group.unknown"])
        #expect(Self.codes(Self.group(.rujukan, 2)) == ["E:group.service"])
    }
}
