import Crypto
import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// What an enrolled device can no longer get away with: every change must carry its origin's
/// seal, name its origin's agent, stay in its record's area and in its origin's scope. Each
/// lie is refused whole with nothing stored, and the honest laptops' next syncs complete.
/// Through a real `field-server` on loopback, on SQLite and (in CI) PostgreSQL.
@Suite("Provenance: forged areas, authors and dots refused at the server", .serialized)
struct ProvenanceTests {
    static let srondol = "33.74.11.1006"
    static let bulusan = "33.74.10.1004"

    static func households(_ cli: CLI) throws -> [String: String] {
        let rows = try cli.run("household", "list", "--json").jsonArray()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["address"] as? String ?? "") })
    }

    static func addHousehold(_ cli: CLI, address: String, kk: String) throws -> String {
        let result = try cli.run("household", "add", "--kk", kk, "--address", address, "--rt", "1", "--rw", "2", "--json")
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try result.jsonObject()["id"] as? String)
    }

    @Test("A false area, a false author and a stolen dot are refused whole; nothing is stored; honest syncs complete",
          arguments: ServerHarness.Store.available)
    func lyingDeviceIsRefused(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let bulusan = try CLI.enrolled(server, agent: "A-BULUS", area: Self.bulusan, kelurahan: "Bulusan")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let intruder = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: Self.srondol))

        let target = try Self.addHousehold(bulusan, address: "Jl. Bulusan Asli 7", kk: "3374071203150007")
        try bulusan.sync()
        try siti.sync()
        let before = try await StoreCounts.of(server)

        // A false area: Bulusan's household, said to lie in the intruder's own kelurahan.
        let address = try #require(try bulusan.openReplica().history(of: target).last { $0.field == "address" })
        let falseArea = Change(dot: Dot(intruder.replica, 1), transaction: Dot(intruder.replica, 1), recordType: .household,
                               recordID: target, area: Self.srondol, field: "address", value: .text("Jl. Palsu 1"),
                               supersedes: [address.dot], lamport: address.lamport + 1, wallTime: 0, agent: intruder.agent)
        #expect(try intruder.push([falseArea], seals: intruder.seal([falseArea])) == "outside_scope")

        // A false author: its own new household, signed by itself, in another PSM's name.
        let falseAuthor = intruder.household(area: Self.srondol, counter: 1, agent: "A-SITI")
        #expect(try intruder.push(falseAuthor, seals: intruder.seal(falseAuthor)) == "agent_mismatch")

        // A stolen dot: the next counter of Siti's laptop, which the intruder cannot seal as hers.
        let sitiReplica = try siti.openReplica()
        let next = try sitiReplica.fullVersionVector()[sitiReplica.replicaID] + 1
        var stolen = intruder.household(area: Self.srondol, counter: 1, agent: "A-SITI")
        stolen = stolen.map { change in
            var forged = change
            forged.dot = Dot(sitiReplica.replicaID, next + change.dot.counter - 1)
            forged.transaction = Dot(sitiReplica.replicaID, next)
            return forged
        }
        #expect(try intruder.push(stolen, seals: intruder.seal(stolen)) == "bad_origin_signature")
        #expect(try intruder.push(stolen, seals: []) == "unsealed")
        #expect(try await StoreCounts.of(server) == before, "a refused batch leaves nothing behind")

        // The honest laptops go on: Siti's next household, with the very counters the intruder
        // tried to take, reaches the Dinas whole.
        let own = try Self.addHousehold(siti, address: "Jl. Jujur 3", kk: "3374061203150008")
        try siti.sync()
        try dinas.sync()
        try bulusan.sync()
        let seen = try Self.households(dinas)
        #expect(seen[own] == "Jl. Jujur 3")
        #expect(seen[target] == "Jl. Bulusan Asli 7")
        #expect(try Self.households(bulusan)[target] == "Jl. Bulusan Asli 7")
        #expect(try Self.households(siti)[target] == nil, "Srondol Kulon holds no record of Bulusan")
        let history = try dinas.run("history", target, "--json").stdout
        #expect(!history.contains("A-MALLORY"))
        #expect(server.stop() == 0)
    }

    @Test("Any one field of one change altered after sealing is refused, and nothing is stored",
          arguments: ServerHarness.Store.available)
    func tamperedBatchesAreRefused(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let intruder = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: Self.srondol))
        let other = ReplicaID.random()
        var seed = UInt64(ProcessInfo.processInfo.environment["FIELDSYNC_SEED"] ?? "") ?? UInt64.random(in: 1...99_999)
        let replay = seed
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        let rounds = Int(ProcessInfo.processInfo.environment["FIELDSYNC_TAMPER_ROUNDS"] ?? "") ?? 24
        let before = try await StoreCounts.of(server)
        var refusals: [String: Int] = [:]
        for round in 0..<rounds {
            let changes = intruder.household(area: Self.srondol, counter: UInt64(round * 10 + 1), members: 2)
            var seals = try intruder.seal(changes)
            var altered = changes
            let index = next(altered.count)
            let what = ["area", "agent", "dot", "record", "value", "signature"][round % 6]
            switch what {
            case "area": altered[index].area = [Self.bulusan, "33.74.11.1001"][next(2)]
            case "agent": altered[index].agent = "A-SITI"
            case "dot": altered[index].dot = Dot(next(2) == 0 ? other : intruder.replica, altered[index].dot.counter + UInt64(next(5) + 100))
            case "record": altered[index].recordID = RecordID.make(altered[index].recordType)
            case "value": altered[index].value = .text("Jl. Diubah \(next(1000))")
            default:
                var signature = seals[0].signature
                signature[next(signature.count)] ^= UInt8(1 << next(8))
                seals[0].signature = signature
            }
            let code = try intruder.push(altered, seals: seals)
            #expect(code != nil, "round \(round) (\(what)) was accepted; seed \(replay)")
            refusals[code ?? "accepted", default: 0] += 1
        }
        #expect(try await StoreCounts.of(server) == before, "seed \(replay)")
        #expect(refusals["accepted"] == nil, "\(refusals)")
        // The same batch unaltered goes through: the refusals were for the alteration.
        let honest = intruder.household(area: Self.srondol, counter: 10_000, members: 2)
        #expect(try intruder.push(honest, seals: intruder.seal(honest)) == nil)
        #expect(try await StoreCounts.of(server).changes == before.changes + honest.count)
        #expect(server.stop() == 0)
    }
}
