import SyncEngine

/// The end state of a partial-replication history: each replica holds exactly its scope of
/// the hub's records, with the same values and the conflicts among them.
public enum ScopeCheck {
    public static func inScope(_ scope: SyncScope, _ area: String) -> Bool { scope.kind == .all || scope.admits(area: area, family: nil) }

    /// What is wrong with `snapshot` (of replica `name`, of `scope`) against the hub's `full`
    /// snapshot, or nil.
    public static func problem(_ name: String, scope: SyncScope, snapshot: ReplicaSnapshot, hub full: ReplicaSnapshot) -> String? {
        let expected = full.records.filter { inScope(scope, $0.value.area) }
        if snapshot.records != expected {
            let differing = Set(snapshot.records.keys).union(expected.keys).filter { snapshot.records[$0] != expected[$0] }.sorted()
            return "\(name) differs from the hub in its scope: \(differing)"
        }
        let conflicts = full.conflicts.filter { $0.recordIDs.allSatisfy { expected[$0] != nil } }
        if snapshot.conflicts != conflicts { return "\(name) shows other conflicts than the hub in its scope" }
        return nil
    }
}
