import FieldModels
import Foundation
import GRDB
@testable import LocalStore
import SyncEngine
import Testing

@Suite("Replica: saving, reading and history")
struct ReplicaTests {
    @Test("A household and its members are saved in one transaction, one change per field", arguments: StoreKind.allCases)
    func saveFamily(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, people) = Fixture.family()
        let result = try replica.save([household] + people, now: Fixture.now)

        let expectedFields = ([household] + people as [any FieldRecord]).reduce(0) { total, record in
            total + record.fields.values.filter { !$0.isEmptyValue }.count
        }
        #expect(result.changes.count == expectedFields)
        #expect(try replica.count("change_log") == expectedFields)
        #expect(Set(result.changes.map(\.transaction)).count == 1, "one transaction")
        #expect(Set(result.changes.map(\.lamport)).count == 1, "one logical tick")
        #expect(result.changes.map(\.dot.counter) == Array(1...UInt64(expectedFields)), "consecutive dots")
        #expect(result.changes.allSatisfy { $0.agent == Fixture.agent.id && $0.dot.replica == replica.replicaID })

        let stored = try #require(try replica.record(Household.self, id: household.id))
        #expect(stored.record == household)
        #expect(stored.conflicts.isEmpty && !stored.deleted)
        let wife = try #require(try replica.record(Person.self, id: people[1].id))
        #expect(wife.record == people[1])
        #expect(try replica.records(Person.self).count == 3)
        #expect(try replica.versionVector()[replica.replicaID] == UInt64(expectedFields))
    }

    @Test("An error in one record refuses the whole save; nothing is written", arguments: StoreKind.allCases)
    func errorRefusesAll(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        var (household, people) = Fixture.family()
        people[2].nik = "33740601011500"   // 14 digits
        let error = try #require(throws: StoreError.self) { try replica.save([household] + people, now: Fixture.now) }
        #expect(error.code == .validation)
        #expect(error.issues.map(\.code) == ["nik.format"])
        #expect(error.text.en.contains("16 digits"))
        #expect(try replica.count("change_log") == 0)
        #expect(try replica.count("record") == 0)
        household.rt = "3a"
        let rtError = try #require(throws: StoreError.self) { try replica.save([household], now: Fixture.now) }
        #expect(rtError.issues.map(\.field) == ["rt"])
    }

    @Test("A NIK already in the replica is refused, naming the person who has it", arguments: StoreKind.allCases)
    func duplicateNIK(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let twin = Person(nik: people[0].nik, name: "Budi S.", sex: .l, birthDate: CivilDate("1980-05-15"),
                          relationship: .kepala, householdID: household.id, kelurahanID: Fixture.kelurahan)
        let error = try #require(throws: StoreError.self) { try replica.save([twin], now: Fixture.now) }
        #expect(error.code == .duplicateNIK)
        #expect(error.text.id.contains("Budi Santoso") && error.text.id.contains(people[0].id))
        #expect(!error.text.id.contains(people[0].nik), "the message masks the NIK")
        #expect(try replica.records(Person.self).count == 3)

        // Saving the same person again (an edit) is not a duplicate.
        var edited = people[0]
        edited.name = "Budi Santoso Utomo"
        try replica.save([edited], now: Fixture.now)
        // Two new people with one NIK in the same save are refused too.
        let a = Person(nik: "3374064407900001", name: "Ani", sex: .p, birthDate: nil, relationship: .lainnya,
                       householdID: household.id, kelurahanID: Fixture.kelurahan)
        var b = a
        b = Person(nik: a.nik, name: "Ana", sex: .p, birthDate: nil, relationship: .lainnya, householdID: household.id,
                   kelurahanID: Fixture.kelurahan)
        #expect(throws: StoreError.self) { try replica.save([a, b], now: Fixture.now) }
    }

    @Test("Warnings save the record and flag it", arguments: StoreKind.allCases)
    func warningsFlag(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, _) = Fixture.family()
        // Born 1980-05-16 but the NIK says 15-05-80, and a NIK issued in Kabupaten Semarang (3322).
        let person = Person(nik: "3322061505800003", name: "Joko", sex: .l, birthDate: CivilDate("1980-05-16"),
                            relationship: .kepala, householdID: household.id, kelurahanID: Fixture.kelurahan)
        let result = try replica.save([household, person], now: Fixture.now)
        #expect(Set(result.warnings[person.id]?.map(\.code) ?? []) == ["nik.birthdate-mismatch", "nik.region"])
        let stored = try #require(try replica.record(Person.self, id: person.id))
        #expect(Set(stored.warnings.map(\.code)) == ["nik.birthdate-mismatch", "nik.region"])
        #expect(try replica.record(Household.self, id: household.id)?.warnings.isEmpty == true)
    }

    @Test("An edit logs only the fields that changed, superseding the values it saw", arguments: StoreKind.allCases)
    func editLogsChangedFields(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        var (household, people) = Fixture.family()
        let first = try replica.save([household] + people, now: Fixture.now)
        let oldAddress = try #require(first.changes.first { $0.recordID == household.id && $0.field == "address" })
        household.address = "Jl. Setiabudi Gg. Melati 3"
        household.members.remove(people[2].id)
        let edit = try replica.save([household], now: Fixture.now.addingTimeInterval(60))
        #expect(Set(edit.changes.map(\.field)) == ["address", "members/\(people[2].id)"])
        #expect(edit.changes.first { $0.field == "address" }?.supersedes == [oldAddress.dot])
        #expect(edit.changes.allSatisfy { $0.lamport > oldAddress.lamport })
        #expect(try replica.record(Household.self, id: household.id)?.record == household)
        #expect(try replica.save([household], now: Fixture.now).changes.isEmpty, "saving unchanged is a no-op")

        let history = try replica.history(of: household.id)
        let addresses = history.filter { $0.field == "address" }.map(\.value)
        #expect(addresses == [.text("Jl. Setiabudi Gg. Mawar 12"), .text("Jl. Setiabudi Gg. Melati 3")])
    }

    @Test("A delete is a tombstone: the record leaves the lists, its history stays", arguments: StoreKind.allCases)
    func deleteIsTombstone(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let before = try replica.count("change_log")
        let tomb = try replica.delete(id: people[2].id, now: Fixture.now)
        #expect(tomb.map(\.field) == [Change.deletedField] && tomb[0].isTombstone)
        #expect(try replica.count("change_log") == before + 1)
        #expect(try replica.records(Person.self).count == 2)
        #expect(try replica.record(Person.self, id: people[2].id)?.deleted == true)
        #expect(try replica.history(of: people[2].id).last?.isTombstone == true)
        #expect(try replica.delete(id: people[2].id, now: Fixture.now).isEmpty, "deleting twice adds nothing")
        #expect(throws: StoreError.self) { try replica.delete(id: "P-NOTHERE00000", now: Fixture.now) }
    }

    @Test("Records outside the agent's area or in unknown regions are refused", arguments: StoreKind.allCases)
    func areaRules(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (outside, _) = Fixture.family(kelurahan: Fixture.otherKelurahan)
        #expect(throws: StoreError.self) { try replica.save([outside], now: Fixture.now) }
        let (unknown, _) = Fixture.family(kelurahan: "33.74.11.1098")
        let error = try #require(throws: StoreError.self) { try replica.save([unknown], now: Fixture.now) }
        #expect(error.code == .unknownRegion)
        #expect(try replica.count("change_log") == 0)
        #expect(try replica.resolveRegion("Srondol Kulon").id == Fixture.kelurahan)
        #expect(try replica.resolveRegion("banyumanik/srondol kulon").id == Fixture.kelurahan)
        #expect(try replica.resolveRegion("Banyumanik", level: .kecamatan).id == "33.74.11")
    }

    @Test("Search finds by NIK and No. KK through the keyed hash, by RT/RW and by name", arguments: StoreKind.allCases)
    func search(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        #expect(try replica.search(people[1].nik).map(\.id) == [people[1].id])
        #expect(try replica.search(household.noKK).map(\.id) == [household.id])
        #expect(try replica.search("3374069999990001").isEmpty)
        #expect(try replica.search("RT 3 RW 5").map(\.id) == [household.id])
        #expect(try replica.search("003/005").map(\.id) == [household.id])
        #expect(try replica.search("RT 4").isEmpty)
        #expect(Set(try replica.search("santoso").map(\.id)) == [people[0].id, people[2].id])
        #expect(try replica.search("mawar").map(\.id) == [household.id])
        #expect(try replica.resolveID(String(household.id.prefix(6)).lowercased()) == household.id)
    }

    @Test("Applying the same changes again, or in another order, changes nothing", arguments: StoreKind.allCases)
    func applyIsIdempotent(kind: StoreKind) throws {
        let source = try Fixture.replica(kind)
        var (household, people) = Fixture.family()
        var changes = try source.save([household] + people, now: Fixture.now).changes
        household.address = "Jl. Baru 1"
        changes += try source.save([household], now: Fixture.now).changes

        let target = try Fixture.replica(kind)
        _ = try target.transaction { db in try target.apply(changes.reversed(), in: db) }
        _ = try target.transaction { db in try target.apply(changes, in: db) }
        #expect(try target.count("change_log") == changes.count)
        #expect(try target.record(Household.self, id: household.id)?.record == household)
        #expect(try target.versionVector()[source.replicaID] == UInt64(changes.count))
        // The blind index works on the receiving replica too.
        #expect(try target.search(people[0].nik).map(\.id) == [people[0].id])
    }

    @Test("Every kind of record survives a save and a read, sealed fields included", arguments: StoreKind.allCases)
    func everyRecordTypeRoundTrips(kind: StoreKind) throws {
        let replica = try Fixture.replica(kind)
        let (household, people) = Fixture.family()
        let entry = SocialMapEntry(kind: .pmks, category: PMKSCategory.anakDisabilitas.rawValue, personID: people[2].id,
                                   evidence: "Surat dokter", assessmentDate: CivilDate("2026-11-20"), notes: "Perlu kursi roda",
                                   kelurahanID: Fixture.kelurahan)
        let resource = SocialMapEntry(kind: .psks, category: PSKSCategory.karangTaruna.rawValue, label: "Karang Taruna RW 05",
                                      assessmentDate: CivilDate("2026-11-20"), kelurahanID: Fixture.kelurahan)
        let visit = HomeVisit(date: CivilDate("2026-11-21"), agentID: Fixture.agent.id, householdID: household.id,
                              personID: people[1].id, purpose: "Asesmen awal", findings: "Ibu memakai kursi roda",
                              needs: [.alatBantu, .permakanan], referral: .rumahSakit, referralStatus: .diajukan,
                              followUpDate: CivilDate("2026-12-05"), kelurahanID: Fixture.kelurahan)
        let report = MonthlyReport(agentID: Fixture.agent.id, period: "2026-10", lastMonth: "12 kunjungan",
                                   nextMonthPlan: "Pendataan RW 05", evaluation: "Baik", status: .submitted,
                                   kelurahanID: Fixture.kelurahan)
        var service = ServiceCase(service: .rujukan, personID: people[1].id, requestedBy: "Anak", receivedBy: Fixture.agent.id,
                                  requirements: ["ktp", "kk", "kontak", "bpjs"], completeAt: LocalMoment(date: CivilDate("2026-11-21")!, hour: 10),
                                  status: .lengkap, visitID: visit.id, kelurahanID: Fixture.kelurahan)
        service.notes = "Butuh kursi roda"
        try replica.save([household] + people)
        try replica.save([entry, resource, visit, report, service, Fixture.agent], now: Fixture.now)
        #expect(try replica.existing(ServiceCase.self, id: service.id).record == service)
        #expect(try replica.existing(SocialMapEntry.self, id: entry.id).record == entry)
        #expect(try replica.existing(SocialMapEntry.self, id: resource.id).record == resource)
        let readVisit = try replica.existing(HomeVisit.self, id: visit.id).record
        #expect(readVisit == visit, "\(readVisit) VS \(visit)")
        #expect(try replica.existing(MonthlyReport.self, id: report.id).record == report)
        #expect(try replica.existing(Agent.self, id: Fixture.agent.id).record == Fixture.agent)
        #expect(try replica.record(Household.self, id: visit.id) == nil, "an id of another type is not a household")

        // A child category for a grown-up is refused through the store too.
        let adult = SocialMapEntry(kind: .pmks, category: PMKSCategory.anakDisabilitas.rawValue, personID: people[0].id,
                                   assessmentDate: CivilDate("2026-11-20"), kelurahanID: Fixture.kelurahan)
        let error = try #require(throws: StoreError.self) { try replica.save([adult], now: Fixture.now) }
        #expect(error.issues.map(\.code) == ["category.age"])
    }
}
