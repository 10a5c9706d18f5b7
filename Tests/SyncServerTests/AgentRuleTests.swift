import FieldModels
import Foundation
@testable import SyncServer
import SyncEngine
import Testing

/// Rules of Peraturan Walikota Semarang 86/2020 on TKSK and PSM that the agent register carries.
@Suite("Agent register: the roles a region has one of")
struct AgentRuleTests {
    static func refusedAsTaken(_ body: () async throws -> Void) async -> ServerError? {
        do {
            try await body()
            return nil
        } catch let error as ServerError {
            return error.code == .roleTaken ? error : nil
        } catch {
            return nil
        }
    }

    @Test("Pasal 2: one TKSK per kecamatan; a second is refused on add and on move, naming the holder", arguments: StoreKind.available)
    func oneTKSKPerKecamatan(kind: StoreKind) async throws {
        try await kind.withStore { store in try await Self.oneTKSK(store) }
    }

    static func oneTKSK(_ store: ServerStore) async throws {
        try await store.addAgent(AgentProfile(id: "A-BAMBANG", name: "Bambang", role: .tksk, area: "33.74.11"), now: 1)
        let second = await Self.refusedAsTaken {
            try await store.addAgent(AgentProfile(id: "A-JOKO", name: "Joko", role: .tksk, area: "33.74.11"), now: 2)
        }
        #expect(second?.text.id.contains("Bambang (A-BAMBANG)") == true && second?.text.en.contains("Pasal 2") == true)
        #expect(try await store.agent("A-JOKO") == nil, "nothing was added")
        try await store.addAgent(AgentProfile(id: "A-JOKO", name: "Joko", role: .tksk, area: "33.74.10"), now: 3)
        #expect(await Self.refusedAsTaken { _ = try await store.moveAgent("A-JOKO", to: "33.74.11", families: nil, now: 4) } != nil)
        #expect(try await store.agent("A-JOKO")?.area == "33.74.10", "the refused move changed nothing")
        // Moving Bambang away first frees Banyumanik; moving an agent within its own area is no clash.
        _ = try await store.moveAgent("A-BAMBANG", to: "33.74.12", families: nil, now: 5)
        _ = try await store.moveAgent("A-JOKO", to: "33.74.11", families: nil, now: 6)
        _ = try await store.moveAgent("A-JOKO", to: "33.74.11", families: nil, now: 7)
    }

    @Test("Pasal 4(1): one PSM coordinator per kelurahan, while plain PSM may be many", arguments: StoreKind.available)
    func oneCoordinatorPerKelurahan(kind: StoreKind) async throws {
        try await kind.withStore { store in try await Self.oneCoordinator(store) }
    }

    static func oneCoordinator(_ store: ServerStore) async throws {
        let srondol = "33.74.11.1006"
        for (id, name) in [("A-SITI", "Siti"), ("A-RINA", "Rina"), ("A-DEWI", "Dewi")] {
            try await store.addAgent(AgentProfile(id: id, name: name, role: .psm, area: srondol), now: 1)
        }
        try await store.addAgent(AgentProfile(id: "A-TUTI", name: "Tuti", role: .psmCoordinator, area: srondol), now: 2)
        let second = await Self.refusedAsTaken {
            try await store.addAgent(AgentProfile(id: "A-WATI", name: "Wati", role: .psmCoordinator, area: srondol), now: 3)
        }
        #expect(second?.text.en.contains("Pasal 4(1)") == true && second?.text.id.contains("Tuti (A-TUTI)") == true)
        try await store.addAgent(AgentProfile(id: "A-WATI", name: "Wati", role: .psmCoordinator, area: "33.74.11.1001"), now: 4)
    }
}
