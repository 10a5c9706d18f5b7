/// The group rules of the two group services (Kepdin Semarang 800/661/2023): a KUBE is 10
/// families whose members are aged 20–55 (Lampiran VII, persyaratan 3 and 5); an RST group is
/// 3–15 families (Lampiran VIII, persyaratan 6), or one household alone when no group can be
/// formed (persyaratan 7). Every family is a household already recorded in the case's kelurahan.
public enum GroupRules {
    /// A family of a group as the replica holds it: its kelurahan and the head's birth date.
    public struct Family: Sendable {
        public var kelurahanID: String
        /// The head of the family (`kepala`), if recorded.
        public var head: Person?

        public init(kelurahanID: String, head: Person?) {
            self.kelurahanID = kelurahanID
            self.head = head
        }
    }

    /// How many families the group must have, for a group service.
    public static func size(of kind: ServiceKind) -> ClosedRange<Int>? {
        switch kind {
        case .kube: 10...10
        case .rst: 3...15
        default: nil
        }
    }

    public static let kubeAges = 20...55

    /// The findings on a case's families: errors for what breaks a rule (named), and, while the
    /// file is still being gathered, a warning for a group not yet of its size.
    public static func check(_ service: ServiceCase, families: (String) -> Family?, today: CivilDate) -> [ValidationIssue] {
        guard let size = size(of: service.service) else {
            return service.families.isEmpty ? [] : [.error("families", "group.service", id: "\(service.service.name.id) bukan layanan kelompok; keluarga kelompok hanya untuk KUBE dan RST.",
                                                           en: "\(service.service.name.en) is not a group service; group families are for KUBE and RST only.")]
        }
        var issues: [ValidationIssue] = []
        let rule = service.service == .kube ? LocalizedText(id: "KUBE: satu kelompok beranggotakan 10 KK (Lampiran VII)", en: "KUBE: one group of 10 families (Lampiran VII)")
            : LocalizedText(id: "RST: satu kelompok 3–15 KK (Lampiran VIII)", en: "RST: one group of 3–15 families (Lampiran VIII)")
        let alone = service.service == .rst && service.families.isEmpty && service.householdID != nil
        if !size.contains(service.families.count) && !alone {
            let text = LocalizedText(id: "\(rule.id); sekarang \(service.families.count) KK.", en: "\(rule.en); now \(service.families.count) families.")
            let gathering = service.completeAt == nil && (service.status == .diterima || service.status == .ditolak)
            issues.append(gathering && service.families.count < size.upperBound ? .warning("families", "group.size", id: text.id, en: text.en)
                          : .error("families", "group.size", id: text.id, en: text.en))
        }
        for id in service.families.sorted() {
            guard let family = families(id) else {
                issues.append(.error("families", "group.unknown", id: "\(id) tidak ada di laptop ini: catat dulu rumah tangganya.",
                                     en: "\(id) is not on this laptop: record the household first."))
                continue
            }
            if family.kelurahanID != service.kelurahanID {
                issues.append(.error("families", "group.kelurahan", id: "\(id) tercatat di kelurahan lain; satu kelompok dibentuk dengan SK Lurah setempat.",
                                     en: "\(id) is recorded in another kelurahan; a group is formed by the decree of its own Lurah."))
            }
            guard service.service == .kube else { continue }
            guard let head = family.head, let born = head.birthDate else {
                issues.append(.warning("families", "group.head", id: "\(id): kepala keluarga atau tanggal lahirnya belum dicatat; usia 20–55 tahun tidak dapat diperiksa.",
                                       en: "\(id): the head of the family or their birth date is not recorded; the age of 20–55 cannot be checked."))
                continue
            }
            let age = born.years(until: today)
            if !kubeAges.contains(age) {
                issues.append(.error("families", "group.age", id: "KUBE: anggota kelompok berusia 20–55 tahun (Lampiran VII); \(head.name) dari \(id) berusia \(age).",
                                     en: "KUBE: group members are aged 20–55 (Lampiran VII); \(head.name) of \(id) is \(age)."))
            }
        }
        return issues
    }
}
