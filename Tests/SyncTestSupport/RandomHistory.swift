import FieldModels
import SyncEngine

/// The seeded generator every random history is replayed from (`FieldModels.SeededGenerator`).
public typealias SeededGenerator = FieldModels.SeededGenerator

/// Random histories over several replicas: edits, creates, deletes and resolutions; syncs
/// between random pairs with faults (small batches, shuffled, duplicated, cut off part-way,
/// which is what a replica restarting mid-apply looks like); partitions. Then every replica
/// exchanges until quiet, and the properties are checked.
public struct RandomHistory {
    public struct Failure: Error, CustomStringConvertible {
        public var seed: UInt64
        public var problems: [String]
        public var description: String {
            "seed \(seed): \(problems.prefix(5).joined(separator: "; "))\n  replay: FIELDSYNC_SEED=\(seed) swift test --filter PropertyTests"
        }
    }

    public let seed: UInt64
    public var operations: Int
    public var replicaCount: ClosedRange<Int>

    public init(seed: UInt64, operations: Int = 40, replicas: ClosedRange<Int> = 3...7) {
        self.seed = seed
        self.operations = operations
        self.replicaCount = replicas
    }

    static let records: [(String, RecordType)] = [("H-1", .household), ("H-2", .household), ("H-3", .household),
                                                  ("P-1", .person), ("P-2", .person), ("P-3", .person)]
    static let householdFields: [String: [FieldValue]] = [
        "address": [.text("Jl. Mawar 12"), .text("Jl. Melati 3"), .text("Jl. Kenanga 7")],
        "rt": [.text("001"), .text("003"), .text("005")],
        "members/P-1": [.bool(true), .bool(false)], "members/P-2": [.bool(true), .bool(false)],
        "members/P-3": [.bool(true), .bool(false)],
    ]
    static let personFields: [String: [FieldValue]] = [
        "name": [.text("Budi"), .text("Budi Santoso"), .text("Sri")],
        "nik": [.text("3374061505800003"), .text("3374065208850002")],
        "status": [.text("hidup"), .text("pindah")],
    ]

    /// Runs one history on replicas made by `make`, returning what went wrong (nothing when the
    /// properties hold).
    ///
    /// `reopen`, when given, closes and reopens a replica at random moments (a restart).
    public func run(make: (ReplicaID) throws -> any WritableReplica,
                    reopen: ((any WritableReplica) throws -> any WritableReplica)? = nil) throws -> Failure? {
        var random = SeededGenerator(seed: seed)
        let count = Int.random(in: replicaCount, using: &random)
        var replicas = try (0..<count).map { try make(ReplicaID("r" + String($0))) }
        var written: [Dot: Change] = [:]
        try play(&replicas, written: &written, random: &random, reopen: reopen)
        try Sync.untilQuiet(replicas)
        if let failure = try check(replicas, written: written) { return failure }

        // Every replica has seen everything: compact the tombstones everywhere, then go on
        // working on the same record ids (a forgotten record must not come back).
        let vectors = try replicas.map { try $0.versionVector() }
        let forgotten = try replicas.map { try $0.compact(seenBy: vectors) }
        if Set(forgotten).count > 1 {
            return Failure(seed: seed, problems: ["replicas compacted different records: \(forgotten)"])
        }
        // The last laptop is handed in: Dinas (replica 0) retires it and it never syncs again.
        let retired = replicas.removeLast()
        let retirement = Retirements.record(retiring: retired.replicaID, finalCounter: try retired.versionVector()[retired.replicaID])
        var later: [Dot: Change] = [:]
        for change in try replicas[0].write(retirement.id, type: .device, area: "", fields: retirement.fields, wallTime: 0) {
            later[change.dot] = change
        }
        try play(&replicas, written: &later, random: &random, reopen: reopen)
        try Sync.untilQuiet(replicas)
        if let failure = try check(replicas, written: later) { return failure }
        let named = try replicas.filter { try $0.versionVector().counters[retired.replicaID] != nil }
        return named.isEmpty ? nil : Failure(seed: seed, problems: ["\(named.count) replicas still name the retired device"])
    }

