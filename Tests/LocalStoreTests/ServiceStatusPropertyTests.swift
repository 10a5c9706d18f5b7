import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// A service case's status on three offline laptops over random histories: each moves it
/// forward (or refuses it) when it sees it settled, they exchange in random pairs and orders,
/// duplicates included. A model of who had seen which move predicts the outcome: afterwards
/// every laptop holds every move ever made (no transition lost), they agree, and the status is
/// in conflict exactly when moves nobody had seen together remain, holding exactly their values.
/// `FIELDSYNC_SEED=N` replays one history; `FIELDSYNC_SERVICE_HISTORIES=N` runs more.
@Suite("Property: service case statuses on three offline laptops")
struct ServiceStatusPropertyTests {
    /// One status move: who wrote it, its value, and the moves its writer had seen (it supersedes them).
    struct Move: Hashable { var id: Int; var value: String; var seen: Set<Int> }

    @Test("Random offline histories: no lost transition, the same state everywhere, conflicts exactly where statuses diverged")
    func histories() throws {
        guard let run = try OfflineLaptops.histories("ServiceStatusPropertyTests", countVariable: "FIELDSYNC_SERVICE_HISTORIES", salt: 2026, Self.run) else { return }
        #expect(run.seeds < 10 || run.endings == [true, false], "the histories end both settled and in conflict")
    }

    static func run(seed: UInt64, in directory: URL) throws -> (String?, Bool) {
        var random = SeededGenerator(seed: seed)
        var group = try OfflineLaptops(in: directory)
        let laptops = group.laptops
        var moves: [Move] = []
        // Laptop 0 opens the case with its file complete; everyone receives it.
        let opened = ServiceCase(service: .rujukan, personID: "P-7KQ2M9X4TD1B", receivedBy: "A-PSM0", requirements: ["ktp", "kk", "kontak", "bpjs"],
                                 completeAt: LocalMoment(date: CivilDate(year: 2026, month: 3, day: 13)!, hour: 9, minute: 30), status: .lengkap,
                                 kelurahanID: Fixture.kelurahan)
        try laptops[0].save([opened], now: Fixture.now)
        moves.append(Move(id: 0, value: "lengkap", seen: []))
        group.known[0].insert(0)
        try group.exchange(0, 1, random: &random)
        try group.exchange(0, 2, random: &random)

        for _ in 0..<Int.random(in: 6...24, using: &random) {
            let who = Int.random(in: 0..<3, using: &random)
            if Bool.random(using: &random) {
                var other = Int.random(in: 0..<2, using: &random)
                if other >= who { other += 1 }
                try group.exchange(who, other, random: &random)
                continue
            }
            let stored = try laptops[who].existing(ServiceCase.self, id: opened.id)
            guard !stored.conflicts.contains(where: { $0.field == "status" }), !stored.record.status.isClosed else { continue }
            let choices = ServiceStatus.allCases.filter { stored.record.status.allows($0) }
            guard let next = choices.randomElement(using: &random) else { continue }
            var moved = stored.record
            moved.status = next
            if next == .ditolak { moved.reason = "Tidak memenuhi syarat (\(who))" }
            try laptops[who].save([moved], now: Fixture.now)
            let move = Move(id: moves.count, value: next.rawValue, seen: group.known[who])
            moves.append(move)
            group.known[who].insert(move.id)
        }
        try group.exchangeAll(random: &random)

        // The model: a move is live unless a later move was made by a laptop that had seen it.
        let superseded = moves.reduce(into: Set<Int>()) { $0.formUnion($1.seen) }
        let live = Set(moves.filter { !superseded.contains($0.id) }.map(\.value))
        let first = try laptops[0].snapshot()
        for (index, laptop) in laptops.enumerated() {
            guard try laptop.snapshot() == first else { return ("laptop \(index) differs from laptop 0", false) }
            let written = try laptop.history(of: opened.id).filter { $0.field == "status" }.compactMap(\.value.text)
            guard written.count == moves.count, written.sorted() == moves.map(\.value).sorted() else {
                return ("laptop \(index) holds \(written.count) status moves of \(moves.count): \(written) vs \(moves.map(\.value))", false)
            }
            let stored = try laptop.existing(ServiceCase.self, id: opened.id)
            let conflict = stored.conflicts.first { $0.field == "status" }
            let shown = Set(conflict?.values.compactMap(\.value.text) ?? [stored.record.status.rawValue])
            guard (conflict != nil) == (live.count > 1), shown == live else {
                return ("laptop \(index): status \(conflict == nil ? "settled" : "in conflict") on \(shown), the model says \(live)", false)
            }
        }
        return (nil, live.count > 1)
    }
}
