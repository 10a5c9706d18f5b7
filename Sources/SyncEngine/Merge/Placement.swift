import FieldModels

/// Where a record lies, when households move between kelurahan.
///
/// Every record but a device carries its kelurahan as a field (`kelurahan`, the *place*), and
/// every change states its record's area as the writer saw it. A move is one transaction: per
/// record, a departure (stating the area left) and a change of the place (stating the new
/// area). So a record's area is the value of its place field as the merge
/// shows it (the highest Lamport time, then dot), not the area of its latest change: an edit
/// made in the old kelurahan before its writer learnt of the move (a later Lamport time, an old
/// area) does not pull the record back. Every store derives areas through `area(of:)`.
///
/// Who holds what follows the record's area: a receiver keeps a record's whole history, old
/// areas included, once the record lies in its scope; and every move of a record (`moves`)
/// goes to every holder of a scope the record was ever in, so a laptop of the old kelurahan
/// learns that it left (`SyncScope.sends`). Such a laptop then keeps only the record's moves:
/// where it went, nothing personal.
public enum Placement {
    /// The field that holds a record's kelurahan.
    public static let field = "kelurahan"
    /// The field a move writes beside the new place, stating the area the record leaves (its
    /// value: where it goes). It proves, inside the move's own transaction, that the writer
    /// held the record where it was, whatever order the changes reach a store in.
    public static let departureField = "movedTo"
    /// Fields that follow the place and are never settled on their own: where a move was
    /// headed, and a household's Kemendagri region code (its kelurahan's).
    public static let followingFields: Set<String> = [departureField, "regionCode"]

    /// The record's area from its current versions (its place field as shown), or nil when it
    /// has none (a device, or a record written without one): then its latest change's area.
    public static func area(of live: [String: [FieldVersion]]) -> String? {
        guard let text = MergeRules.shown(field, live[field] ?? [])?.text, !text.isEmpty else { return nil }
        return text
    }

    /// The edits of a resolution as a store writes them for a record lying in `area`: a record
    /// kept after a delete gets its place back as where it lies now (the change states it);
    /// the fields that follow the place are not restored from before.
    public static func settled(_ edits: [MergeRules.Edit], area: String) -> [MergeRules.Edit] {
        edits.compactMap { edit in
            if followingFields.contains(edit.field) && edit.supersedes.isEmpty { return nil }
            if edit.field == field && edit.supersedes.isEmpty && !area.isEmpty { return (edit.field, .text(area), edit.supersedes) }
            return edit
        }
    }

    /// One record's share of one transaction: what an origin seal signs as a unit, so what a
    /// store keeps or sends whole.
    public struct Group: Hashable, Sendable {
        public var transaction: Dot
        public var record: String
        public init(_ change: Change) {
            transaction = change.transaction
            record = change.recordID
        }
    }

    /// The moves among `changes`: each record's share of a transaction that holds its departure
    /// (its place, departure and region code; nothing personal). These reach every holder of
    /// an area the record was ever in, and are all such a holder keeps of it once it left.
    public static func moves(_ changes: [Change]) -> Set<Group> {
        Set(changes.filter(\.isDeparture).map(Group.init))
    }

    /// The records of `changes` whose place, by the place changes `changes` carry, lies in
    /// `scope` at some version: a receiver keeps all their changes, whatever area each states.
    static func arriving(in scope: SyncScope, _ changes: [Change]) -> Set<String> {
        Set(changes.filter { $0.isPlace && scope.admits(area: $0.area, family: nil) }.map(\.recordID))
    }

    /// What a receiver of `scope` keeps of `changes`, in whole groups (`Group`): a group with a
    /// change stating an area in its scope, the groups of a record it holds already (`holds`),
    /// and those of a record whose place the batch puts in its scope (a household moving in,
    /// with its history).
    public static func kept(by scope: SyncScope, _ changes: [Change], holds: (String) throws -> Bool) rethrows -> Set<Dot> {
        guard scope.kind != .all else { return Set(changes.map(\.dot)) }
        let arriving = arriving(in: scope, changes)
        var groups = Set<Group>()
        var held: [String: Bool] = [:]
        for change in changes where !groups.contains(Group(change)) {
            var keep = scope.reads(type: change.recordType, area: change.area, family: nil) || arriving.contains(change.recordID)
            if !keep {
                if held[change.recordID] == nil { held[change.recordID] = try holds(change.recordID) }
                keep = held[change.recordID] == true
            }
            if keep { groups.insert(Group(change)) }
        }
        return Set(changes.filter { groups.contains(Group($0)) }.map(\.dot))
    }
}

extension Change {
    /// Whether this change writes its record's place (its kelurahan; the change states it as its area).
    public var isPlace: Bool { field == Placement.field && recordType != .device }
    /// Whether this change is the departure half of a move (it states the area left).
    public var isDeparture: Bool { field == Placement.departureField && recordType != .device }
}

extension SyncScope {
    /// Whether a holder of this scope is sent `change`: its record (of `type`) lies in the scope
    /// now (`recordArea`, the sender's view; `family` for a PKH scope; `reads`), or it is part of a move
    /// (`inMove`, `Placement.moves`) of a record that was in the scope once (`wasHere`: some
    /// change of it stated an area inside), so that the holder learns that the record left.
    public func sends(type: RecordType, recordArea: String, family: String?, inMove: Bool, wasHere: Bool) -> Bool {
        reads(type: type, area: recordArea, family: family) || (kind == .area && inMove && wasHere)
    }
}
