import SyncEngine

/// The end state of a partial-replication history: each replica holds exactly its scope of
/// the hub's records, with the same values and the conflicts among them. Of a record that moved
/// out of its scope it may keep its moves alone (`Placement.moves`: where it went), no other field.
public enum ScopeCheck {
    public static func inScope(_ scope: SyncScope, _ area: String) -> Bool { scope.kind == .all || scope.admits(area: area, family: nil) }

    /// What is wrong with `snapshot` (of replica `name`, of `scope`) against the hub's `full`
    /// snapshot, or nil.
    public static func problem(_ name: String, scope: SyncScope, snapshot: ReplicaSnapshot, hub full: ReplicaSnapshot) -> String? {
        let expected = full.records.filter { inScope(scope, $0.value.area) }
        let held = snapshot.records.filter { inScope(scope, $0.value.area) }
        let moveFields: Set<String> = [Placement.field, Placement.departureField, "regionCode"]
        if let kept = snapshot.records.filter({ !inScope(scope, $0.value.area) && !moveFields.isSuperset(of: $0.value.fields.keys) })
            .keys.min() {
            return "\(name) still holds fields of \(kept), which lies outside its scope"
        }
        if held != expected {
            let differing = Set(held.keys).union(expected.keys).filter { held[$0] != expected[$0] }.sorted()
            let first = differing.first.map { "; \($0) here: \(held[$0].map { "\($0)" } ?? "none"), hub: \(full.records[$0].map { "\($0)" } ?? "none")" } ?? ""
            return "\(name) differs from the hub in its scope: \(differing)\(first)"
        }
        let conflicts = full.conflicts.filter { $0.recordIDs.allSatisfy { expected[$0] != nil } }
        let shown = snapshot.conflicts.filter { $0.recordIDs.allSatisfy { held[$0] != nil } }
        if shown != conflicts {
            return "\(name) shows other conflicts than the hub in its scope: here \(shown.subtracting(conflicts)), hub \(conflicts.subtracting(shown))"
        }
        return nil
    }
}
