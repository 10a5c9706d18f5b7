import FieldModels

/// Something a person must decide, found the same way on every replica that holds the same
/// changes. Conflicts are values, not errors: the data on both sides is kept until resolved.
public struct Conflict: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// One field written concurrently with different values.
        case field
        /// A record deleted on one replica while edited on another.
        case delete
        /// Two person records with the same NIK, created independently: a duplicate to merge.
        case identity
    }

    public var kind: Kind
    /// The record, or for `identity` the duplicate records, sorted.
    public var recordIDs: [String]
    /// The field in conflict (`field`), `_deleted` for `delete`, `nik` for `identity`.
    public var field: String
    /// The competing versions, sorted by dot (for `field` and `delete`).
    public var versions: [FieldVersion]

    public init(kind: Kind, recordIDs: [String], field: String, versions: [FieldVersion] = []) {
        self.kind = kind
        self.recordIDs = recordIDs.sorted()
        self.field = field
        self.versions = versions.sorted { $0.dot < $1.dot }
    }

    public var description: String {
        "\(kind.rawValue) \(recordIDs.joined(separator: "+")).\(field) [\(versions.map { "\($0.dot)=\($0.value)" }.joined(separator: ", "))]"
    }
}

extension Conflict {
    /// The conflicts of one record on its own: fields written concurrently with different
    /// values, and a delete that met an edit. (Identity conflicts are between records.)
    public static func within(_ recordID: String, live: [String: [FieldVersion]], status: RecordStatus) -> [Conflict] {
        var out: [Conflict] = []
        // Two moves met: the kelurahan conflicts and is settled (as a move); where each move
        // was headed and the region code follow it, not second questions.
        for (field, versions) in live where MergeRules.isConflict(field, versions) && field != Change.deletedField
            && !Placement.followingFields.contains(field) {
            out.append(Conflict(kind: .field, recordIDs: [recordID], field: field, versions: versions))
        }
        if status == .deleteConflict || MergeRules.isConflict(Change.deletedField, live[Change.deletedField] ?? []) {
            out.append(Conflict(kind: .delete, recordIDs: [recordID], field: Change.deletedField, versions: live[Change.deletedField] ?? []))
        }
        return out
    }

    /// The NIK by which a record takes part in identity conflicts: a living person's shown NIK.
    public static func identityKey(type: RecordType, status: RecordStatus, fields: FieldMap) -> String? {
        guard type == .person, status != .deleted, let nik = fields["nik"]?.text, !nik.isEmpty else { return nil }
        return nik
    }
}

/// A record as a replica shows it.
public struct RecordSnapshot: Sendable, Hashable, Codable {
    public var type: RecordType
    public var area: String
    public var status: RecordStatus
    public var fields: FieldMap

    public init(type: RecordType, area: String, status: RecordStatus, fields: FieldMap) {
        self.type = type
        self.area = area
        self.status = status
        self.fields = fields
    }
}

/// Everything a replica shows: its records and its open conflicts. Two replicas that hold the
/// same changes have equal snapshots; the convergence tests compare these.
public struct ReplicaSnapshot: Sendable, Hashable, Codable {
    public var records: [String: RecordSnapshot]
    public var conflicts: Set<Conflict>

    /// Builds the snapshot from each record's current versions, by the merge rules.
    public init(records live: [String: (type: RecordType, area: String, live: [String: [FieldVersion]])]) {
        var records: [String: RecordSnapshot] = [:]
        var conflicts = Set<Conflict>()
        var byNIK: [String: [String]] = [:]
        for (id, record) in live {
            let status = MergeRules.status(record.live)
            let fields = MergeRules.fields(record.live)
            records[id] = RecordSnapshot(type: record.type, area: record.area, status: status, fields: fields)
            conflicts.formUnion(Conflict.within(id, live: record.live, status: status))
            if let nik = Conflict.identityKey(type: record.type, status: status, fields: fields) {
                byNIK[nik, default: []].append(id)
            }
        }
        for ids in byNIK.values where ids.count > 1 {
            conflicts.insert(Conflict(kind: .identity, recordIDs: ids, field: "nik"))
        }
        self.records = records
        self.conflicts = conflicts
    }
}
