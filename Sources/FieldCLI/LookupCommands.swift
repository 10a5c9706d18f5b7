import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

struct SearchCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "search",
            abstract: L("Cari menurut nama, alamat, NIK, No. KK atau RT/RW.", "Search by name, address, NIK, No. KK or RT/RW."),
            discussion: L("""
                Contoh:
                  field search budi                 awal kata nama atau alamat (minimal 3 huruf, huruf besar/kecil sama)
                  field search "bud sant"           setiap kata harus cocok
                  field search 3374061505800003     NIK atau No. KK (16 angka)
                  field search "RT 3 RW 5"          atau 003/005
                """, """
                Examples:
                  field search budi                 the start of words of a name or address (3 letters or more, any case)
                  field search "bud sant"           every word must match
                  field search 3374061505800003     NIK or No. KK (16 digits)
                  field search "RT 3 RW 5"          or 003/005
                """))
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("Yang dicari.", "What to look for."))) var query: [String]

    func run() throws {
        try global.withReplica { replica, console in
            let hits = try replica.search(query.joined(separator: " "))
            struct Hit: Encodable { var id, type, matchedOn, summary: String }
            var out: [Hit] = []
            for hit in hits {
                let summary: String
                switch hit.type {
                case .person:
                    let person = try replica.record(Person.self, id: hit.id)?.record
                    summary = "\(person?.name ?? "") (\(person?.householdID ?? ""))"
                case .household:
                    let household = try replica.record(Household.self, id: hit.id)?.record
                    summary = "\(household?.address ?? ""), RT \(household?.rt ?? "")/RW \(household?.rw ?? "")"
                default:
                    summary = hit.type.name.text
                }
                out.append(Hit(id: hit.id, type: hit.type.rawValue, matchedOn: hit.matchedOn, summary: summary))
                console.line("\(hit.id)  \(hit.type.name.text.padding(toLength: 16, withPad: " ", startingAt: 0)) \(summary)")
            }
            if hits.isEmpty { console.say("Tidak ditemukan.", "Nothing found.") }
            try console.emit(out)
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "history",
            abstract: L("Riwayat satu data: siapa mengubah kolom apa, kapan, dari perangkat mana.",
                        "History of one record: who changed which field, when, from which device."),
            discussion: L("Contoh: field history H-7KQ2   (NIK dan No. KK disamarkan kecuali --reveal)",
                          "Example: field history H-7KQ2   (NIK and No. KK are masked unless --reveal)"))
    }

    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Flag(help: ArgumentHelp(L("Tampilkan nilai sensitif lengkap.", "Show sensitive values in full."))) var reveal = false

    func run() throws {
        try global.withReplica { replica, console in
            let id = try replica.resolveID(self.id)
            let changes = try replica.history(of: id)
            struct Entry: Encodable { var time, agent, device, dot, field, value: String; var replaces: [String] }
            var out: [Entry] = []
            for change in changes {
                let sensitive = change.recordType.isSensitive(change.field)
                var value = change.value.description
                if sensitive && !reveal { value = IdentityRules.identifierFields.contains(change.field) ? IdentityRules.masked(value) : L("(tersembunyi)", "(hidden)") }
                if change.field == Change.deletedField { value = L("DIHAPUS", "DELETED") }
                let entry = Entry(time: Timestamp.text(change.wallTime), agent: change.agent, device: change.dot.replica.rawValue,
                                  dot: "\(change.dot.replica.rawValue):\(change.dot.counter)", field: change.field, value: value,
                                  replaces: change.supersedes.map { "\($0.replica.rawValue):\($0.counter)" })
                out.append(entry)
                console.line("\(entry.time)  \(entry.agent)  \(L("perangkat", "device")) \(entry.device.prefix(8))  \(entry.field.padding(toLength: 16, withPad: " ", startingAt: 0)) \(value)")
            }
            console.say("\(changes.count) perubahan pada \(id).", "\(changes.count) changes to \(id).")
            try console.emit(out)
        }
    }
}

/// For the crash tests and the benchmarks: saves households (with three members by default) in
/// a loop, one per transaction, printing `ACK <id>` after each commit, until killed or `count`.
/// `--latencies FILE` writes how long each save took (milliseconds, one per line).
struct StressWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_stress-write", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions
    @Option var count: Int = 1_000_000
    @Option var members: Int = 3
    @Option var latencies: String?

    func run() throws {
        try global.console.run { try write() }
    }

    private func write() throws {
        let replica = try global.openReplica()
        var generator = SystemRandomNumberGenerator()
        var took: [String] = []
        defer { if let latencies { try? (took.joined(separator: "\n") + "\n").write(toFile: latencies, atomically: true, encoding: .utf8) } }
        for _ in 0..<count {
            let kk = "3374061203" + String(100_000 + generator.next() % 900_000)
            var household = Household(noKK: kk, address: "Jl. Uji \(generator.next() % 1000)", rt: "001", rw: "001",
                                      kelurahanID: replica.agent.areaID)
            let people = (0..<members).map { index in
                Person(nik: "", name: "Warga \(index)", sex: .l, birthDate: nil, relationship: index == 0 ? .kepala : .anak,
                       householdID: household.id, kelurahanID: household.kelurahanID)
            }
            household.members = Set(people.map(\.id))
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try replica.save([household] + people)
            if latencies != nil { took.append(String(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)) }
            print("ACK \(household.id)")
            fflush(nil)
        }
    }
}
