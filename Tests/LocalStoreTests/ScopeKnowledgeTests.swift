import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// The rule of `conflicts/README.md` on knowledge under partial replication, on replica files:
/// a narrower replica never claims what it does not hold, a wider one pulling from it never
/// believes it holds more than it does, and an answer carries exactly the recipient's scope.
@Suite("Scope-aware knowledge between replicas of different reach")
struct ScopeKnowledgeTests {
    static let srondol = Fixture.kelurahan
    static let wetan = "33.74.11.1007"

    @Test("A kecamatan replica and a kelurahan replica exchange exactly what each lacks in its scope")
    func narrowAndWide() throws {
        let tksk = try Fixture.replica(.file, agent: Agent(id: "A-TKSK01", name: "Bambang", role: .tksk, areaID: "33.74.11"))
        let psm = try Fixture.replica(.file)
        let psmScope = SyncScope(role: .psm, area: Self.srondol, families: [])
        var written: [String: String] = [:]
        for (index, area) in [Self.srondol, Self.wetan, Self.srondol, Self.wetan, Self.wetan].enumerated() {
            let household = "H-K\(index)"
            try tksk.write(household, type: .household, area: area, fields: ["address": .text("Jl. \(index)"), "kelurahan": .text(area)],
                           wallTime: Int64(index))
            written[household] = area
        }
        // The narrow replica gets its scope only, and its vector claims only what it holds.
        try psm.receive(try tksk.changes(for: psmScope, notIn: psm.fullVersionVector()))
        let held = Set(try psm.snapshot().records.keys.filter { $0.hasPrefix("H-") })
        #expect(held == Set(written.filter { $0.value == Self.srondol }.keys))
        let claimed = try psm.fullVersionVector()
        let everything = try tksk.changes(notIn: VersionVector()).changes
        for change in everything where change.dot.replica == tksk.replicaID {
            #expect(claimed.contains(change.dot) == (change.area == Self.srondol), "\(change.dot) in \(change.area)")
        }
        // Asked again, the wide replica has nothing more for it.
        #expect(try tksk.changes(for: psmScope, notIn: psm.fullVersionVector()).isEmpty)

        // The narrow one writes; the wide one pulls everything the narrow one has.
        try psm.write("H-K0", type: .household, area: Self.srondol, fields: ["rt": .text("007")], wallTime: 10)
        let before = try tksk.fullVersionVector()
        try tksk.receive(try psm.changes(notIn: tksk.fullVersionVector()))
        let after = try tksk.fullVersionVector()
        #expect(after[tksk.replicaID] == before[tksk.replicaID], "the wide replica's knowledge of itself is unchanged")
        #expect(try tksk.changes(notIn: VersionVector()).changes.count == everything.count + 1, "it took exactly the one new change")
        #expect(try tksk.snapshot().records["H-K0"]?.fields["rt"] == .text("007"))

        // Against each other's knowledge, neither lacks anything in its scope.
        #expect(try psm.changes(for: SyncScope(kind: .area, area: "33.74.11"), notIn: tksk.fullVersionVector()).isEmpty)
        #expect(try tksk.changes(for: psmScope, notIn: psm.fullVersionVector()).isEmpty)
        let wide = try tksk.snapshot(), narrow = try psm.snapshot()
        for (id, record) in narrow.records where id.hasPrefix("H-") { #expect(wide.records[id] == record) }
    }
}
