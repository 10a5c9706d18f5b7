import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// What the property tests over random offline histories share: the seeds of a run (`FIELDSYNC_SEED`
/// replays one), three PSM laptops of one kelurahan on files of their own, and their exchange in
/// pairs with batches delivered twice at random, keeping track of who has seen which move.
struct OfflineLaptops {
    let laptops: [LocalReplica]
    let scope = SyncScope(role: .psm, area: Fixture.kelurahan, families: [])
    /// The moves (by number) each laptop has seen.
    var known: [Set<Int>] = [[], [], []]

    init(in directory: URL) throws {
        laptops = try (0..<3).map { index in
            let agent = Agent(id: "A-PSM\(index)", name: "PSM \(index)", role: .psm, areaID: Fixture.kelurahan)
            let replica = try LocalReplica.create(at: .file(directory.appendingPathComponent("psm\(index).sqlite").path), passphrase: Fixture.passphrase,
                                                  agent: agent, kdf: .testing, stateDirectory: Fixture.stateDirectory)
            try Fixture.certify(replica)
            return replica
        }
    }

    /// What `to` lacks of `from`, sent (one time in four twice); `to` has seen what `from` had.
    mutating func exchange(_ from: Int, _ to: Int, random: inout SeededGenerator) throws {
        let batch = try laptops[from].changes(for: scope, notIn: try laptops[to].fullVersionVector())
        try laptops[to].receive(batch)
        if random.next() % 4 == 0 { try laptops[to].receive(batch) }   // delivered twice
        known[to].formUnion(known[from])
    }

    /// Every laptop sends to every other, twice over: all hold everything.
    mutating func exchangeAll(random: inout SeededGenerator) throws {
        for _ in 0..<2 { for from in 0..<3 { for to in 0..<3 where from != to { try exchange(from, to, random: &random) } } }
    }

    /// Runs `history` for each seed of the run (`FIELDSYNC_SEED=N` replays one; `countVariable`
    /// asks for more than `defaultCount`), each in a folder of its own, recording the first
    /// problem with the command that replays it. Returns how the histories ended, or nil after a problem.
    static func histories(_ suite: String, countVariable: String, defaultCount: Int = 20, salt: UInt64,
                          _ history: (UInt64, URL) throws -> (String?, Bool)) throws -> (seeds: Int, endings: Set<Bool>)? {
        let env = ProcessInfo.processInfo.environment
        let count = env[countVariable].flatMap(Int.init) ?? defaultCount
        let seeds = env["FIELDSYNC_SEED"].flatMap(UInt64.init).map { [$0] } ?? (0..<UInt64(count)).map { $0 &* 0x9E37_79B9 &+ salt }
        var endings: Set<Bool> = []
        for seed in seeds {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-\(suite)-\(seed)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let (problem, ending) = try history(seed, directory)
            if let problem {
                Issue.record("seed \(seed): \(problem)\n  replay: FIELDSYNC_SEED=\(seed) swift test --filter \(suite)")
                return nil
            }
            endings.insert(ending)
        }
        return (seeds.count, endings)
    }
}
