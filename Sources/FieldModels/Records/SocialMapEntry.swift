/// Whether a social-mapping entry records a problem (PMKS) or a resource (PSKS).
public enum SocialMapKind: String, Sendable, CaseIterable, Codable {
    case pmks, psks
}

/// One social-mapping entry: a PMKS category for a person or household, or a PSKS resource.
public struct SocialMapEntry: FieldRecord, Hashable {
    public static let recordType = RecordType.socialMap
    /// The category is sealed too: "ODHA" or "korban NAPZA" next to a person id is itself health data.
    public static let sensitiveFields: Set<String> = ["category", "evidence", "notes"]

    public var id: String
    public var kind: SocialMapKind
    /// A `PMKSCategory` or `PSKSCategory` raw value, by `kind`.
    public var category: String
    public var personID: String?
    public var householdID: String?
    /// For a PSKS entry: the organisation or person named (e.g. "Karang Taruna RW 03").
    public var label: String
    /// What the assessment rests on (documents seen, observations): sensitive.
    public var evidence: String
    public var assessmentDate: CivilDate?
    public var notes: String
    public var kelurahanID: String

    public init(id: String = RecordID.make(.socialMap), kind: SocialMapKind, category: String, personID: String? = nil,
                householdID: String? = nil, label: String = "", evidence: String = "", assessmentDate: CivilDate?,
                notes: String = "", kelurahanID: String) {
        self.id = id
        self.kind = kind
        self.category = category
        self.personID = personID
        self.householdID = householdID
        self.label = label
        self.evidence = evidence
        self.assessmentDate = assessmentDate
        self.notes = notes
        self.kelurahanID = kelurahanID
    }

    public var area: String { kelurahanID }
    public var pmksCategory: PMKSCategory? { kind == .pmks ? PMKSCategory(rawValue: category) : nil }
    public var psksCategory: PSKSCategory? { kind == .psks ? PSKSCategory(rawValue: category) : nil }

    public var fields: FieldMap {
        [
            "kind": .text(kind.rawValue), "category": .text(category), "person": personID.fieldValue,
            "household": householdID.fieldValue, "label": .text(label), "evidence": .text(evidence),
            "assessmentDate": FieldValue(assessmentDate), "notes": .text(notes), "kelurahan": .text(kelurahanID),
        ]
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, kind: SocialMapKind(rawValue: fields.string("kind")) ?? .pmks,
                  category: fields.string("category"), personID: fields.optionalString("person"),
                  householdID: fields.optionalString("household"), label: fields.string("label"),
                  evidence: fields.string("evidence"), assessmentDate: fields["assessmentDate"]?.date,
                  notes: fields.string("notes"), kelurahanID: fields.string("kelurahan"))
    }
}
