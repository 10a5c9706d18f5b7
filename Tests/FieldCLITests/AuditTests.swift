@testable import FieldCLI
import FieldModels
import LocalStore
import Foundation
import SyncEngine
@testable import SyncServer
import Testing

/// Enrolment codes that cannot be guessed in time, and the audit trail that shows afterwards
/// who did what, through a real `field-server` on loopback.
@Suite("Enrolment limits and the audit trail", .serialized)
struct AuditTests {
    static let srondol = "33.74.11.1006"

    @Test("Wrong codes from one address meet 429 with Retry-After before the 10th try; field enroll says to wait",
          arguments: ServerHarness.Store.available)
    func wrongCodesMustWait(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let code = try server.addAgent(id: "A-SITI", role: "psm", area: Self.srondol)
        let transport = try HTTPTransport(server: server.url, signer: nil, retries: 0)
        var limitedAt: Int?
        for attempt in 1...10 {
            let request = EnrollRequest(code: "ZZZZ-ZZZZ-\(String(format: "%04d", attempt))", publicKey: LocalStoreKey.fresh(),
                                        deviceName: "guess", replica: .random())
            do {
                let _: EnrollResponse = try transport.call("/v1/enroll", request)
                Issue.record("a guessed code was accepted")
            } catch let refusal as RemoteRefusal {
                if refusal.status == 429 {
                    #expect(refusal.code == "too_many_attempts")
                    limitedAt = attempt
                    break
                }
                #expect(refusal.code == "invalid_code")
            }
        }
        #expect((limitedAt ?? 99) < 10, "429 before the 10th try")
        let laptop = try CLI()
        #expect(try laptop.initPSM().status == 0)
        let refused = try laptop.run("enroll", "--server", server.url, "--code", code)
        #expect(refused.status == 9 && refused.stderr.contains("Coba lagi setelah"), "\(refused.stderr)")
        #expect(server.stop() == 0)
    }

