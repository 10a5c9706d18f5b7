import FieldModels

/// One current value of a field as a store holds it: the value, the dot that wrote it (its
/// device), its Lamport time, and who wrote it when (for people; never for ordering). A field
/// has one current version normally, several after concurrent writes.
public struct FieldVersion: Sendable, Hashable, Codable {
    public var dot: Dot
    public var lamport: UInt64
    public var value: FieldValue
    public var agent: String
    /// The writer's wall clock, milliseconds since 1970: shown to people, never compared.
    public var wallTime: Int64

    public init(dot: Dot, lamport: UInt64, value: FieldValue, agent: String = "", wallTime: Int64 = 0) {
        self.dot = dot
        self.lamport = lamport
        self.value = value
        self.agent = agent
        self.wallTime = wallTime
    }

    public init(_ change: Change) {
        self.init(dot: change.dot, lamport: change.lamport, value: change.value, agent: change.agent, wallTime: change.wallTime)
    }
}

/// The merge rules, as pure functions of a record's current versions. Every store uses these,
/// so every replica that holds the same changes shows the same record.
public enum MergeRules {
    /// Whether a field is one element of a set-valued field (`members/P-…`, `needs/permakanan`).
    public static func isSetElement(_ field: String) -> Bool { field.contains("/") }

    /// The version shown for a field while several are current: the highest Lamport time, ties
    /// broken by dot. Deterministic, so all replicas agree without talking.
    public static func provisional(_ versions: [FieldVersion]) -> FieldVersion? {
        versions.max { ($0.lamport, $0.dot) < ($1.lamport, $1.dot) }
    }

    /// The value shown for a field. A set element is present when any current version adds it
    /// (add-wins: a remove only removes the adds it saw, so a concurrent add survives).
    public static func shown(_ field: String, _ versions: [FieldVersion]) -> FieldValue? {
        guard !versions.isEmpty else { return nil }
        if isSetElement(field) { return .bool(versions.contains { $0.value == .bool(true) }) }
        return provisional(versions)?.value
    }

    /// Whether a person must decide: concurrent versions with different values. Set elements
    /// never conflict (add-wins); the same value written twice is no conflict.
    public static func isConflict(_ field: String, _ versions: [FieldVersion]) -> Bool {
        !isSetElement(field) && Set(versions.map(\.value)).count > 1
    }

    /// Whether a record is deleted, alive, or deleted on one side while edited on another.
    ///
    /// A tombstone supersedes every version of the record its writer saw, so versions still
    /// current beside a live tombstone were written concurrently with the delete.
    public static func status(_ live: [String: [FieldVersion]]) -> RecordStatus {
        let tombstone = live[Change.deletedField].flatMap { shown(Change.deletedField, $0) } == .bool(true)
        guard tombstone else { return .alive }
        let editedConcurrently = live.contains { field, versions in field != Change.deletedField && !versions.isEmpty }
        return editedConcurrently ? .deleteConflict : .deleted
    }

    /// The fields shown for a record (tombstone marker left out; set elements present as `true`).
    public static func fields(_ live: [String: [FieldVersion]]) -> FieldMap {
        var fields: FieldMap = [:]
        for (field, versions) in live where field != Change.deletedField {
            if let value = shown(field, versions) { fields[field] = value }
        }
        return fields
    }

    /// What writing `fields` onto a record changes: for each field whose value differs from the
    /// one shown, the new value and the versions it replaces. A field in conflict is left alone
    /// unless the new value differs from the value shown (an untouched form field must not
    /// settle a conflict by accident). Fields absent from `fields` are left alone, except that a
    /// whole-record write (`removingAbsentSetElements`) removes set elements it no longer lists.
    public static func edits(writing fields: FieldMap, over live: [String: [FieldVersion]],
                             removingAbsentSetElements: Bool = true) -> [Edit] {
        var target = fields
        if removingAbsentSetElements {
            for (field, versions) in live where isSetElement(field) && target[field] == nil && shown(field, versions) == .bool(true) {
                target[field] = .bool(false)
            }
        }
        var out: [Edit] = []
        for (field, value) in target.sorted(by: { $0.key < $1.key }) {
            let current = live[field] ?? []
            if current.isEmpty, value.isEmptyValue { continue }
            if isSetElement(field) ? shown(field, current) == value : Set(current.map(\.value)) == [value] { continue }
            if isConflict(field, current), provisional(current)?.value == value { continue }
            out.append((field, value, current.map(\.dot).sorted()))
        }
        return out
    }
}

extension MergeRules {
    /// A record's current versions given every change of it a store holds: those no other held
    /// change supersedes, by field (the same answer an incremental store keeps as it applies).
    public static func live(_ changes: [Change]) -> [String: [FieldVersion]] {
        let superseded = Set(changes.flatMap(\.supersedes))
        var out: [String: [FieldVersion]] = [:]
        for change in Set(changes) where !superseded.contains(change.dot) { out[change.field, default: []].append(FieldVersion(change)) }
        return out.mapValues { $0.sorted { $0.dot < $1.dot } }
    }

    /// One change to make: the field, its new value, and the versions it replaces.
    public typealias Edit = (field: String, value: FieldValue, supersedes: [Dot])

    /// Deleting a record: a tombstone replacing every version of it the writer holds, so an
    /// edit it did not see stays current beside it (a delete conflict, never a silent loss).
    public static func tombstone(over live: [String: [FieldVersion]]) -> [Edit] {
        [(Change.deletedField, .bool(true), live.values.flatMap { $0.map(\.dot) }.sorted())]
    }

    /// Settling `field` to `value`: a change superseding exactly the versions now current.
    /// Keeping a deleted record (`_deleted` = false) also writes back, for each field left with
    /// no current version, the newest value the live tombstones replaced. `change` looks a dot
    /// up in the store.
    public static func resolution(of field: String, to value: FieldValue, over live: [String: [FieldVersion]],
                                  change: (Dot) throws -> Change?) rethrows -> [Edit] {
        var edits: [Edit] = [(field, value, (live[field] ?? []).map(\.dot).sorted())]
        guard field == Change.deletedField, value == .bool(false) else { return edits }
        var newest: [String: Change] = [:]
        for tombstone in live[Change.deletedField] ?? [] where tombstone.value == .bool(true) {
            guard let marker = try change(tombstone.dot) else { continue }
            for dot in marker.supersedes {
                guard let old = try change(dot), old.field != Change.deletedField, (live[old.field] ?? []).isEmpty else { continue }
                if let kept = newest[old.field], (kept.lamport, kept.dot) > (old.lamport, old.dot) { continue }
                newest[old.field] = old
            }
        }
        edits += newest.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value, []) }
        return edits
    }
}

/// Whether a record is there for people to see.
public enum RecordStatus: String, Sendable, Hashable, Codable {
    case alive
    case deleted
    /// Deleted on one replica while edited on another: kept visible and flagged for a person.
    case deleteConflict = "delete-conflict"
}

extension FieldValue {
    /// Nothing worth logging on a new field: no value, empty text, or a set element not present.
    public var isEmptyValue: Bool {
        switch self {
        case .null: true
        case .text(let text): text.isEmpty
        case .bool(let flag): !flag
        case .int: false
        }
    }
}
