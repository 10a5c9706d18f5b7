import FieldModels

/// One field's new value on one record: the unit of the change log, of sync and of merge.
///
/// A change names the values of the field it saw and replaced (`supersedes`). A field's current
/// values are the changes no other change supersedes: one value normally, several when
/// replicas wrote the field concurrently (a conflict). That rule depends only on which changes
/// a replica holds, never on the order they arrived in.
public struct Change: Sendable, Hashable, Codable {
    public var dot: Dot
    /// The first dot of the local transaction this change was part of; changes of one
    /// transaction (a household and its members) are applied together.
    public var transaction: Dot
    public var recordType: RecordType
    public var recordID: String
    /// The region path of the record (its kelurahan): decides who may see the change.
    public var area: String
    public var field: String
    public var value: FieldValue
    /// The dots of this field's values the writer saw and replaced.
    public var supersedes: [Dot]
    /// Lamport time: a logical order independent of wall clocks.
    public var lamport: UInt64
    /// The writer's wall clock (milliseconds since 1970), for showing people when; never for ordering.
    public var wallTime: Int64
    /// The agent who made the change.
    public var agent: String

    public init(dot: Dot, transaction: Dot, recordType: RecordType, recordID: String, area: String, field: String,
                value: FieldValue, supersedes: [Dot], lamport: UInt64, wallTime: Int64, agent: String) {
        self.dot = dot
        self.transaction = transaction
        self.recordType = recordType
        self.recordID = recordID
        self.area = area
        self.field = field
        self.value = value
        self.supersedes = supersedes
        self.lamport = lamport
        self.wallTime = wallTime
        self.agent = agent
    }

    /// The name of the field that marks a record deleted (a tombstone).
    public static let deletedField = "_deleted"

    public var isTombstone: Bool { field == Change.deletedField && value == .bool(true) }
}
