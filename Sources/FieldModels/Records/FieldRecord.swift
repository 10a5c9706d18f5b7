/// The kinds of record agents capture. The raw value is the name used in the store and on the wire.
public enum RecordType: String, Sendable, CaseIterable, Codable {
    case household, person, socialMap = "socialmap", visit, report, agent, device, service, holiday, form, response

    public var name: LocalizedText {
        switch self {
        case .household: LocalizedText(id: "Rumah tangga", en: "Household")
        case .person: LocalizedText(id: "Orang", en: "Person")
        case .socialMap: LocalizedText(id: "Entri PMKS/PSKS", en: "PMKS/PSKS entry")
        case .visit: LocalizedText(id: "Kunjungan rumah", en: "Home visit")
        case .report: LocalizedText(id: "Laporan bulanan", en: "Monthly report")
        case .agent: LocalizedText(id: "Petugas", en: "Agent")
        case .device: LocalizedText(id: "Perangkat", en: "Device")
        case .service: LocalizedText(id: "Kasus layanan", en: "Service case")
        case .holiday: LocalizedText(id: "Hari libur daerah", en: "Regional holiday")
        case .form: LocalizedText(id: "Kuesioner", en: "Questionnaire")
        case .response: LocalizedText(id: "Jawaban kuesioner", en: "Questionnaire response")
        }
    }

    /// The letter that starts this type's record ids (`H-…` for a household).
    public var idPrefix: String {
        switch self {
        case .household: "H"
        case .person: "P"
        case .socialMap: "S"
        case .visit: "V"
        case .report: "R"
        case .agent: "A"
        case .device: "D"
        case .service: "L"
        case .holiday: "K"
        case .form: "F"
        case .response: "J"
        }
    }
}

/// A record as a set of named fields: the form in which records are stored, logged and merged.
///
/// Every record names the kelurahan it belongs to (`area`), which decides who may see it.
public protocol FieldRecord: Sendable {
    static var recordType: RecordType { get }
    /// Fields holding specific personal data, encrypted at rest.
    static var sensitiveFields: Set<String> { get }
    var id: String { get }
    var area: String { get }
    var fields: FieldMap { get }
    init(id: String, fields: FieldMap)
    func validate(in context: ValidationContext) -> [ValidationIssue]
}

extension FieldRecord {
    public static var sensitiveFields: Set<String> { [] }
}

/// Record ids: a type letter and 12 random Crockford base-32 characters (60 bits), e.g.
/// `H-7KQ2M9X4TD1B`, safe to mint on any laptop offline.
public enum RecordID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(_ type: RecordType) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(type, using: &generator)
    }

    public static func make<G: RandomNumberGenerator>(_ type: RecordType, using generator: inout G) -> String {
        var out = type.idPrefix + "-"
        for _ in 0..<12 { out.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))]) }
        return out
    }

    /// The record type an id belongs to, from its first letter.
    public static func type(of id: String) -> RecordType? {
        RecordType.allCases.first { id.hasPrefix($0.idPrefix + "-") }
    }
}

extension FieldMap {
    func string(_ key: String) -> String { self[key]?.text ?? "" }
    func optionalString(_ key: String) -> String? {
        guard let text = self[key]?.text, !text.isEmpty else { return nil }
        return text
    }
}

extension Optional where Wrapped == String {
    var fieldValue: FieldValue { self.map { $0.isEmpty ? .null : .text($0) } ?? .null }
}

extension RecordType {
    /// The Swift type that reads and writes records of this kind.
    public var recordType: any FieldRecord.Type {
        switch self {
        case .household: Household.self
        case .person: Person.self
        case .socialMap: SocialMapEntry.self
        case .visit: HomeVisit.self
        case .report: MonthlyReport.self
        case .agent: Agent.self
        case .device: Device.self
        case .service: ServiceCase.self
        case .holiday: RegionalHoliday.self
        case .form: FormRecord.self
        case .response: FormResponse.self
        }
    }

    /// The region levels a record of this kind may lie at: a kelurahan, or for a monthly report
    /// also a kecamatan (a TKSK's report belongs to its kecamatan); an agent's record lies in
    /// its area (a kelurahan, a kecamatan, or the kota for the Dinas); a city-wide record its kota
    /// (a questionnaire also a kecamatan, when it is meant for that kecamatan only).
    public var areaLevels: Set<String> {
        switch self {
        case .report: ["kelurahan", "kecamatan"]
        case .agent: ["kelurahan", "kecamatan", "kota"]
        case .holiday: ["kota"]
        case .form: ["kota", "kecamatan"]
        default: ["kelurahan"]
        }
    }

    /// Whether records of this kind are the Dinas's for the whole kota (or one kecamatan of it):
    /// every agent whose area lies inside the record's reads them (whatever its scope), and only
    /// the sync server writes them, with its own key.
    public var isCityWide: Bool { self == .holiday || self == .form }

    /// Fields of this kind of record that are encrypted at rest.
    public var sensitiveFields: Set<String> { recordType.sensitiveFields }

    /// Whether `field` of this kind of record is sensitive: one of `sensitiveFields`, or any
    /// answer of a questionnaire response (a questionnaire may ask about anything).
    public func isSensitive(_ field: String) -> Bool {
        self == .response ? FormResponse.isAnswerField(field) : sensitiveFields.contains(field)
    }
}
