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
    public static let sensitiveFields: Set<String> = ["nik", "healthNotes", "disability", "bpjs", "phone", "dtks"]

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
    /// Tempat lahir, as on the KTP.
    public var birthPlace = ""
    public var maritalStatus: MaritalStatus?
    /// Jenis pekerjaan, as on the family card.
    public var occupation = ""
    public var education: Education?
    /// The person's id in the DTKS/DTSEN welfare register.
    public var dtksID = ""
    /// Programmes the person receives (KPM of PKH, Sembako, PBI-JK, …).
    public var programmes: Set<SocialProgramme> = []
    /// Nomor kartu JKN (BPJS Kesehatan, PBI or not): 13 digits.
    public var bpjsNumber: String = "" { didSet { if bpjsNumber != IdentityRules.cleaned(bpjsNumber) { bpjsNumber = IdentityRules.cleaned(bpjsNumber) } } }
    /// A phone number, kept in the national form `08…` (`PhoneRules.normalised`).
    public var phone: String = "" { didSet { if phone != PhoneRules.normalised(phone) { phone = PhoneRules.normalised(phone) } } }
    /// Kinds of disability (UU 8/2016 Pasal 4): specific personal data, sealed like the NIK.
    public var disabilities: Set<DisabilityType> = []
    /// Date of death, when the status is meninggal.
    public var deathDate: CivilDate?
    /// Photos of the person, by content address; merges as a set.
    public var photos: Set<String> = []

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
        var map: FieldMap = [
            "nik": .text(nik), "name": .text(name), "sex": sex.map { .text($0.rawValue) } ?? .null,
            "birthDate": FieldValue(birthDate), "relationship": relationship.map { .text($0.rawValue) } ?? .null,
            "status": .text(status.rawValue), "household": .text(householdID), "kelurahan": .text(kelurahanID),
            "healthNotes": .text(healthNotes), "birthPlace": .text(birthPlace),
            "marital": maritalStatus.map { .text($0.rawValue) } ?? .null, "occupation": .text(occupation),
            "education": education.map { .text($0.rawValue) } ?? .null, "dtks": .text(dtksID),
            "programmes": .text(CodeList.text(programmes)), "bpjs": .text(bpjsNumber), "phone": .text(phone),
            "disability": .text(CodeList.text(disabilities)), "deathDate": FieldValue(deathDate),
        ]
        map.setElements("photos", photos)
        return map
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, nik: fields.string("nik"), name: fields.string("name"),
                  sex: Sex(rawValue: fields.string("sex")), birthDate: fields["birthDate"]?.date,
                  relationship: FamilyRelationship(rawValue: fields.string("relationship")),
                  status: LifeStatus(rawValue: fields.string("status")) ?? .hidup,
                  householdID: fields.string("household"), kelurahanID: fields.string("kelurahan"),
                  healthNotes: fields.string("healthNotes"))
        birthPlace = fields.string("birthPlace")
        maritalStatus = MaritalStatus(rawValue: fields.string("marital"))
        occupation = fields.string("occupation")
        education = Education(rawValue: fields.string("education"))
        dtksID = fields.string("dtks")
        programmes = CodeList.values(fields.string("programmes"))
        bpjsNumber = IdentityRules.cleaned(fields.string("bpjs"))
        phone = PhoneRules.normalised(fields.string("phone"))
        disabilities = CodeList.values(fields.string("disability"))
        deathDate = fields["deathDate"]?.date
        photos = fields.setElements("photos")
    }

    /// Age in whole years on `date`, when the birth date is known.
    public func age(on date: CivilDate) -> Int? { birthDate.map { $0.years(until: date) } }
}
