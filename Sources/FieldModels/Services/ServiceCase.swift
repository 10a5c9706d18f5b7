/// One request for one of the Dinas's nine services, tracked from the field to completion
/// (Kepdin Semarang 800/661/2023): whom it serves, who asked and who received it, the
/// requirements ticked, when the file became complete (its clock starts then), where it stands,
/// and what came of it. Synced like every record: field by field, with history and conflicts.
public struct ServiceCase: FieldRecord, Hashable {
    public static let recordType = RecordType.service
    /// What the case is about and what came of it can name illnesses or violence.
    public static let sensitiveFields: Set<String> = ["notes", "outcome", "reason"]

    public var id: String
    public var service: ServiceKind
    public var personID: String?
    public var householdID: String?
    /// Who asked for the service: the person, a relative, a neighbour, the agent.
    public var requestedBy: String
    /// The agent who received the request.
    public var receivedBy: String
    /// The requirement codes ticked (`ServiceKind.requirements`); merges as a set.
    public var requirements: Set<String>
    /// When the file became complete, Asia/Jakarta: the start of the service's clock.
    public var completeAt: LocalMoment?
    public var status: ServiceStatus
    /// Why it was refused, or reopened.
    public var reason: String
    /// The hospital or panti of a referral, the letter number, what was delivered.
    public var outcome: String
    public var notes: String
    /// The home visit that started it, if any.
    public var visitID: String?
    /// KUBE and RST: the households of the group (`GroupRules`); merges as a set.
    public var families: Set<String> = []
    public var kelurahanID: String

    public init(id: String = RecordID.make(.service), service: ServiceKind, personID: String? = nil, householdID: String? = nil,
                requestedBy: String = "", receivedBy: String, requirements: Set<String> = [], completeAt: LocalMoment? = nil,
                status: ServiceStatus = .diterima, visitID: String? = nil, kelurahanID: String) {
        self.id = id
        self.service = service
        self.personID = personID
        self.householdID = householdID
        self.requestedBy = requestedBy
        self.receivedBy = receivedBy
        self.requirements = requirements
        self.completeAt = completeAt
        self.status = status
        self.reason = ""
        self.outcome = ""
        self.notes = ""
        self.visitID = visitID
        self.kelurahanID = kelurahanID
    }

    public var area: String { kelurahanID }

    /// The requirements of its service not ticked yet.
    public var missingRequirements: [ServiceRequirement] { service.requirements.filter { !requirements.contains($0.code) } }

    public var fields: FieldMap {
        var map: FieldMap = [
            "service": .text(service.rawValue), "person": personID.fieldValue, "household": householdID.fieldValue,
            "requestedBy": .text(requestedBy), "receivedBy": .text(receivedBy),
            "completeAt": completeAt.map { .text($0.description) } ?? .null, "status": .text(status.rawValue),
            "reason": .text(reason), "outcome": .text(outcome), "notes": .text(notes), "visit": visitID.fieldValue,
            "kelurahan": .text(kelurahanID),
        ]
        map.setElements("requirements", requirements)
        map.setElements("families", families)
        return map
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, service: ServiceKind(rawValue: fields.string("service")) ?? .dataPengaduan,
                  personID: fields.optionalString("person"), householdID: fields.optionalString("household"),
                  requestedBy: fields.string("requestedBy"), receivedBy: fields.string("receivedBy"),
                  requirements: fields.setElements("requirements"), completeAt: LocalMoment(fields.string("completeAt")),
                  status: ServiceStatus(rawValue: fields.string("status")) ?? .diterima, visitID: fields.optionalString("visit"),
                  kelurahanID: fields.string("kelurahan"))
        reason = fields.string("reason")
        outcome = fields.string("outcome")
        notes = fields.string("notes")
        families = fields.setElements("families")
    }

    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if personID == nil && householdID == nil && families.isEmpty {
            issues.append(.error("person", "subject.required", id: "Sebutkan siapa yang dilayani: --person atau --household.",
                                 en: "Name whom the service is for: --person or --household."))
        }
        let known = Set(service.requirements.map(\.code))
        if let stranger = requirements.sorted().first(where: { !known.contains($0) }) {
            issues.append(.error("requirements", "requirement.unknown",
                                 id: "'\(stranger)' bukan persyaratan \(service.name.id). Pilihan: \(known.sorted().joined(separator: ", ")).",
                                 en: "'\(stranger)' is not a requirement of \(service.name.en). Choices: \(known.sorted().joined(separator: ", "))."))
        }
        if completeAt != nil, let first = missingRequirements.first {
            issues.append(.error("completeAt", "complete.missing", id: "Berkas belum lengkap: \(first.name.id) belum ada.",
                                 en: "The file is not complete: \(first.name.en) is missing."))
        }
        if status != .diterima && status != .ditolak && completeAt == nil {
            issues.append(.error("completeAt", "complete.required", id: "Status \(status.name.id) perlu berkas lengkap lebih dulu (field service check).",
                                 en: "Status \(status.name.en) needs a complete file first (field service check)."))
        }
        if status == .ditolak && reason.trimmingWhitespace().isEmpty {
            issues.append(.error("reason", "reason.required", id: "Layanan yang ditolak harus menyebut alasannya (--reason).",
                                 en: "A refused service must give the reason (--reason)."))
        }
        if let completeAt, completeAt.date > context.today {
            issues.append(.error("completeAt", "completeAt.future", id: "Berkas lengkap pada \(completeAt) ada di masa depan (hari ini \(context.today)).",
                                 en: "The file completed at \(completeAt) is in the future (today is \(context.today))."))
        }
        issues += GroupRules.check(self, families: context.family, today: context.today)
        return issues
    }
}

extension LocalMoment {
    /// Parses `YYYY-MM-DD HH:MM` exactly.
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CivilDate(String(parts[0])), date.description == parts[0] else { return nil }
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2, clock.allSatisfy({ $0.utf8.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
              let hour = Int(clock[0]), let minute = Int(clock[1]), hour < 24, minute < 60 else { return nil }
        self.init(date: date, hour: hour, minute: minute)
    }
}
