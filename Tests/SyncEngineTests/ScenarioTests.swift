import FieldModels
import Foundation
import SyncEngine
import SyncTestSupport
import Testing

/// Runs every `conflicts/*.json` file: the scenarios are the documentation of the merge rules.
@Suite("Conflict scenarios from conflicts/*.json")
struct ScenarioTests {
    @Test("There are at least 25 scenarios")
    func enoughScenarios() {
        #expect(Scenario.files.count >= 25)
    }

    @Test("Scenario", arguments: Scenario.files)
    func run(_ file: String) throws {
        let scenario = try Scenario.load(file)
        var runner = ScenarioRunner(scenario)
        for (index, step) in scenario.steps.enumerated() {
            try runner.perform(step, index: index, file: file)
        }
        try runner.check(scenario.expect, label: "\(file) expect")
    }
}

struct ScenarioRunner {
    var replicas: [String: MemoryReplica] = [:]
    var order: [String]
    var backups: [String: MemoryReplica] = [:]
    var generator = SeededGenerator(seed: 7)
    var restores = 0

    init(_ scenario: Scenario) {
        order = scenario.replicas
        for name in scenario.replicas { replicas[name] = MemoryReplica(ReplicaID(name), agent: "A-" + name) }
    }

    func replica(_ name: String) -> MemoryReplica {
        guard let replica = replicas[name] else { fatalError("no replica named \(name) in the scenario") }
        return replica
    }

    mutating func perform(_ step: Scenario.Step, index: Int, file: String) throws {
        let wallTime = Int64(index) * 60_000
        switch step {
        case .write(let at, let write, let wall):
            try replica(at).write(write.record, type: write.type, area: write.area ?? "33.74.11.1006",
                                  fields: write.fields, wallTime: wall ?? wallTime)
        case .delete(let at, let record):
            try replica(at).delete(record, wallTime: wallTime)
        case .resolve(let at, let resolve):
            try replica(at).resolve(resolve.record, field: resolve.field, value: resolve.value, wallTime: wallTime)
        case .pull(let pull):
            try deliver(pull)
        case .sync(let pair):
            try Sync.pull(into: replica(pair[1]), from: replica(pair[0]))
            try Sync.pull(into: replica(pair[0]), from: replica(pair[1]))
        case .syncAll:
            try Sync.untilQuiet(order.map { replica($0) })
        case .backup(let name, let label):
            backups[label] = replica(name).backup()
        case .restore(let restore):
            guard let backup = backups[restore.from] else { fatalError("no backup named \(restore.from)") }
            restores += 1
            replicas[restore.replica] = backup.restored(newID: ReplicaID("\(restore.replica)restored\(restores)"))
        case .check(let check):
            try self.check(check, label: "\(file) step \(index + 1)")
        }
    }

    mutating func deliver(_ pull: Scenario.Pull) throws {
        let receiver = replica(pull.into)
        var delta = try replica(pull.from).changes(notIn: receiver.versionVector())
        if let last = pull.onlyLast {
            // The newest transactions: by Lamport time, then dot.
            let transactions = Dictionary(delta.changes.map { ($0.transaction, $0.lamport) }, uniquingKeysWith: max)
                .sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
            let kept = Set(transactions.suffix(last))
            delta = delta.carrying(delta.changes.filter { kept.contains($0.transaction) })
        }
        var batches = Batching.batches(delta, maxChanges: pull.batch ?? 500)
        switch pull.order ?? "normal" {
        case "reversed": batches.reverse()
        case "shuffled": batches.shuffle(using: &generator)
        default: break
        }
        if pull.duplicate == true { batches += batches }
        for batch in batches.prefix(pull.cutAfter ?? batches.count) { try receiver.receive(batch) }
    }

    func check(_ check: Scenario.Check, label: String) throws {
        let names = check.at ?? order
        let snapshots = try names.map { try replica($0).snapshot() }
        if check.converged ?? true {
            for (name, snapshot) in zip(names, snapshots).dropFirst() {
                #expect(snapshot == snapshots[0], "\(label): \(name) differs from \(names[0])")
            }
        }
        for (name, snapshot) in zip(names, snapshots) {
            for (id, expected) in check.records ?? [:] {
                let record = snapshot.records[id]
                #expect(record != nil, "\(label): \(name) has no \(id)")
                if let status = expected.status { #expect(record?.status == status, "\(label): \(name) \(id) status") }
                for (field, value) in expected.fields ?? [:] {
                    #expect(record?.fields[field] == value, "\(label): \(name) \(id).\(field)")
                }
                for field in expected.absent ?? [] {
                    #expect(record?.fields[field] == nil, "\(label): \(name) \(id).\(field) should have no value")
                }
            }
            if let expected = check.conflicts {
                let actual = Set(snapshot.conflicts.map {
                    Scenario.Check.ExpectedConflict(kind: $0.kind, records: $0.recordIDs, field: $0.field,
                                                    values: $0.kind == .identity ? nil : $0.versions.map(\.value).sorted(by: { $0.description < $1.description }))
                })
                let wanted = Set(expected.map {
                    Scenario.Check.ExpectedConflict(kind: $0.kind, records: $0.records.sorted(), field: $0.field,
                                                    values: $0.values?.sorted(by: { $0.description < $1.description }))
                })
                #expect(actual == wanted, "\(label): \(name) conflicts")
            }
        }
    }
}
