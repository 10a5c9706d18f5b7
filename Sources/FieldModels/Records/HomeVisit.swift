/// A home visit (kunjungan rumah): who went, to whom, what was found, needed and referred.
public struct HomeVisit: FieldRecord, Hashable {
    public static let recordType = RecordType.visit
    public static let sensitiveFields: Set<String> = ["findings", "location"]

    public var id: String
    public var date: CivilDate?
    public var agentID: String
    public var householdID: String?
    public var personID: String?
    public var purpose: String
    /// What the agent found: often health or violence details, so sensitive.
    public var findings: String
    /// SPM services needed; merges as a set.
    public var needs: Set<SPMService>
    public var referral: ReferralDestination?
    public var referralStatus: ReferralStatus?
    public var followUpDate: CivilDate?
    public var kelurahanID: String
    /// Where the visit took place (sealed at rest): with the date, the proof of the visit.
    public var location: GeoPoint?
    /// Photos taken on the visit, by content address; merges as a set.
    public var photos: Set<String> = []
    /// The agent found the person's (or household's) basic needs met on this visit: what the
    /// SPM indicators count as served (`SPMTally`).
    public var needsMet = false

    public init(id: String = RecordID.make(.visit), date: CivilDate?, agentID: String, householdID: String? = nil,
                personID: String? = nil, purpose: String, findings: String = "", needs: Set<SPMService> = [],
                referral: ReferralDestination? = nil, referralStatus: ReferralStatus? = nil,
                followUpDate: CivilDate? = nil, kelurahanID: String) {
        self.id = id
        self.date = date
        self.agentID = agentID
        self.householdID = householdID
        self.personID = personID
        self.purpose = purpose
        self.findings = findings
        self.needs = needs
        self.referral = referral
        self.referralStatus = referralStatus
        self.followUpDate = followUpDate
        self.kelurahanID = kelurahanID
    }

    public var area: String { kelurahanID }

    public var fields: FieldMap {
        var map: FieldMap = [
            "date": FieldValue(date), "agent": .text(agentID), "household": householdID.fieldValue,
            "person": personID.fieldValue, "purpose": .text(purpose), "findings": .text(findings),
            "referral": referral.map { .text($0.rawValue) } ?? .null,
            "referralStatus": referralStatus.map { .text($0.rawValue) } ?? .null,
            "followUpDate": FieldValue(followUpDate), "kelurahan": .text(kelurahanID),
            "location": FieldValue(location), "needsMet": needsMet ? .bool(true) : .null,
        ]
        map.setElements("needs", Set(needs.map(\.rawValue)))
        map.setElements("photos", photos)
        return map
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, date: fields["date"]?.date, agentID: fields.string("agent"),
                  householdID: fields.optionalString("household"), personID: fields.optionalString("person"),
                  purpose: fields.string("purpose"), findings: fields.string("findings"),
                  needs: Set(fields.setElements("needs").compactMap(SPMService.init(rawValue:))),
                  referral: ReferralDestination(rawValue: fields.string("referral")),
                  referralStatus: ReferralStatus(rawValue: fields.string("referralStatus")),
                  followUpDate: fields["followUpDate"]?.date, kelurahanID: fields.string("kelurahan"))
        location = fields["location"]?.geoPoint
        photos = fields.setElements("photos")
        needsMet = fields["needsMet"]?.bool ?? false
    }
}
