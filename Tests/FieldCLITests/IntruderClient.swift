import Crypto
@testable import FieldCLI
import FieldModels
import Foundation
@testable import SyncServer
import SyncEngine
import Testing

/// An enrolled device that lies: it speaks the protocol through the real client transport,
/// signs its requests properly, and puts whatever it likes in the batches it pushes.
struct Intruder {
    let key = Curve25519.Signing.PrivateKey()
    let replica = ReplicaID.random()
    let agent: String
    let device: String
    let transport: HTTPTransport
    /// What enrolment answered: the authority key and this replica's certificate.
    let enrolment: EnrollResponse

    /// Enrols with a code from `server.addAgent`.
    init(_ server: ServerHarness, agent: String, code: String) throws {
        self.agent = agent
        let enrolling = try HTTPTransport(server: server.url, signer: nil, retries: 0)
        enrolment = try enrolling.call("/v1/enroll", EnrollRequest(
            code: code, publicKey: key.publicKey.rawRepresentation.base64EncodedString(), deviceName: "intruder", replica: replica))
        device = enrolment.device
        transport = try HTTPTransport(server: server.url, signer: (enrolment.device, key), retries: 0)
    }

    /// One transaction sealed with this device's key (the seal a relay would forward).
    func seal(_ changes: [Change], with key: Curve25519.Signing.PrivateKey? = nil) throws -> [OriginSeal] {
        let signer = OriginSigner(key: key ?? self.key)
        return try Dictionary(grouping: changes, by: \.transaction).sorted { $0.key < $1.key }.map {
            try signer.seal($0.value).wire(sending: $0.value)
        }
    }

    /// Pushes `changes` with `seals`; the refusal's code, or nil when the server took them.
    func push(_ changes: [Change], seals: [OriginSeal]) throws -> String? {
        do {
            let _: PushResponse = try transport.call("/v1/push", PushRequest(batch: UUID().uuidString, changes: changes, seals: seals))
            return nil
        } catch let refusal as RemoteRefusal {
            return refusal.code
        }
    }

    /// A new household of its own with `members` persons, as one transaction starting at `counter`.
    func household(area: String, counter: UInt64, members: Int = 1, agent: String? = nil) -> [Change] {
        let household = RecordID.make(.household)
        var changes: [Change] = []
        var next = counter
        func add(_ type: RecordType, _ record: String, _ field: String, _ value: FieldValue) {
            changes.append(Change(dot: Dot(replica, next), transaction: Dot(replica, counter), recordType: type, recordID: record,
                                  area: area, field: field, value: value, supersedes: [], lamport: next, wallTime: 1_795_000_000_000,
                                  agent: agent ?? self.agent))
            next += 1
        }
        add(.household, household, "address", .text("Jl. Tamu \(counter)"))
        add(.household, household, "kelurahan", .text(area))
        for _ in 0..<members {
            let person = RecordID.make(.person)
            add(.person, person, "name", .text("Warga \(counter)"))
            add(.person, person, "household", .text(household))
            add(.household, household, "members/\(person)", .bool(true))
        }
        return changes
    }
}

/// What a server store holds, to show that a refused batch left nothing behind.
struct StoreCounts: Equatable, CustomStringConvertible {
    var changes = 0, seals = 0, records = 0, batches = 0, families = 0
    var vector = VersionVector()

    static func of(_ server: ServerHarness) async throws -> StoreCounts {
        let store = try await server.openStore()
        do {
            var counts = StoreCounts()
            counts.vector = try await store.vector()
            let rows = try await store.database.transaction { db in
                var out: [String: Int] = [:]
                for table in ["changes", "seals", "records", "batches", "record_families"] {
                    out[table] = Int(try await db.query("SELECT COUNT(*) AS n FROM \(table)")[0].int("n"))
                }
                return out
            }
            (counts.changes, counts.seals, counts.records) = (rows["changes"]!, rows["seals"]!, rows["records"]!)
            (counts.batches, counts.families) = (rows["batches"]!, rows["record_families"]!)
            await store.database.close()
            return counts
        } catch {
            await store.database.close()
            throw error
        }
    }

    var description: String { "changes \(changes), seals \(seals), records \(records), batches \(batches), families \(families)" }
}
