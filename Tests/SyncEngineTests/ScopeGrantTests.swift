import Foundation
import SyncEngine
import Testing

@Suite("Scope grants")
struct ScopeGrantTests {
    static let authority = CertificateAuthority()
    static let kelurahan = SyncScope(kind: .area, area: "33.74.11.1001")

    static func bundle(grant: ScopeGrant?, agent: String = "A-DEWI", claimed: SyncScope = SyncScope(kind: .all)) throws -> SyncBundle {
        let certificate = try authority.issue(replica: ReplicaID("dewi"), device: "DV-1", agent: agent, publicKey: Data(repeating: 1, count: 32), issuedAt: 0)
        return SyncBundle(sender: certificate, scope: claimed, knowledge: VersionVector(), created: 0, series: "s", batch: SealedBatch(), grant: grant)
    }

    @Test("A bundle's sender is answered with its granted scope; a claimed scope, an altered, borrowed or foreign grant, or none, earns nothing")
    func grantedScope() throws {
        let grant = try Self.authority.grant(agent: "A-DEWI", scope: Self.kelurahan, issuedAt: 1_700_000_000_000)
        #expect(grant.isIssued(by: Self.authority.publicKey, to: "A-DEWI"))
        #expect(try Self.bundle(grant: grant).grantedScope(authority: Self.authority.publicKey) == Self.kelurahan,
                "the grant wins over the claimed scope (all)")

        var widened = grant
        widened.scope = SyncScope(kind: .area, area: "33.74.11")
        var families = grant
        families.scope = SyncScope(kind: .families, families: ["H-1"])
        var later = grant
        later.issuedAt += 1
        for altered in [widened, families, later] {
            #expect(!altered.isIssued(by: Self.authority.publicKey, to: "A-DEWI"))
            #expect(try Self.bundle(grant: altered).grantedScope(authority: Self.authority.publicKey) == ScopeGrant.nothing)
        }
        // Siti's grant in Dewi's bundle, a grant by another authority, no grant at all.
        let borrowed = try Self.authority.grant(agent: "A-SITI", scope: SyncScope(kind: .all), issuedAt: 1)
        let foreign = try CertificateAuthority().grant(agent: "A-DEWI", scope: SyncScope(kind: .all), issuedAt: 1)
        for other in [borrowed, foreign] as [ScopeGrant?] + [nil] {
            #expect(try Self.bundle(grant: other).grantedScope(authority: Self.authority.publicKey) == ScopeGrant.nothing)
        }
        #expect(!ScopeGrant.nothing.admits(area: "33.74.11.1001", family: nil))
    }

    @Test("Every scope of a kota reads its city-wide records (a regional holiday, a questionnaire) and none of another kota's or kecamatan's; what a scope admits for writing is unchanged")
    func cityWideReads() {
        let psm = Self.kelurahan, tksk = SyncScope(kind: .area, area: "33.74.11"), pkh = SyncScope(kind: .families, families: ["H-1"])
        let dinas = SyncScope(kind: .all), elsewhere = SyncScope(kind: .area, area: "33.75.01.2001")
        for scope in [psm, tksk, pkh, dinas] {
            #expect(scope.reads(type: .holiday, area: "33.74", family: nil), "\(scope)")
        }
        #expect(!elsewhere.reads(type: .holiday, area: "33.74", family: nil))
        #expect(psm.reads(type: .form, area: "33.74.11", family: nil) && tksk.reads(type: .form, area: "33.74.11", family: nil),
                "a questionnaire for one kecamatan is read inside it")
        #expect(!psm.reads(type: .form, area: "33.74.12", family: nil) && !tksk.reads(type: .form, area: "33.74.12", family: nil),
                "and nowhere else")
        #expect(psm.enclosingAreas == ["33.74.11", "33.74"] && tksk.enclosingAreas == ["33.74"] && dinas.enclosingAreas.isEmpty)
        #expect(!psm.admits(area: "33.74", family: nil) && !tksk.admits(area: "33.74", family: nil), "reading is not writing")
        #expect(!psm.reads(type: .report, area: "33.74.11", family: nil), "a TKSK's report stays the kecamatan's")
        #expect(psm.kota == "33.74" && tksk.kota == "33.74" && pkh.kota == nil)
    }
}

