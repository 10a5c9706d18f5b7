import FieldModels
import Foundation
@testable import SyncServer
import SyncEngine
import Testing

/// Pushes that run at the same time. On PostgreSQL no lock covers the whole store any more
/// (`ServerStore.writeLocks`): these show that what must still be ordered is, and that pushes
/// running together lose, duplicate and deadlock nothing. SQLite runs them one at a time and
/// must give the same answers.
@Suite("Concurrent pushes: ordered where they share a replica or a record, parallel otherwise")
struct ConcurrentPushTests {
    static let kelurahan = ["33.74.11.1006", "33.74.11.1007", "33.74.11.1001"]

    /// Enrolled devices: PSM agents in `kelurahan`, and a TKSK of their kecamatan.
    static func devices(_ store: ServerStore, psm: Int) async throws -> (psm: [TestDevice], tksk: TestDevice) {
        var out: [TestDevice] = []
        for index in 0..<psm {
            var device = TestDevice(agent: AgentProfile(id: "A-PSM\(index)", name: "PSM \(index)", role: .psm, area: kelurahan[index % kelurahan.count]))
            try await store.addAgent(device.agent, now: 1)
            try await device.enroll(in: store)
            out.append(device)
        }
        var tksk = TestDevice(agent: AgentProfile(id: "A-TKSK", name: "TKSK", role: .tksk, area: "33.74.11"))
        try await store.addAgent(tksk.agent, now: 1)
        try await tksk.enroll(in: store)
        return (out, tksk)
    }

