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

    public init(id: String = RecordID.make(.agent), name: String, role: AgentRole, areaID: String, ntrNumber: String = "",
                ntrValidFrom: CivilDate? = nil, ntrValidUntil: CivilDate? = nil) {
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
        ]
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, name: fields.string("name"), role: AgentRole(rawValue: fields.string("role")) ?? .psm,
                  areaID: fields.string("area"), ntrNumber: fields.string("ntr"),
                  ntrValidFrom: fields["ntrValidFrom"]?.date, ntrValidUntil: fields["ntrValidUntil"]?.date)
    }
}
