import Foundation

/// One version of a questionnaire, as the Dinas publishes it (`field-server form add`): a synced
/// record written only by the sync server, lying at the kota (or at the one kecamatan it is meant
/// for), pulled by every laptop whose area lies inside it, and signed with the server's key over
/// its definition, audience and roles (`FormSeal`), so a laptop fills only what the Dinas wrote.
///
/// Its id comes from the form id and version (`F-` and 12 characters of their hash), so
/// publishing the same version twice, from anywhere, names one record; a new version is a new
/// record, and responses to the old one keep pointing at it.
public struct FormRecord: FieldRecord, Hashable {
    public static let recordType = RecordType.form
    /// The longest definition (JSON) a form record carries.
    public static let maxDefinitionBytes = 262_144

    public var id: String
    public var formID: String
    public var version: String
    public var title: String
    /// The region it is meant for: a kota (`33.74`) or a kecamatan (`33.74.11`).
    public var audience: String
    /// The roles that fill it; empty for every role.
    public var roles: Set<AgentRole>
    /// The definition as JSON (`FormDefinition`), exactly as signed.
    public var definition: String
    /// The server's Ed25519 signature (hex) over `FormSeal.message`.
    public var signature: String

    public init(definition form: FormDefinition, audience: String, roles: Set<AgentRole>) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(form)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        id = Self.id(formID: form.formID, version: form.version)
        formID = form.formID
        version = form.version
        title = form.title.id
        self.audience = audience
        self.roles = roles
        definition = json.precomposedStringWithCanonicalMapping
        signature = ""
    }

    public init(id: String, fields: FieldMap) {
        self.id = id
        formID = fields.string("formID")
        version = fields.string("version")
        title = fields.string("title")
        audience = fields.string("audience")
        roles = Set(fields.string("roles").split(separator: ",").compactMap { AgentRole(rawValue: String($0)) })
        definition = fields.string("definition")
        signature = fields.string("signature")
    }

    public var area: String { audience }

    public var fields: FieldMap {
        ["formID": .text(formID), "version": .text(version), "title": .text(title), "audience": .text(audience),
         "roles": roles.isEmpty ? .null : .text(roles.map(\.rawValue).sorted().joined(separator: ",")),
         "definition": .text(definition), "signature": signature.isEmpty ? .null : .text(signature)]
    }

    /// The definition read back; nil when it is not a form's JSON.
    public var form: FormDefinition? { try? JSONDecoder().decode(FormDefinition.self, from: Data(definition.utf8)) }

    /// Whether an agent of `role` in `area` is meant to fill it.
    public func isFor(role: AgentRole, area agentArea: String) -> Bool {
        (roles.isEmpty || roles.contains(role)) && (RegionPath.contains(audience, agentArea) || RegionPath.contains(agentArea, audience))
    }

    /// `F-` and 12 Crockford base-32 characters of a 64-bit FNV-1a hash of the form id and version.
    public static func id(formID: String, version: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (formID + "\u{0}" + version).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var out = "F-"
        for index in 0..<12 { out.append(RecordID.alphabet[Int((hash >> UInt64(5 * index)) & 31)]) }
        return out
    }

    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if form == nil {
            issues.append(.error("definition", "definition.invalid", id: "Isi kuesioner tidak terbaca.", en: "The questionnaire's content cannot be read."))
        }
        if id != Self.id(formID: formID, version: version) {
            issues.append(.error("version", "version.id", id: "Id kuesioner tidak cocok dengan form_id dan versinya.",
                                 en: "The questionnaire's id does not match its form_id and version."))
        }
        if ![1, 2].contains(RegionPath.depth(of: audience)) {
            issues.append(.error("audience", "audience.level", id: "Kuesioner ditujukan ke satu kota atau satu kecamatan, bukan '\(audience)'.",
                                 en: "A questionnaire is meant for one kota or one kecamatan, not '\(audience)'."))
        }
        return issues
    }
}