    static func push(_ store: ServerStore, _ request: PushRequest, by device: TestDevice) async throws -> PushResponse {
        try await store.push(request, device: try #require(try await store.device(device.id)), agent: device.agent, now: 5_000)
    }

    @Test("Devices and a relay pushing at once: every dot stored once, every vector entry exact, nothing refused", arguments: StoreKind.available)
    func parallelPushesAndRelays(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (devices, tksk) = try await Self.devices(store, psm: 6)
            // Each device's batches, three households of three each; the TKSK relays every
            // batch too, in its own random order, while the devices push theirs.
            var batches: [(TestDevice, PushRequest)] = []
            for (index, device) in devices.enumerated() {
                var counter: UInt64 = 1
                for round in 0..<4 {
                    var changes: [Change] = []
                    for house in 0..<3 {
                        let household = Sample.household("H-D\(index)R\(round)N\(house)", members: 3, area: device.agent.area,
                                                         replica: device.replica, start: counter, agent: device.agent.id)
                        counter += UInt64(household.count)
                        changes += household
                    }
                    batches.append((device, try device.push("d\(index)-r\(round)", changes)))
                }
            }
            var generator = SystemRandomNumberGenerator()
            let relayed = batches.shuffled(using: &generator).map { PushRequest(batch: "relay-" + $0.1.batch, changes: $0.1.changes, seals: $0.1.seals) }
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for (device, request) in batches { group.addTask { try await Self.push(store, request, by: device).accepted } }
                for request in relayed { group.addTask { try await Self.push(store, request, by: tksk).accepted } }
                return try await group.reduce(0, +)
            }
            let dots = batches.flatMap(\.1.changes).map(\.dot)
            // A push counts the dots new to the store: each dot is new to exactly one of the
            // device's push and the relay's, never to both.
            #expect(accepted == dots.count, "each dot taken by one push, not by both")
            let (stored, distinct) = try await store.database.transaction { db in
                (try await db.query("SELECT COUNT(*) AS n FROM changes")[0].int("n"),
                 try await db.query("SELECT COUNT(*) AS n FROM (SELECT DISTINCT replica, counter FROM changes) AS d")[0].int("n"))
            }
            #expect(Int(stored) == dots.count && Int(distinct) == dots.count, "each dot once")
            let vector = try await store.vector()
            for device in devices {
                let last = dots.filter { $0.replica == device.replica }.map(\.counter).max()!
                #expect(vector[device.replica] == last && !vector.beyond.contains { $0.replica == device.replica },
                        "the vector entry of \(device.agent.id) is its last counter, with no gap")
            }
        }
    }

    @Test("One dot pushed twice at once with different content (a laptop and its restored copy): exactly one kept", arguments: StoreKind.available)
    func oneDotTwoContents(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (devices, _) = try await Self.devices(store, psm: 1)
            let device = devices[0]
            for round in 0..<12 {
                let start = UInt64(round * 10 + 1)
                let first = Sample.household("H-R\(round)A", members: 1, area: device.agent.area, replica: device.replica, start: start, agent: device.agent.id)
                let second = Sample.household("H-R\(round)B", members: 1, area: device.agent.area, replica: device.replica, start: start, agent: device.agent.id)
                let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
                    for (name, changes) in [("a", first), ("b", second)] {
                        group.addTask {
                            do {
                                _ = try await Self.push(store, try device.push("r\(round)-\(name)", changes), by: device)
                                return (name, true)
                            } catch let refusal as Refusal {
                                #expect(refusal.code == .dotReused, "refused as a dot reused, not \(refusal.code)")
                                return (name, false)
                            }
                        }
                    }
                    return try await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
                }
                #expect(outcomes.values.filter { $0 }.count == 1, "round \(round): one of the two contents kept, the other refused")
                let kept = outcomes["a"] == true ? first : second
                let held = try await store.database.transaction { db in
                    try await db.query("SELECT DISTINCT record_id FROM changes WHERE replica = ? AND counter >= ? AND counter < ?",
                                       [.text(device.replica.rawValue), .int(Int64(start)), .int(Int64(start) + 10)]).map { try $0.text("record_id") }
                }
                #expect(Set(held) == Set(kept.map(\.recordID)), "round \(round): the store holds only the kept content's records")
            }
        }
    }

    @Test("One new household claimed by two kelurahan at once: it lies in one, the other push is refused", arguments: StoreKind.available)
    func oneRecordTwoAreas(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (devices, _) = try await Self.devices(store, psm: 2)
            for round in 0..<12 {
                let id = "H-CLAIM\(round)"
                let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
                    for device in devices {
                        let changes = Sample.household(id, members: 0, area: device.agent.area, replica: device.replica,
                                                       start: UInt64(round * 2 + 1), agent: device.agent.id)
                        group.addTask {
                            do {
                                _ = try await Self.push(store, try device.push("claim-\(round)-\(device.agent.id)", changes), by: device)
                                return device.agent.area
                            } catch is Refusal {
                                return nil
                            }
                        }
                    }
                    return try await group.reduce(into: [String]()) { if let area = $1 { $0.append(area) } }
                }
                #expect(outcomes.count == 1, "round \(round): exactly one claim taken, got \(outcomes)")
                let areas = try await store.database.transaction { db in
                    try await db.query("SELECT area FROM record_areas WHERE record_id = ?", [.text(id)]).map { try $0.text("area") }
                        + db.query("SELECT area FROM records WHERE record_id = ?", [.text(id)]).map { try $0.text("area") }
                }
                #expect(Set(areas) == Set(outcomes), "round \(round): the household lies only where the taken claim put it")
            }
        }
    }

    @Test("While a push's transaction is open, a push of another replica commits, even the first of a new region (its partitions attached meanwhile); a push of the same replica waits for it",
          .enabled(if: StoreKind.available.contains(.postgres)))
    func noGlobalLock() async throws {
        try await StoreKind.postgres.withStore { store in
            try await store.importRegions(ServerTierPropertyTests.otherKabupaten)
            let laptop = try await Self.devices(store, psm: 1).psm[0]
            var elsewhere = TestDevice(agent: AgentProfile(id: "A-KAB", name: "PSM Kabupaten Semarang", role: .psm,
                                                           area: ServerTierPropertyTests.otherKabupaten.kelurahan[0].id))
            try await store.addAgent(elsewhere.agent, now: 1)
            try await elsewhere.enroll(in: store)
            let household = { (device: TestDevice, id: String, start: UInt64) in
                try device.push("\(id)-\(start)", Sample.household(id, members: 2, area: device.agent.area, replica: device.replica, start: start,
                                                                   agent: device.agent.id))
            }
            _ = try await Self.push(store, try household(laptop, "H-OPEN1", 1), by: laptop)
            let next = try household(laptop, "H-OPEN2", 100)

            // A push of the laptop in flight: its locks taken and its rows being written, held open.
            let (released, release) = AsyncStream<Void>.makeStream()
            let (opened, open) = AsyncStream<Void>.makeStream()
            let replica = laptop.replica.rawValue
            let inFlight = Task {
                try await store.database.transaction { db in
                    try await db.execute(ServerStore.writeLocks(next.changes))
                    try await db.execute("UPDATE changes SET batch_id = batch_id WHERE replica = ?", [.text(replica)])
                    open.finish()
                    for await _ in released { break }
                }
            }
            for await _ in opened {}
            // Which comes first: `push`, or `seconds` going by; the held transaction ends then
            // when `releasing` (or when the push is late: nothing may wait past the test).
            func first(_ push: @escaping @Sendable () async throws -> Void, orAfter seconds: Int, releasing: Bool) async throws -> Bool {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { try await push(); return true }
                    group.addTask { try await Task.sleep(for: .seconds(seconds)); return false }
                    let pushedFirst = try await group.next()!
                    if releasing || !pushedFirst { release.yield() }
                    if pushedFirst { group.cancelAll() } // the clock, not the push
                    _ = try? await group.reduce(into: ()) { _, _ in }
                    return pushedFirst
                }
            }
            // Another replica in another kabupaten, whose region is new: it does not wait for the
            // open transaction (60 s bounds a wait for ever; it is no speed).
            let other = try household(elsewhere, "H-KAB1", 1)
            let device = elsewhere
            #expect(try await first({ _ = try await Self.push(store, other, by: device) }, orAfter: 60, releasing: false),
                    "a push of another replica and region committed while the first push's transaction was open")
            // The same replica's next batch waits for the open transaction, then goes through.
            #expect(try await !first({ _ = try await Self.push(store, next, by: laptop) }, orAfter: 2, releasing: true),
                    "a push of the same replica waited for the one in flight")
            try await inFlight.value
            let vector = try await store.vector()
            #expect(vector[laptop.replica] == next.changes.map(\.dot.counter).max()! || vector.beyond.contains(next.changes.last!.dot))
            #expect(vector[elsewhere.replica] == other.changes.map(\.dot.counter).max()!)
            let partitions = try await store.database.transaction { db in
                try await db.query("SELECT to_regclass('changes_3322')::text AS name")[0]["name"].string
            }
            #expect(partitions == "changes_3322", "the new region's partition was attached")
        }
    }

    @Test("The locks of a push: its replicas, then its records and the households they name, in one order")
    func lockStatement() {
        let replica = ReplicaID("R1")
        let changes = Sample.household("H-ONE", members: 2, area: Self.kelurahan[0], replica: replica, start: 1, agent: "A-ONE")
        let sql = ServerStore.writeLocks(changes)
        let pairs = sql.matches(of: /\((\d+), (-?\d+)\)/).map { [Int($0.output.1)!, Int($0.output.2)!] }
        #expect(pairs.count == 4, "one replica and three records")
        #expect(pairs.map { $0[0] } == [7420, 7421, 7421, 7421])
        #expect(pairs == pairs.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }, "keys listed in their global order")
        #expect(pairs[0][1] == Int(ServerStore.LockKey.hash("R1")))
        #expect(ServerStore.LockKey.hash("R1") != ServerStore.LockKey.hash("R2"))
        #expect(ServerStore.writeLocks([]) == "SELECT 1")
    }
}