    @Test("The audit trail lists enrolments, wrong codes, refused batches with their rule, moves and revocations, and no NIK",
          arguments: ServerHarness.Store.available)
    func auditTrail(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let laptop = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let intruder = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: Self.srondol))
        let nik = "3374061505800003"
        var outside = intruder.household(area: "33.74.10.1004", counter: 1)
        outside.append(Change(dot: Dot(intruder.replica, 6), transaction: Dot(intruder.replica, 1), recordType: .person,
                              recordID: outside[2].recordID, area: outside[2].area, field: "nik", value: .text(nik), supersedes: [],
                              lamport: 6, wallTime: 0, agent: intruder.agent))
        #expect(try intruder.push(outside, seals: intruder.seal(outside)) == "outside_scope")
        let transport = try HTTPTransport(server: server.url, signer: nil, retries: 0)
        _ = try? transport.call("/v1/enroll", EnrollRequest(code: "ZZZZ-ZZZZ-ZZZZ", publicKey: LocalStoreKey.fresh(), deviceName: "x",
                                                          replica: .random())) as EnrollResponse
        let device = try #require(try laptop.openReplica().enrolment()?.device)
        #expect(try server.admin("agent", "move", "A-SITI", "--area", "33.74.11.1001").status == 0)
        #expect(try server.admin("device", "revoke", device).status == 0)

        let all = try server.admin("audit")
        #expect(all.status == 0)
        let kinds = Set(all.stdout.split(separator: "\n").map { $0.split(separator: "\t")[1] })
        #expect(kinds.isSuperset(of: ["agent_added", "code_issued", "enrolled", "replica_registered", "code_failed", "batch_refused",
                                      "agent_moved", "device_revoked"]), "\(kinds)")
        let refused = try server.admin("audit", "--kind", "batch_refused").stdout
        #expect(refused.contains("outside_scope") && refused.contains("A-MALLORY") && refused.contains(intruder.device), "\(refused)")
        #expect(!all.stdout.contains(nik) && !all.stdout.contains("Warga"), "no NIK and no name in the trail")
        let mine = try server.admin("audit", "--agent", "A-SITI").stdout.split(separator: "\n")
        #expect(!mine.isEmpty && mine.allSatisfy { $0.split(separator: "\t")[2] == "A-SITI" })
        #expect(try server.admin("audit", "--kind", "code_failed").stdout.contains("127.0.0.1"))
        let traversal = try server.admin("agent", "add", "--name", "X", "--role", "psm", "--area", "3374/../tembalang")
        #expect(traversal.status != 0 && traversal.stderr.contains("--area"), "\(traversal.stderr)")
        let nowhere = try server.admin("agent", "add", "--name", "X", "--role", "psm", "--area", "33.74.11.1099")
        #expect(nowhere.status != 0 && nowhere.stderr.contains("region list"), "an area outside the region table: \(nowhere.stderr)")
        let byCode = try server.admin("agent", "add", "--id", "A-BULUSAN", "--name", "Bayu", "--role", "psm", "--area", "33.74.10.1004")
        #expect(byCode.status == 0 && byCode.stdout.contains("33.74.10.1004"), "a Kemendagri code names the area: \(byCode.stderr)")
        let kecamatan = try server.admin("agent", "add", "--name", "Tri", "--role", "tksk", "--area", "33.74.10")
        #expect(kecamatan.status == 0 && kecamatan.stdout.contains("33.74.10"), "\(kecamatan.stderr)")
        let unknownCode = try server.admin("agent", "move", "A-BULUSAN", "--area", "33.74.10.1999")
        #expect(unknownCode.status != 0 && unknownCode.stderr.contains("33.74.10.1999") && unknownCode.stderr.contains("region list"), "\(unknownCode.stderr)")
        #expect(try server.admin("region", "list").stdout.contains("33.74.11.1006"))
        let bare = try ServerHarness(.sqlite, loadRegions: false)
        let early = try bare.admin("agent", "add", "--name", "X", "--role", "psm", "--area", Self.srondol)
        #expect(early.status != 0 && early.stderr.contains("region import"), "no agent before the region table: \(early.stderr)")
        #expect(bare.stop() == 0)
        let bad = try server.admin("audit", "--kind", "nothing")
        #expect(bad.status != 0 && bad.stderr.contains("code_failed"))
        #expect(server.stop() == 0)
    }

    @Test("An agent's area is given by its Kemendagri code (dots optional) or its name; an ambiguous name lists the codes to choose from")
    func areasByCodeOrName() async throws {
        let server = try ServerHarness(.sqlite)
        let city = try server.admin("agent", "add", "--id", "A-DINAS2", "--name", "Dinas", "--role", "dinas", "--area", "3374")
        #expect(city.status == 0, "the bare 4-digit kota code: \(city.stderr)")
        let byName = try server.admin("agent", "add", "--id", "A-BULUSAN2", "--name", "Bayu", "--role", "psm", "--area", "Bulusan")
        #expect(byName.status == 0 && byName.stdout.contains("area:33.74.10.1004"), "\(byName.stdout) \(byName.stderr)")
        let ambiguous = try server.admin("agent", "add", "--name", "Tri", "--role", "psm", "--area", "Mangunharjo")
        #expect(ambiguous.status != 0 && ambiguous.stderr.contains("33.74.10.1003") && ambiguous.stderr.contains("33.74.16.1007"),
                "Tembalang and Tugu both have a Mangunharjo: \(ambiguous.stderr)")
        let kecamatan = try server.admin("agent", "add", "--name", "Tri", "--role", "tksk", "--area", "Tugu")
        #expect(kecamatan.status == 0 && kecamatan.stdout.contains("area:33.74.16"), "a name at the role's level: \(kecamatan.stderr)")
        let wrongLevel = try server.admin("agent", "add", "--name", "Tri", "--role", "psm", "--area", "33.74.16")
        #expect(wrongLevel.status != 0 && wrongLevel.stderr.contains("kelurahan"), "\(wrongLevel.stderr)")
        #expect(server.stop() == 0)
    }
}

/// Signed requests are good once, and the laptop's clock plays no part in that.
@Suite("Replays and wrong clocks", .serialized)
struct ClockTests {
    /// `field` run under libfaketime, its clock set to `date`.
    static func run(_ cli: CLI, at date: String, _ arguments: String...) throws -> CLI.Result {
        try cli.run(at: date, arguments)
    }

    @Test("Laptops whose clocks say 2019 and 2031 sync with each other through the server, and are told their clock is off",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func wrongClocksStillSync(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let past = try CLI.enrolled(server, agent: "A-SITI", area: AuditTests.srondol, kelurahan: "Srondol Kulon")
        let future = try CLI.enrolled(server, agent: "A-RINI", area: AuditTests.srondol, kelurahan: "Srondol Kulon")
        let added = try Self.run(past, at: "2019-03-01 08:00:00", "household", "add", "--kk", "3374061203150007", "--address", "Jl. Lama 1",
                                 "--rt", "1", "--rw", "2")
        #expect(added.status == 0, "\(added.stderr)")
        let synced = try Self.run(past, at: "2019-03-01 08:05:00", "sync")
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stderr.contains("Jam laptop ini berbeda"), "the laptop is told its clock is off")
        let pulled = try Self.run(future, at: "2031-07-01 10:00:00", "sync", "--json")
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try future.run("household", "list").stdout.contains("Jl. Lama 1"))
        #expect(server.stop() == 0)
    }
}

/// A fresh Ed25519 public key in base64, as a laptop would send at enrolment.
enum LocalStoreKey {
    static func fresh() -> String { LocalStore.LocalReplica.newDeviceKey().publicKey.rawRepresentation.base64EncodedString() }
}
