/// A household as on its family card (Kartu Keluarga): the card number, the address and its members.
public struct Household: FieldRecord, Hashable {
    public static let recordType = RecordType.household
    public static let sensitiveFields: Set<String> = ["noKK", "phone", "dtks", "location"]

    public var id: String
    /// No. KK, the 16-digit family card number.
    /// Kept plain (`IdentityRules.cleaned`): however it was typed, digits only.
    public var noKK: String { didSet { if noKK != IdentityRules.cleaned(noKK) { noKK = IdentityRules.cleaned(noKK) } } }
    public var address: String
    public var rt: String
    public var rw: String
    public var kelurahanID: String
    /// Person ids; merges as a set, element by element.
    public var members: Set<String>
    /// The Kemendagri code of the household's desa/kelurahan (`33.74.11.1006`), as DTKS/DTSEN
    /// and SIKS-NG name it. Filled from the kelurahan when the replica knows its code.
    public var regionCode = ""
    /// The household's id in the DTKS/DTSEN welfare register.
    public var dtksID = ""
    /// A contact phone for the household, in the national form `08…`.
    public var phone: String = "" { didSet { if phone != PhoneRules.normalised(phone) { phone = PhoneRules.normalised(phone) } } }
    /// Where the house stands (sealed at rest).
    public var location: GeoPoint?
    /// The photos of the household (the front of the house for DTKS/DTSEN verification), by
    /// content address; merges as a set.
    public var photos: Set<String> = []

    public init(id: String = RecordID.make(.household), noKK: String, address: String, rt: String, rw: String,
                kelurahanID: String, members: Set<String> = []) {
        self.id = id
        self.noKK = IdentityRules.cleaned(noKK)
        self.address = address
        self.rt = rt
        self.rw = rw
        self.kelurahanID = kelurahanID
        self.members = members
    }

    public var area: String { kelurahanID }

    public var fields: FieldMap {
        var map: FieldMap = [
            "noKK": .text(noKK), "address": .text(address), "rt": .text(rt), "rw": .text(rw),
            "kelurahan": .text(kelurahanID), "regionCode": .text(regionCode), "dtks": .text(dtksID), "phone": .text(phone),
            "location": FieldValue(location),
        ]
        map.setElements("members", members)
        map.setElements("photos", photos)
        return map
    }

    public init(id: String, fields: FieldMap) {
        self.init(id: id, noKK: fields.string("noKK"), address: fields.string("address"), rt: fields.string("rt"),
                  rw: fields.string("rw"), kelurahanID: fields.string("kelurahan"), members: fields.setElements("members"))
        regionCode = fields.string("regionCode")
        dtksID = fields.string("dtks")
        phone = PhoneRules.normalised(fields.string("phone"))
        location = fields["location"]?.geoPoint
        photos = fields.setElements("photos")
    }
}

/// How a person stands to the head of the family, as on the Kartu Keluarga.
public enum FamilyRelationship: String, Sendable, CaseIterable, Codable {
    case kepala, suami, istri, anak, menantu, cucu
    case orangTua = "orang-tua", mertua, familiLain = "famili-lain", lainnya

    public var name: LocalizedText {
        switch self {
        case .kepala: LocalizedText(id: "Kepala keluarga", en: "Head of family")
        case .suami: LocalizedText(id: "Suami", en: "Husband")
        case .istri: LocalizedText(id: "Istri", en: "Wife")
        case .anak: LocalizedText(id: "Anak", en: "Child")
        case .menantu: LocalizedText(id: "Menantu", en: "Child-in-law")
        case .cucu: LocalizedText(id: "Cucu", en: "Grandchild")
        case .orangTua: LocalizedText(id: "Orang tua", en: "Parent")
        case .mertua: LocalizedText(id: "Mertua", en: "Parent-in-law")
        case .familiLain: LocalizedText(id: "Famili lain", en: "Other relative")
        case .lainnya: LocalizedText(id: "Lainnya", en: "Other")
        }
    }
}
