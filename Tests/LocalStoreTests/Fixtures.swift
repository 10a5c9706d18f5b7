import FieldModels
import Foundation
import GRDB
import SyncEngine
import Testing
@testable import LocalStore

/// Where a store test runs: the same test body on a real temporary file and in memory.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case file, memory
    var testDescription: String { rawValue }
}

enum Fixture {
    static let passphrase = "rahasia-kelurahan-42"
    static let kelurahan = "33.74.11.1006"
    static let otherKelurahan = "33.74.10.1004"
    /// A fixed clock: 22 November 2026, 13:00 in Semarang (06:00 UTC).
    static let now = Date(timeIntervalSince1970: 1_795_327_200)

    static let catalog: RegionCatalog = {
        let csv = """
            kecamatan,kelurahan,kodepos
            Banyumanik,Srondol Kulon,50263
            Banyumanik,Srondol Wetan,50263
            Tembalang,Bulusan,50277
            """
        return try! RegionCatalog.parse(csv: csv, kota: Kota(code: "3374", name: "Kota Semarang"))
    }()

    static let agent = Agent(id: "A-PSM0000SRK1", name: "Siti Aminah", role: .psm, areaID: kelurahan, ntrNumber: "NTR-3374-0012")

    /// Where these tests keep high-water marks (never the user's ~/.local/state).
    static let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-state-\(UUID().uuidString)").path

    static func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-tests-\(UUID().uuidString)")
        return dir.appendingPathComponent("replica.sqlite").path
    }

    static func replica(_ kind: StoreKind, path: String? = nil, agent: Agent = agent) throws -> LocalReplica {
        let location: LocalReplica.Location = switch kind {
        case .file: .file(path ?? temporaryPath())
        case .memory: .inMemory
        }
        let replica = try LocalReplica.create(at: location, passphrase: passphrase, agent: agent, kdf: .testing,
                                              stateDirectory: stateDirectory)
        try replica.importRegions(catalog)
        try certify(replica)
        return replica
    }

    /// Has the authority memory replicas share certify `replica`'s id and key, as enrolment does,
    /// so it can exchange sealed changes with memory replicas.
    static func certify(_ replica: LocalReplica) throws {
        let authority = MemoryReplica.sharedAuthority
        try replica.trust(authority: authority.publicKey, certificates: [
            try authority.issue(replica: replica.replicaID, device: "DV-TEST", agent: replica.agent.id,
                                publicKey: replica.devicePublicKey, issuedAt: 0),
        ])
    }

    /// A household of three, as on a real Semarang family card (KK and NIKs are made up but valid).
    static func family(kelurahan: String = kelurahan) -> (Household, [Person]) {
        var household = Household(noKK: "3374061203150007", address: "Jl. Setiabudi Gg. Mawar 12", rt: "003", rw: "005",
                                  kelurahanID: kelurahan)
        household.regionCode = kelurahan  // a kelurahan's id is its Kemendagri code, which the replica fills in
        let head = Person(nik: "3374061505800003", name: "Budi Santoso", sex: .l, birthDate: CivilDate("1980-05-15"),
                          relationship: .kepala, householdID: household.id, kelurahanID: kelurahan)
        let wife = Person(nik: "3374065208850002", name: "Sri Wahyuni", sex: .p, birthDate: CivilDate("1985-08-12"),
                          relationship: .istri, householdID: household.id, kelurahanID: kelurahan,
                          healthNotes: "Penyandang disabilitas fisik, kursi roda")
        let child = Person(nik: "3374060101150001", name: "Rizky Santoso", sex: .l, birthDate: CivilDate("2015-01-01"),
                           relationship: .anak, householdID: household.id, kelurahanID: kelurahan)
        household.members = [head.id, wife.id, child.id]
        return (household, [head, wife, child])
    }
}

extension LocalReplica {
    /// Rows in a table, for tests that check nothing was written.
    func count(_ table: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
