/// The five basic services of the social-field minimum service standard (SPM; Permensos 9/2018,
/// summarised in the domain notes): social rehabilitation outside institutions for neglected
/// persons with disabilities, neglected children, neglected elderly people, gelandangan and
/// pengemis, and the protection of disaster victims. Each is measured as X / Y × 100% per
/// budget year (`SPMTally`).
public enum SPMBasicService: String, Sendable, CaseIterable, Codable {
    case disabilitas, anak, lansia
    case gelandanganPengemis = "gelandangan-pengemis"
    case bencana

    public var name: LocalizedText {
        switch self {
        case .disabilitas: LocalizedText(id: "Penyandang disabilitas telantar", en: "Neglected persons with disabilities")
        case .anak: LocalizedText(id: "Anak telantar", en: "Neglected children")
        case .lansia: LocalizedText(id: "Lanjut usia telantar", en: "Neglected elderly people")
        case .gelandanganPengemis: LocalizedText(id: "Gelandangan dan pengemis", en: "Homeless people and beggars")
        case .bencana: LocalizedText(id: "Korban bencana", en: "Disaster victims")
        }
    }

    /// The PMKS categories whose entries say someone needs this service.
    public var categories: Set<PMKSCategory> {
        switch self {
        case .disabilitas: [.penyandangDisabilitas, .anakDisabilitas]
        case .anak: [.anakBalitaTelantar, .anakTelantar, .anakJalanan]
        case .lansia: [.lanjutUsiaTelantar]
        case .gelandanganPengemis: [.gelandangan, .pengemis]
        case .bencana: [.korbanBencanaAlam, .korbanBencanaSosial]
        }
    }

    /// The ages (on 1 January of the budget year) a person must have to be counted, when the
    /// standard sets them: a child is under 18, an elderly person 60 or over.
    public var ages: ClosedRange<Int>? {
        switch self {
        case .anak: 0...17
        case .lansia: 60...200
        default: nil
        }
    }

    /// The counting rule, as the Dinas page states it.
    public var rule: LocalizedText {
        let categories = self.categories.map(\.name.id).sorted().joined(separator: ", ")
        let categoriesEn = self.categories.map(\.name.en).sorted().joined(separator: ", ")
        let age = ages.map { $0.lowerBound == 0 ? "di bawah \($0.upperBound + 1) tahun" : "\($0.lowerBound) tahun ke atas" }
        let ageEn = ages.map { $0.lowerBound == 0 ? "under \($0.upperBound + 1)" : "\($0.lowerBound) or over" }
        return LocalizedText(
            id: "Y: orang (atau rumah tangga, bila entrinya per rumah tangga) dengan entri PMKS \(categories)" + (age.map { ", berusia \($0) pada 1 Januari" } ?? "")
                + ". X: dari mereka, yang pada tahun itu dikunjungi dengan catatan kebutuhan dasar terpenuhi, atau kasus layanannya selesai.",
            en: "Y: persons (or households, for entries made per household) with a PMKS entry of \(categoriesEn)" + (ageEn.map { ", aged \($0) on 1 January" } ?? "")
                + ". X: of them, those visited that year with basic needs recorded as met, or whose service case was completed.")
    }
}

/// Who counts towards each SPM indicator of one budget year, and why: Y, those who need the
/// service (by PMKS category and the age rule), and X, those of them served with their basic
/// needs met (a home visit that year saying so, or a service case for them completed that
/// year). Built from records as any replica or the server holds them: one rule for every reader.
public struct SPMTally: Sendable {
    public struct Subject: Sendable, Hashable {
        /// The person, or the household for an entry made per household.
        public var id: String
        public var kelurahan: String
        /// The entry that makes the subject need the service.
        public var entry: String
        /// The visit or service case that counts it as served, when one does.
        public var servedBy: String?
        public var served: Bool { servedBy != nil }
    }

    public let year: Int
    public private(set) var subjects: [SPMBasicService: [Subject]] = [:]
    /// Entries left out by the age rule, with the reason, for the drill-down.
    public private(set) var excluded: [SPMBasicService: [(entry: String, reason: LocalizedText)]] = [:]

    /// `birthDates` and `households` give each person's birth date and household.
    public init(year: Int, entries: [SocialMapEntry], birthDates: [String: CivilDate], households: [String: String],
                visits: [HomeVisit], cases: [ServiceCase]) {
        self.year = year
        let reference = CivilDate(year: year, month: 1, day: 1)!
        var served: [String: String] = [:]
        func serve(_ subject: String?, by record: String) {
            guard let subject, served[subject].map({ record < $0 }) ?? true else { return }
            served[subject] = record
        }
        for visit in visits where visit.needsMet && visit.date?.year == year {
            serve(visit.personID ?? visit.householdID, by: visit.id)
        }
        for service in cases where service.status == .selesai && service.completeAt?.date.year == year {
            serve(service.personID ?? service.householdID, by: service.id)
        }
        for entry in entries.sorted(by: { $0.id < $1.id }) where entry.kind == .pmks {
            guard let category = PMKSCategory(rawValue: entry.category),
                  let service = SPMBasicService.allCases.first(where: { $0.categories.contains(category) }),
                  let subject = entry.personID ?? entry.householdID else { continue }
            if let ages = service.ages, let person = entry.personID, let born = birthDates[person] {
                let age = born.years(until: reference)
                guard ages.contains(age) else {
                    excluded[service, default: []].append((entry.id, LocalizedText(id: "berusia \(age) pada 1 Januari \(year)", en: "aged \(age) on 1 January \(year)")))
                    continue
                }
            }
            guard !(subjects[service] ?? []).contains(where: { $0.id == subject }) else { continue }
            let household = entry.personID.flatMap { households[$0] }
            subjects[service, default: []].append(Subject(id: subject, kelurahan: entry.kelurahanID, entry: entry.id,
                                                          servedBy: served[subject] ?? household.flatMap { served[$0] }))
        }
    }

    /// X and Y of `service` in `area` (a kelurahan, kecamatan or kota path; everything when empty).
    public func indicator(_ service: SPMBasicService, area: String = "") -> (x: Int, y: Int) {
        let inside = (subjects[service] ?? []).filter { RegionPath.contains(area, $0.kelurahan) }
        return (inside.filter(\.served).count, inside.count)
    }
}
