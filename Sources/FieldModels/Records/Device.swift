/// A laptop (a replica) as the sync system knows it. Retiring one records the last counter it
/// will ever use, so that every replica can drop it from the version vectors it exchanges.
public struct Device: FieldRecord, Hashable {
    public static let recordType = RecordType.device

    /// `D-<replica id>`.
    public var id: String
    public var replica: String
    public var name: String
    /// The device's final counter once it is retired; nil while it is in use.
    public var retiredAt: Int?

    public init(replica: String, name: String = "", retiredAt: Int? = nil) {
        self.id = "D-" + replica
        self.replica = replica
        self.name = name
        self.retiredAt = retiredAt
    }

    /// Devices concern everyone: they belong to no one region.
    public var area: String { "" }

    public var fields: FieldMap {
        ["replica": .text(replica), "name": .text(name), "retiredAt": retiredAt.map(FieldValue.int) ?? .null]
    }

    public init(id: String, fields: FieldMap) {
        self.init(replica: fields.string("replica"), name: fields.string("name"), retiredAt: fields["retiredAt"]?.int)
        self.id = id
    }

    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if replica.isEmpty {
            issues.append(.error("replica", "replica.required", id: "ID perangkat wajib diisi.", en: "The device id is required."))
        }
        if let retiredAt, retiredAt < 0 {
            issues.append(.error("retiredAt", "retiredAt.range", id: "Penghitung akhir tidak boleh negatif.",
                                 en: "The final counter cannot be negative."))
        }
        return issues
    }
}
