/// The roles of people who use FieldSync.
public enum AgentRole: String, Sendable, CaseIterable, Codable {
    case psm, psmCoordinator = "psm-koordinator", tksk, pkhPendamping = "pkh-pendamping", dinas

    public var name: LocalizedText {
        switch self {
        case .psm: LocalizedText(id: "PSM (Pekerja Sosial Masyarakat)", en: "PSM (community social worker)")
        case .psmCoordinator: LocalizedText(id: "Koordinator PSM", en: "PSM coordinator")
        case .tksk: LocalizedText(id: "TKSK (Tenaga Kesejahteraan Sosial Kecamatan)", en: "TKSK (sub-district social welfare worker)")
        case .pkhPendamping: LocalizedText(id: "Pendamping PKH", en: "PKH facilitator")
        case .dinas: LocalizedText(id: "Operator Dinas Sosial", en: "Dinas Sosial operator")
        }
    }

    /// The level of region the role's area must be: a kelurahan, a kecamatan, or the kota.
    public var areaDepth: Int {
        switch self {
        case .psm, .psmCoordinator: 3
        case .tksk, .pkhPendamping: 2
        case .dinas: 1
        }
    }
}

/// How a worker is registered with the Dinas Sosial (registration rules, seed 001 Pasal 12-14 and
/// 20-24): an NTR for Tenaga Kesejahteraan Sosial, Penyuluh Sosial and Relawan Sosial, an STR for
/// a professional Pekerja Sosial, each valid for a fixed number of years.
public enum RegistrationKind: String, Sendable, CaseIterable, Codable {
    case tks, penyuluh, relawan
    /// Surat Tanda Registrasi of a Pekerja Sosial.
    case str

    /// How long one registration is valid: NTR 3 years (TKS, Penyuluh) or 2 (Relawan), STR 5.
    public var validYears: Int {
        switch self {
        case .tks, .penyuluh: 3
        case .relawan: 2
        case .str: 5
        }
    }

    public var name: LocalizedText {
        switch self {
        case .tks: LocalizedText(id: "NTR Tenaga Kesejahteraan Sosial", en: "NTR of a Tenaga Kesejahteraan Sosial")
        case .penyuluh: LocalizedText(id: "NTR Penyuluh Sosial", en: "NTR of a Penyuluh Sosial")
        case .relawan: LocalizedText(id: "NTR Relawan Sosial", en: "NTR of a Relawan Sosial")
        case .str: LocalizedText(id: "STR Pekerja Sosial", en: "STR of a Pekerja Sosial")
        }
    }
}

/// A field agent: role, assigned area (a region path) and NTR registration with its validity.
public struct Agent: FieldRecord, Hashable {
    public static let recordType = RecordType.agent

    public var id: String
    public var name: String
    public var role: AgentRole
    /// A region path: a kelurahan for PSM, a kecamatan for TKSK and PKH, the kota for Dinas.
    public var areaID: String
    /// Nomor Tanda Registrasi (Permensos 2/2019); empty when not yet registered.
    public var ntrNumber: String
    public var ntrValidFrom: CivilDate?
    public var ntrValidUntil: CivilDate?
    /// What `ntrNumber` is: an NTR of which kind, or an STR; nil when not said.
    public var registration: RegistrationKind?

    public init(id: String = RecordID.make(.agent), name: String, role: AgentRole, areaID: String, ntrNumber: String = "",
                ntrValidFrom: CivilDate? = nil, ntrValidUntil: CivilDate? = nil, registration: RegistrationKind? = nil) {
        self.registration = registration
        self.id = id
        self.name = name
        self.role = role
        self.areaID = areaID
        self.ntrNumber = ntrNumber
        self.ntrValidFrom = ntrValidFrom
        self.ntrValidUntil = ntrValidUntil
    }

    public var area: String { areaID }

    public var fields: FieldMap {
        [
            "name": .text(name), "role": .text(role.rawValue), "area": .text(areaID), "ntr": .text(ntrNumber),
            "ntrValidFrom": FieldValue(ntrValidFrom), "ntrValidUntil": FieldValue(ntrValidUntil),
            "registration": registration.map { .text($0.rawValue) } ?? .null,
        ]
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, name: fields.string("name"), role: AgentRole(rawValue: fields.string("role")) ?? .psm,
                  areaID: fields.string("area"), ntrNumber: fields.string("ntr"),
                  ntrValidFrom: fields["ntrValidFrom"]?.date, ntrValidUntil: fields["ntrValidUntil"]?.date,
                  registration: RegistrationKind(rawValue: fields.string("registration")))
    }
}