    private func play(_ replicas: inout [any WritableReplica], written: inout [Dot: Change], random: inout SeededGenerator,
                      reopen: ((any WritableReplica) throws -> any WritableReplica)?) throws {
        let count = replicas.count
        var groups: [Int] = Array(repeating: 0, count: count)   // a partition: replicas sync within a group
        for step in 0..<operations {
            let wall = Int64(step) * 1000 + Int64.random(in: -500...500, using: &random)   // clocks disagree
            let replica = replicas[Int.random(in: 0..<count, using: &random)]
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<45:
                let (id, type) = Self.records.randomElement(using: &random)!
                let pool = type == .person ? Self.personFields : Self.householdFields
                var fields: FieldMap = [:]
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let (field, values) = pool.randomElement(using: &random)!
                    fields[field] = values.randomElement(using: &random)!
                }
                for change in try replica.write(id, type: type, area: "33.74.11.1006", fields: fields, wallTime: wall) {
                    written[change.dot] = change
                }
            case 45..<52:
                let id = Self.records.randomElement(using: &random)!.0
                for change in try replica.delete(id, wallTime: wall) { written[change.dot] = change }
            case 52..<60:
                let open = try replica.snapshot().conflicts.filter { $0.kind != .identity }.sorted { $0.description < $1.description }
                if let conflict = open.randomElement(using: &random) {
                    let value = conflict.versions.randomElement(using: &random)!.value
                    let value2: FieldValue = conflict.kind == .delete ? .bool(Bool.random(using: &random)) : value
                    for change in try replica.resolve(conflict.recordIDs[0], field: conflict.field, value: value2, wallTime: wall) {
                        written[change.dot] = change
                    }
                }
            case 60..<63:
                if let reopen {
                    let index = Int.random(in: 0..<count, using: &random)
                    replicas[index] = try reopen(replicas[index])
                }
            case 63..<66:
                groups = (0..<count).map { _ in Int.random(in: 0...1, using: &random) }
            case 66..<69:
                groups = Array(repeating: 0, count: count)
            default:
                let a = Int.random(in: 0..<count, using: &random), b = Int.random(in: 0..<count, using: &random)
                guard a != b, groups[a] == groups[b] else { continue }
                try faultyPull(into: replicas[a], from: replicas[b], random: &random)
            }
        }
    }

    private func faultyPull(into receiver: any ReplicaStore, from sender: any ReplicaStore,
                            random: inout SeededGenerator) throws {
        let delta = try sender.changes(notIn: Sync.knowledge(of: receiver, for: sender))
        let held = Set(try receiver.changes(notIn: VersionVector()).changes.map(\.dot))
        if let resent = delta.changes.first(where: { held.contains($0.dot) }) {
            throw Failure(seed: seed, problems: ["a delta resent \(resent.dot), which the receiver already holds"])
        }
        var batches = Batching.batches(delta, maxChanges: Int.random(in: 1...6, using: &random))
        if Bool.random(using: &random) { batches.shuffle(using: &random) }
        if Int.random(in: 0..<4, using: &random) == 0 { batches += batches.shuffled(using: &random) }
        let cut = Int.random(in: 0..<3, using: &random) == 0 ? Int.random(in: 0...batches.count, using: &random) : batches.count
        for batch in batches.prefix(cut) { try receiver.receive(batch) }
    }

    /// Convergence, nothing lost, conflicts identical.
    func check(_ replicas: [any WritableReplica], written: [Dot: Change]) throws -> Failure? {
        var problems: [String] = []
        let snapshots = try replicas.map { try $0.snapshot() }
        for (index, snapshot) in snapshots.enumerated().dropFirst() where snapshot != snapshots[0] {
            let differing = Set(snapshot.records.keys).union(snapshots[0].records.keys)
                .filter { snapshot.records[$0] != snapshots[0].records[$0] }.sorted()
            problems.append("replica \(index) differs from replica 0 (records \(differing), conflicts equal: \(snapshot.conflicts == snapshots[0].conflicts))")
        }
        for (index, replica) in replicas.enumerated() {
            let held = try replica.changes(notIn: VersionVector()).changes
            let heldDots = Set(held.map(\.dot))
            let missing = Set(written.keys).subtracting(heldDots)
            if !missing.isEmpty { problems.append("replica \(index) lacks \(missing.count) written changes, e.g. \(missing.first!)") }
            let superseded = Set(held.flatMap(\.supersedes))
            let snapshot = snapshots[index]
            let counted = try replica.conflictCount()
            if counted != snapshot.conflicts.count {
                problems.append("replica \(index) counts \(counted) conflicts, its snapshot lists \(snapshot.conflicts.count)")
            }
            for change in written.values where !superseded.contains(change.dot) {
                if let problem = Self.lost(change, in: snapshot) { problems.append("replica \(index): \(problem)") }
            }
        }
        return problems.isEmpty ? nil : Failure(seed: seed, problems: problems)
    }

    /// Why a change that nothing superseded is not visible, or nil when it is: its value is
    /// shown, or it is one side of an open conflict, or (a set element) its set is shown.
    static func lost(_ change: Change, in snapshot: ReplicaSnapshot) -> String? {
        guard let record = snapshot.records[change.recordID] else { return "\(change.dot) on \(change.recordID): no record" }
        let inConflict = snapshot.conflicts.contains {
            $0.recordIDs == [change.recordID] && $0.field == change.field && $0.versions.contains { $0.dot == change.dot }
        }
        if change.field == Change.deletedField {
            let shown = change.value == .bool(true) ? record.status != .alive : true
            return shown || inConflict ? nil : "\(change.dot): tombstone current but \(change.recordID) shown alive, no conflict"
        }
        if MergeRules.isSetElement(change.field) {
            return record.fields[change.field] == nil ? "\(change.dot): set element \(change.field) not shown" : nil
        }
        if record.fields[change.field] == change.value { return nil }
        return inConflict ? nil : "\(change.dot) \(change.recordID).\(change.field)=\(change.value) is current but neither shown nor in a conflict"
    }
}
