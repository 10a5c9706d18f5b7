import ArgumentParser
import FieldModels
import Foundation
import LocalStore

/// `field _demo-city`: fills this laptop's area with a generated, repeatable city for
/// demonstrations and the Dinas pages' screenshot (`scripts/dinas-city`): in every kelurahan,
/// households of varied ages, PMKS entries of the SPM categories for some of their members, and
/// visits with basic needs met for a share of them that differs by kecamatan. Not for real data.
struct DemoCityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_demo-city", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Households per kelurahan.") var households = 6
    @Option(help: "The generator's seed.") var seed: UInt64 = 2026

    func run() throws {
        try global.withReplica { replica, console in
            var random = SeededGenerator(seed: seed)
            let kecamatan = try replica.regions(under: RegionPath.kota(of: replica.agent.areaID)).filter { RegionPath.contains(replica.agent.areaID, $0.id) || RegionPath.contains($0.id, replica.agent.areaID) }
            var written = 0
            for (index, kec) in kecamatan.enumerated() {
                // Each kecamatan reaches a different share of those in need.
                let reach = 30 + (index * 37) % 65
                for kel in try replica.regions(under: kec.id) where RegionPath.contains(replica.agent.areaID, kel.id) {
                    for _ in 0..<households {
                        written += try household(in: kel.id, reach: reach, replica: replica, random: &random)
                    }
                }
                console.line("\(kec.name): \(written) data")
            }
        }
    }

    private func day(_ year: Int, _ random: inout SeededGenerator) -> CivilDate {
        CivilDate(year: year, month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))!
    }

    /// One household and what the field would record of it; returns how many records.
    private func household(in kelurahan: String, reach: Int, replica: LocalReplica, random: inout SeededGenerator) throws -> Int {
        // A No. KK of the kota's code and the kelurahan's kecamatan digits: 16 digits, valid in form.
        let kk = RegionPath.kotaCode(of: kelurahan) + String(format: "%02d", Int(kelurahan.split(separator: ".")[2]) ?? 1)
            + String(Int.random(in: 1_000_000_000..<10_000_000_000, using: &random))
        var home = Household(noKK: kk, address: "Jl. Contoh \(Int.random(in: 1...200, using: &random))", rt: "00\(Int.random(in: 1...9, using: &random))",
                             rw: "00\(Int.random(in: 1...9, using: &random))", kelurahanID: kelurahan)
        var births = [day(Int.random(in: 1955...1992, using: &random), &random), day(Int.random(in: 1958...1995, using: &random), &random)]
        births += (0..<Int.random(in: 0...3, using: &random)).map { _ in day(Int.random(in: 2009...2024, using: &random), &random) }
        if Int.random(in: 0..<3, using: &random) == 0 { births.append(day(Int.random(in: 1936...1962, using: &random), &random)) }
        let people = births.enumerated().map { index, born in
            Person(nik: "", name: "Warga \(index + 1)", sex: index % 2 == 0 ? .l : .p, birthDate: born,
                   relationship: [.kepala, .istri][safe: index] ?? (born.year > 2005 ? .anak : .orangTua), householdID: home.id, kelurahanID: kelurahan)
        }
        home.members = Set(people.map(\.id))
        var records: [any FieldRecord] = [home] + people
        let reference = CivilDate(year: 2026, month: 1, day: 1)!
        for person in people {
            guard let born = person.birthDate else { continue }
            let age = born.years(until: reference)
            let category: PMKSCategory? = switch Int.random(in: 0..<100, using: &random) {
            case 0..<50 where age >= 60: .lanjutUsiaTelantar
            case 0..<15 where age < 18: .anakTelantar
            case 90..<94: .penyandangDisabilitas
            case 94..<96 where age >= 19 && age <= 60: .gelandangan
            default: nil
            }
            guard let category else { continue }
            records.append(SocialMapEntry(kind: .pmks, category: category.rawValue, personID: person.id, householdID: home.id,
                                          assessmentDate: day(2026, &random).min(CivilDate(year: 2026, month: 11, day: 30)!), kelurahanID: kelurahan))
            if Int.random(in: 0..<100, using: &random) < reach {
                var visit = HomeVisit(date: day(2026, &random).min(CivilDate(year: 2026, month: 11, day: 30)!), agentID: replica.agent.id,
                                      householdID: home.id, personID: person.id, purpose: "Pendampingan", needs: [.permakanan], kelurahanID: kelurahan)
                visit.needsMet = true
                records.append(visit)
            }
        }
        if Int.random(in: 0..<40, using: &random) == 0 {
            records.append(SocialMapEntry(kind: .pmks, category: PMKSCategory.korbanBencanaAlam.rawValue, householdID: home.id,
                                          assessmentDate: CivilDate(year: 2026, month: 2, day: 10), kelurahanID: kelurahan))
        }
        _ = try replica.save(records, now: Date())
        return records.count
    }
}

extension CivilDate {
    fileprivate func min(_ other: CivilDate) -> CivilDate { self < other ? self : other }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
