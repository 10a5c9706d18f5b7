import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// One questionnaire response edited on three offline laptops over random histories: each
/// answers random questions in a random order (top level and inside repeat instances it adds),
/// they exchange in random pairs, batches delivered twice at random. A model of who had seen
/// which answer predicts the end: every laptop holds every answer ever given (none lost), they
/// agree, and a question is in conflict exactly when answers nobody had seen together remain,
/// showing exactly those. `FIELDSYNC_SEED=N` replays one history; `FIELDSYNC_FORM_HISTORIES=N`
/// runs more.
@Suite("Property: one questionnaire response on three offline laptops")
struct FormResponsePropertyTests {
    /// One answer written: its field, its value, and every answer its writer had seen.
    struct Move: Hashable { var id: Int; var field: String; var value: FieldValue; var seen: Set<Int> }

    static let questions = ["umur", "tinggal", "mandiri", "kebutuhan", "jaminan", "berat", "catatan"]
    static let repeated = ["nama", "luka"]
    static let values = ["ya", "tidak", "12", "51.5", "sendiri", "keluarga", "permakanan sandang", "Jl. Mawar 3"]

    @Test("Random offline histories: no answer lost, the same response everywhere, conflicts exactly where answers diverged")
    func histories() throws {
        guard let run = try OfflineLaptops.histories("FormResponsePropertyTests", countVariable: "FIELDSYNC_FORM_HISTORIES", salt: 7, Self.run) else { return }
        #expect(run.seeds < 10 || run.endings == [true, false], "the histories end both without and with conflicts")
    }

    static func run(seed: UInt64, in directory: URL) throws -> (String?, Bool) {
        var random = SeededGenerator(seed: seed)
        var group = try OfflineLaptops(in: directory)
        let laptops = group.laptops
        var moves: [Move] = []
        func record(_ changes: [Change], by who: Int) {
            for change in changes where FormResponse.isAnswerField(change.field) || change.field.hasPrefix("instances/") {
                let move = Move(id: moves.count, field: change.field, value: change.value, seen: group.known[who])
                moves.append(move)
                group.known[who].insert(move.id)
            }
        }
        let form = FormRecord(definition: FormDefinition(formID: "uji", version: "1", title: LocalizedText(id: "Uji", en: "Test"), items: [], choices: [:]),
                              audience: "33.74", roles: [])
        let opened = FormResponse(form: form, kelurahan: Fixture.kelurahan, household: "H-7KQ2M9X4TD1B", person: nil, agent: "A-PSM0")
        try laptops[0].save([opened], now: Fixture.now)
        try group.exchange(0, 1, random: &random)
        try group.exchange(0, 2, random: &random)

        for _ in 0..<Int.random(in: 8...30, using: &random) {
            let who = Int.random(in: 0..<3, using: &random)
            if Int.random(in: 0..<3, using: &random) == 0 {
                var other = Int.random(in: 0..<2, using: &random)
                if other >= who { other += 1 }
                try group.exchange(who, other, random: &random)
                continue
            }
            // Answer one to three questions, in a random order, sometimes in a new or held instance.
            var response = try laptops[who].existing(FormResponse.self, id: opened.id).record
            var given: [String: String] = [:]
            for name in Self.questions.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)) {
                given[name] = Self.values.randomElement(using: &random)!
                response.answers.set(name, given[name]!)
            }
            if Bool.random(using: &random) {
                let held = response.answers.instances["korban"] ?? []
                let instance = held.isEmpty || Bool.random(using: &random)
                    ? response.answers.addInstance(to: "korban", using: &random) : held.randomElement(using: &random)!
                response.answers.set(Self.repeated.randomElement(using: &random)!, Self.values.randomElement(using: &random)!, instance: "korban." + instance)
            }
            record(try laptops[who].save([response], now: Fixture.now).changes, by: who)
            // What was just answered is what the laptop shows (a question in conflict shows
            // the answer among its values).
            let after = try laptops[who].existing(FormResponse.self, id: opened.id)
            for (name, value) in given where after.record.answers.answer(name) != value
                && !(after.conflicts.first { $0.field == "a." + name }?.values.contains { $0.value == .text(value) } ?? false) {
                return ("laptop \(who) answered \(name) = \(value) but shows \(after.record.answers.answer(name))", false)
            }
        }
        try group.exchangeAll(random: &random)

        let first = try laptops[0].snapshot()
        var anyConflict = false
        for (index, laptop) in laptops.enumerated() {
            guard try laptop.snapshot() == first else { return ("laptop \(index) differs from laptop 0", false) }
            let history = try laptop.history(of: opened.id)
            let held = Set(history.map { "\($0.field)=\($0.value)" })
            if let lost = moves.first(where: { !held.contains("\($0.field)=\($0.value)") }) {
                return ("laptop \(index) lost \(lost.field) = \(lost.value)", false)
            }
            let stored = try laptop.existing(FormResponse.self, id: opened.id)
            for field in Set(moves.map(\.field)) {
                let ofField = moves.filter { $0.field == field }
                let superseded = ofField.reduce(into: Set<Int>()) { $0.formUnion($1.seen) }
                let live = Set(ofField.filter { !superseded.contains($0.id) }.map(\.value))
                let conflict = stored.conflicts.first { $0.field == field }
                if field.hasPrefix("instances/") {
                    guard conflict == nil, stored.record.fields[field] == .bool(true) else { return ("laptop \(index): instance \(field) not kept", false) }
                    continue
                }
                let shown = Set(conflict?.values.map(\.value) ?? [stored.record.fields[field] ?? .null])
                guard (conflict != nil) == (live.count > 1), shown == live else {
                    return ("laptop \(index): \(field) \(conflict == nil ? "settled" : "in conflict") on \(shown), the model says \(live)", false)
                }
                anyConflict = anyConflict || live.count > 1
            }
        }
        return (nil, anyConflict)
    }
}
