import ArgumentParser
import Crypto
import FieldModels
import Foundation
import SyncEngine

/// For the server-load benchmark (issue 15, point 1f): many devices syncing against one
/// `field-server`, speaking the real protocol through the real client transport (signed
/// requests, nonces, gzip), each device with its own connection. Each device enrols with a
/// code and seals its batches (households of four) before the clock starts; then `--rounds`
/// rounds, in each of which every device syncs once: a session, a push of one batch, and a pull
/// until its scope has nothing new. `--concurrency` threads run the syncs (by default one per
/// device: all at once; 1 gives the same work one sync at a time, the baseline). Prints one
/// JSON object: batches/s and the latencies.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_load", shouldDisplay: false)

    @OptionGroup var target: LoadTarget
    @Option(help: "Syncs per device.") var rounds = 4
    @Option(help: "Households (of four) per pushed batch.") var households = 2
    @Option(help: "Syncs running at once (default: one per device).") var concurrency: Int?

    func run() throws {
        let devices = try target.devices()
        let batches = try devices.map { try $0.prepare(rounds: rounds, households: households) }
        // Round by round: every device's first sync before any device's second.
        let work = LoadQueue(items: (0..<rounds).flatMap { round in devices.indices.map { (round, $0) } })
        let workers = max(1, min(concurrency ?? devices.count, devices.count))
        let start = LoadBarrier(count: workers)
        let results = LoadResults()
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                start.arriveAndWait()
                while let (round, index) = work.next() {
                    do {
                        results.add(try devices[index].sync(batches[index][round]))
                    } catch {
                        results.fail("\(error)")
                    }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        finished.wait()
        let summary = results.summary(devices: devices.count, startedAt: start.openedAt)
        print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// The server and the devices a load runs with (`_load`, `_ingest`).
struct LoadTarget: ParsableArguments {
    @Option(help: "The server (or the balancer before several), e.g. http://127.0.0.1:8097.") var server: String
    @Option(help: "A file of enrolment codes, one device per line: CODE AREA (a kelurahan code).") var codes: String

    /// Each device of the file, enrolled.
    func devices() throws -> [LoadDevice] {
        let lines = try String(contentsOfFile: codes, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let devices = try lines.filter { $0.count == 2 }.map { try LoadDevice(server: server, code: $0[0], area: $0[1]) }
        guard !devices.isEmpty else { throw ValidationError("--codes names no device") }
        return devices
    }
}

/// The syncs still to run, handed out in order.
private final class LoadQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var items: ArraySlice<(Int, Int)>

    init(items: [(Int, Int)]) { self.items = items[...] }

    func next() -> (Int, Int)? { lock.withLock { items.popFirst() } }
}

/// One simulated laptop: its key, replica and connection (also `_ingest`'s).
final class LoadDevice: @unchecked Sendable {
    // Its mutable state is touched under `lock` (syncs) or before the workers start (`prepare`).
    let key = Curve25519.Signing.PrivateKey()
    let replica = ReplicaID.random()
    let area: String
    let agent: String
    let transport: HTTPTransport
    private var counter: UInt64 = 0
    private let lock = NSLock()
    private var knowledge = VersionVector()
    private lazy var known: Set<ReplicaID> = [replica]

    init(server: String, code: String, area: String) throws {
        self.area = area
        let enrolling = try HTTPTransport(server: server, signer: nil, retries: 0)
        let enrolment: EnrollResponse = try enrolling.call("/v1/enroll", EnrollRequest(
            code: code, publicKey: key.publicKey.rawRepresentation.base64EncodedString(), deviceName: "load", replica: replica))
        agent = enrolment.agent.id
        transport = try HTTPTransport(server: server, signer: (enrolment.device, key), retries: 3)
    }

    /// The push requests of every round, sealed: `households` households of four each.
    func prepare(rounds: Int, households: Int) throws -> [PushRequest] {
        try (0..<rounds).map { _ in try batch(households: households) }
    }

    /// One push request of `households` new households of four, each sealed as a laptop seals
    /// a transaction. Not thread-safe: one caller at a time per device.
    func batch(households: Int) throws -> PushRequest {
        let signer = OriginSigner(key: key)
        var changes: [Change] = []
        var seals: [OriginSeal] = []
        for _ in 0..<households {
            let transaction = household()
            seals.append(try signer.seal(transaction).wire(sending: transaction))
            changes += transaction
        }
        return PushRequest(batch: UUID().uuidString, changes: changes, seals: seals)
    }

    /// Opens a sync (`/v1/session`), as a laptop does before it pushes.
    func session() throws {
        let _: SessionResponse = try transport.call("/v1/session", SessionRequest(replica: replica, replicas: [replica]))
    }

    /// Pushes `batch`; returns how many changes the server took.
    func push(_ batch: PushRequest) throws -> Int {
        let pushed: PushResponse = try transport.call("/v1/push", batch)
        guard pushed.accepted == batch.changes.count else { throw LoadFailure("push accepted \(pushed.accepted) of \(batch.changes.count)") }
        return pushed.accepted
    }

    /// A new household with three members, as one transaction, in the shape a laptop writes.
    private func household() -> [Change] {
        let household = RecordID.make(.household)
        let first = counter + 1
        var changes: [Change] = []
        func add(_ type: RecordType, _ record: String, _ field: String, _ value: FieldValue) {
            counter += 1
            changes.append(Change(dot: Dot(replica, counter), transaction: Dot(replica, first), recordType: type, recordID: record,
                                  area: area, field: field, value: value, supersedes: [], lamport: counter,
                                  wallTime: Int64(Date().timeIntervalSince1970 * 1000), agent: agent))
        }
        let serial = UInt64.random(in: 100_000...999_999)
        // A NIK and No. KK start with the digits of their kecamatan (`337411` for 33.74.11).
        let kecamatan = String(area.filter(\.isNumber).prefix(6))
        add(.household, household, "kelurahan", .text(area))
        add(.household, household, "address", .text("Jl. Sawo \(serial % 97) No. \(serial % 211)"))
        add(.household, household, "rt", .text(String(format: "%03d", serial % 12 + 1)))
        add(.household, household, "rw", .text(String(format: "%03d", serial % 7 + 1)))
        add(.household, household, "noKK", .text("\(kecamatan)\(serial)\(serial % 10_000)"))
        for (index, name) in ["Slamet Riyadi", "Sri Wahyuni", "Dwi Lestari", "Bayu Saputra"].enumerated() {
            let person = RecordID.make(.person)
            add(.person, person, "kelurahan", .text(area))
            add(.person, person, "name", .text(name))
            add(.person, person, "nik", .text("\(kecamatan)\(index % 2 == 0 ? "12" : "52")0385\(serial % 10_000 + UInt64(index))"))
            add(.person, person, "sex", .text(index % 2 == 0 ? "L" : "P"))
            add(.person, person, "household", .text(household))
            add(.household, household, "members/\(person)", .bool(true))
        }
        return changes
    }

    /// One sync with `batch` to push, timed request by request. Devices are taken by whichever
    /// worker is free, so a device's syncs hold its lock: one at a time, in order.
    fileprivate func sync(_ batch: PushRequest) throws -> LoadResults.Round {
        lock.lock()
        defer { lock.unlock() }
        var round = LoadResults.Round()
        let began = DispatchTime.now().uptimeNanoseconds
        let _: SessionResponse = try timed(&round.session) {
            try transport.call("/v1/session", SessionRequest(replica: replica, replicas: known.sorted()))
        }
        let pushed: PushResponse = try timed(&round.push) { try transport.call("/v1/push", batch) }
        guard pushed.accepted == batch.changes.count else { throw LoadFailure("push accepted \(pushed.accepted) of \(batch.changes.count)") }
        knowledge.advance(replica, to: batch.changes.map(\.dot.counter).max() ?? 0)
        var request = PullRequest(knowledge: knowledge)
        while true {
            let page: PullResponse = try timed(&round.pull) { try transport.call("/v1/pull", request) }
            round.pulled += page.changes.count
            for change in page.changes {
                knowledge.insert(change.dot)
                known.insert(change.dot.replica)
            }
            guard let next = page.next else { break }
            request = PullRequest(knowledge: knowledge, upTo: page.upTo, after: next)
        }
        round.total = DispatchTime.now().uptimeNanoseconds - began
        round.ended = DispatchTime.now().uptimeNanoseconds
        return round
    }

    private func timed<T>(_ sum: inout UInt64, _ body: () throws -> T) rethrows -> T {
        let began = DispatchTime.now().uptimeNanoseconds
        defer { sum += DispatchTime.now().uptimeNanoseconds - began }
        return try body()
    }
}

struct LoadFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Holds every device until all have prepared, then lets them go at once.
private final class LoadBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int
    private(set) var openedAt: UInt64 = 0

    init(count: Int) { waiting = count }

    func arriveAndWait() {
        condition.lock()
        waiting -= 1
        if waiting == 0 {
            openedAt = DispatchTime.now().uptimeNanoseconds
            condition.broadcast()
        }
        while waiting > 0 { condition.wait() }
        condition.unlock()
    }
}

/// The rounds of every device, gathered under a lock.
private final class LoadResults: @unchecked Sendable {
    struct Round {
        var session: UInt64 = 0, push: UInt64 = 0, pull: UInt64 = 0, total: UInt64 = 0, ended: UInt64 = 0
        var pulled = 0
    }

    private let lock = NSLock()
    private var rounds: [Round] = []
    private var failures: [String] = []

    func add(_ round: Round) { lock.withLock { rounds.append(round) } }
    func fail(_ why: String) { lock.withLock { failures.append(why) } }

    func summary(devices: Int, startedAt: UInt64) -> [String: Any] {
        lock.withLock {
            let seconds = Double((rounds.map(\.ended).max() ?? startedAt) - startedAt) / 1e9
            func percentile(_ values: [UInt64], _ p: Double) -> Double {
                guard !values.isEmpty else { return 0 }
                let sorted = values.sorted()
                return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]) / 1e6
            }
            var out: [String: Any] = [
                "devices": devices, "batches": rounds.count, "seconds": seconds,
                "batches_per_second": seconds > 0 ? Double(rounds.count) / seconds : 0,
                "changes_pulled": rounds.map(\.pulled).reduce(0, +), "failures": failures.count,
            ]
            for (name, values) in [("push", rounds.map(\.push)), ("session", rounds.map(\.session)), ("pull", rounds.map(\.pull)),
                                   ("sync", rounds.map(\.total))] {
                out["\(name)_p50_ms"] = percentile(values, 0.5)
                out["\(name)_p99_ms"] = percentile(values, 0.99)
            }
            if let first = failures.first { out["first_failure"] = first }
            return out
        }
    }
}
