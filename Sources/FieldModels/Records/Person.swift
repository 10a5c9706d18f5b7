public enum Sex: String, Sendable, CaseIterable, Codable {
    /// Laki-laki (male).
    case l = "L"
    /// Perempuan (female).
    case p = "P"

    public init?(flexible text: String) {
        switch text.trimmingWhitespace().lowercased() {
        case "l", "lk", "laki-laki", "laki", "m", "male": self = .l
        case "p", "pr", "perempuan", "f", "female", "w", "wanita": self = .p
        default: return nil
        }
    }
}

public enum LifeStatus: String, Sendable, CaseIterable, Codable {
    case hidup, pindah, meninggal

    public init?(flexible text: String) {
        switch text.trimmingWhitespace().lowercased() {
        case "hidup", "alive": self = .hidup
        case "pindah", "moved": self = .pindah
        case "meninggal", "deceased", "dead": self = .meninggal
        default: return nil
        }
    }
}

/// A person as on the KTP and the family card.
public struct Person: FieldRecord, Hashable {
    public static let recordType = RecordType.person
    public static let sensitiveFields: Set<String> = ["nik", "healthNotes"]

    public var id: String
    /// NIK, the 16-digit national identity number; empty when the person has none yet.
    /// Kept plain (`IdentityRules.cleaned`): however it was typed, digits only.
    public var nik: String { didSet { if nik != IdentityRules.cleaned(nik) { nik = IdentityRules.cleaned(nik) } } }
    public var name: String
    public var sex: Sex?
    public var birthDate: CivilDate?
    public var relationship: FamilyRelationship?
    public var status: LifeStatus
    public var householdID: String
    public var kelurahanID: String
    /// Health and disability notes: specific personal data.
    public var healthNotes: String

    public init(id: String = RecordID.make(.person), nik: String, name: String, sex: Sex?, birthDate: CivilDate?,
                relationship: FamilyRelationship?, status: LifeStatus = .hidup, householdID: String,
                kelurahanID: String, healthNotes: String = "") {
        self.id = id
        self.nik = IdentityRules.cleaned(nik)
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.relationship = relationship
        self.status = status
        self.householdID = householdID
        self.kelurahanID = kelurahanID
        self.healthNotes = healthNotes
    }

    public var area: String { kelurahanID }

    public var fields: FieldMap {
        [
            "nik": .text(nik), "name": .text(name), "sex": sex.map { .text($0.rawValue) } ?? .null,
            "birthDate": FieldValue(birthDate), "relationship": relationship.map { .text($0.rawValue) } ?? .null,
            "status": .text(status.rawValue), "household": .text(householdID), "kelurahan": .text(kelurahanID),
            "healthNotes": .text(healthNotes),
        ]
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, nik: fields.string("nik"), name: fields.string("name"),
                  sex: Sex(rawValue: fields.string("sex")), birthDate: fields["birthDate"]?.date,
                  relationship: FamilyRelationship(rawValue: fields.string("relationship")),
                  status: LifeStatus(rawValue: fields.string("status")) ?? .hidup,
                  householdID: fields.string("household"), kelurahanID: fields.string("kelurahan"),
                  healthNotes: fields.string("healthNotes"))
    }

    /// Age in whole years on `date`, when the birth date is known.
    public func age(on date: CivilDate) -> Int? { birthDate.map { $0.years(until: date) } }
}
