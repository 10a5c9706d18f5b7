/// Who a category describes: a person, a household, or either.
public enum CategorySubject: String, Sendable, Codable {
    case person, household, either
}

/// The 26 national PMKS categories (people with social-welfare problems), with the age rule
/// each carries (anak: under 18, balita: under 5, lanjut usia: 60 or over).
public enum PMKSCategory: String, Sendable, CaseIterable, Codable {
    case anakBalitaTelantar = "anak-balita-telantar"
    case anakTelantar = "anak-telantar"
    case anakBerhadapanHukum = "anak-berhadapan-hukum"
    case anakJalanan = "anak-jalanan"
    case anakDisabilitas = "anak-disabilitas"
    case anakKorbanKekerasan = "anak-korban-kekerasan"
    case anakPerlindunganKhusus = "anak-perlindungan-khusus"
    case lanjutUsiaTelantar = "lanjut-usia-telantar"
    case penyandangDisabilitas = "penyandang-disabilitas"
    case tunaSusila = "tuna-susila"
    case gelandangan = "gelandangan"
    case pengemis = "pengemis"
    case pemulung = "pemulung"
    case kelompokMinoritas = "kelompok-minoritas"
    case bekasWargaBinaan = "bekas-warga-binaan"
    case odha = "odha"
    case korbanNapza = "korban-napza"
    case korbanPerdaganganOrang = "korban-perdagangan-orang"
    case korbanKekerasan = "korban-kekerasan"
    case pekerjaMigranBermasalah = "pekerja-migran-bermasalah"
    case korbanBencanaAlam = "korban-bencana-alam"
    case korbanBencanaSosial = "korban-bencana-sosial"
    case perempuanRawanSosialEkonomi = "perempuan-rawan-sosial-ekonomi"
    case fakirMiskin = "fakir-miskin"
    case keluargaBermasalahPsikologis = "keluarga-bermasalah-psikologis"
    case komunitasAdatTerpencil = "komunitas-adat-terpencil"

    public var name: LocalizedText {
        switch self {
        case .anakBalitaTelantar: LocalizedText(id: "Anak balita telantar", en: "Neglected child under five")
        case .anakTelantar: LocalizedText(id: "Anak telantar", en: "Neglected child")
        case .anakBerhadapanHukum: LocalizedText(id: "Anak berhadapan dengan hukum", en: "Child in conflict with the law")
        case .anakJalanan: LocalizedText(id: "Anak jalanan", en: "Street child")
        case .anakDisabilitas: LocalizedText(id: "Anak dengan kedisabilitasan", en: "Child with a disability")
        case .anakKorbanKekerasan: LocalizedText(id: "Anak korban tindak kekerasan", en: "Child victim of violence")
        case .anakPerlindunganKhusus: LocalizedText(id: "Anak memerlukan perlindungan khusus", en: "Child needing special protection")
        case .lanjutUsiaTelantar: LocalizedText(id: "Lanjut usia telantar", en: "Neglected elderly person")
        case .penyandangDisabilitas: LocalizedText(id: "Penyandang disabilitas", en: "Person with a disability")
        case .tunaSusila: LocalizedText(id: "Tuna susila", en: "Sex worker")
        case .gelandangan: LocalizedText(id: "Gelandangan", en: "Homeless person")
        case .pengemis: LocalizedText(id: "Pengemis", en: "Beggar")
        case .pemulung: LocalizedText(id: "Pemulung", en: "Scavenger")
        case .kelompokMinoritas: LocalizedText(id: "Kelompok minoritas", en: "Minority group")
        case .bekasWargaBinaan: LocalizedText(id: "Bekas warga binaan lembaga pemasyarakatan", en: "Former prison inmate")
        case .odha: LocalizedText(id: "Orang dengan HIV/AIDS", en: "Person living with HIV/AIDS")
        case .korbanNapza: LocalizedText(id: "Korban penyalahgunaan NAPZA", en: "Victim of drug abuse")
        case .korbanPerdaganganOrang: LocalizedText(id: "Korban perdagangan orang", en: "Victim of human trafficking")
        case .korbanKekerasan: LocalizedText(id: "Korban tindak kekerasan", en: "Victim of violence")
        case .pekerjaMigranBermasalah: LocalizedText(id: "Pekerja migran bermasalah sosial", en: "Migrant worker with social problems")
        case .korbanBencanaAlam: LocalizedText(id: "Korban bencana alam", en: "Natural disaster victim")
        case .korbanBencanaSosial: LocalizedText(id: "Korban bencana sosial", en: "Social disaster victim")
        case .perempuanRawanSosialEkonomi: LocalizedText(id: "Perempuan rawan sosial ekonomi", en: "Socio-economically vulnerable woman")
        case .fakirMiskin: LocalizedText(id: "Fakir miskin", en: "Poor")
        case .keluargaBermasalahPsikologis: LocalizedText(id: "Keluarga bermasalah sosial psikologis", en: "Family with psycho-social problems")
        case .komunitasAdatTerpencil: LocalizedText(id: "Komunitas adat terpencil", en: "Remote indigenous community")
        }
    }

    /// The age range (in whole years) a person in this category must be in, if any.
    public var ageRange: ClosedRange<Int>? {
        switch self {
        case .anakBalitaTelantar: 0...4
        case .anakTelantar, .anakBerhadapanHukum, .anakJalanan, .anakDisabilitas,
             .anakKorbanKekerasan, .anakPerlindunganKhusus: 0...17
        case .lanjutUsiaTelantar: 60...200
        default: nil
        }
    }

    public var subject: CategorySubject {
        switch self {
        case .fakirMiskin, .keluargaBermasalahPsikologis, .korbanBencanaAlam, .korbanBencanaSosial,
             .kelompokMinoritas, .komunitasAdatTerpencil: .either
        default: .person
        }
    }

    /// Whether the entry's details are specific (sensitive) personal data under UU 27/2022:
    /// health, disability, HIV, NAPZA, violence, trafficking, sexual life, criminal record.
    public var isSensitive: Bool {
        switch self {
        case .fakirMiskin, .korbanBencanaAlam, .korbanBencanaSosial, .kelompokMinoritas,
             .komunitasAdatTerpencil, .pemulung: false
        default: true
        }
    }
}

/// The 12 PSKS categories (potentials and sources of social welfare).
public enum PSKSCategory: String, Sendable, CaseIterable, Codable {
    case pekerjaSosialProfesional = "pekerja-sosial-profesional"
    case psm = "psm"
    case tagana = "tagana"
    case lks = "lks"
    case karangTaruna = "karang-taruna"
    case lk3 = "lk3"
    case keluargaPioner = "keluarga-pioner"
    case wksbm = "wksbm"
    case wanitaPemimpin = "wanita-pemimpin-kesejahteraan-sosial"
    case penyuluhSosial = "penyuluh-sosial"
    case tksk = "tksk"
    case duniaUsaha = "dunia-usaha"

    public var name: LocalizedText {
        switch self {
        case .pekerjaSosialProfesional: LocalizedText(id: "Pekerja sosial profesional", en: "Professional social worker")
        case .psm: LocalizedText(id: "Pekerja Sosial Masyarakat (PSM)", en: "Community social worker (PSM)")
        case .tagana: LocalizedText(id: "Taruna Siaga Bencana (Tagana)", en: "Disaster response youth (Tagana)")
        case .lks: LocalizedText(id: "Lembaga Kesejahteraan Sosial (LKS)", en: "Social welfare institution (LKS)")
        case .karangTaruna: LocalizedText(id: "Karang Taruna", en: "Youth organisation (Karang Taruna)")
        case .lk3: LocalizedText(id: "Lembaga Konsultasi Kesejahteraan Keluarga (LK3)", en: "Family welfare consultation body (LK3)")
        case .keluargaPioner: LocalizedText(id: "Keluarga pioner", en: "Pioneer family")
        case .wksbm: LocalizedText(id: "Wahana Kesejahteraan Sosial Berbasis Masyarakat (WKSBM)", en: "Community-based welfare forum (WKSBM)")
        case .wanitaPemimpin: LocalizedText(id: "Wanita pemimpin kesejahteraan sosial", en: "Women social welfare leader")
        case .penyuluhSosial: LocalizedText(id: "Penyuluh sosial", en: "Social extension worker")
        case .tksk: LocalizedText(id: "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)", en: "Sub-district social welfare worker (TKSK)")
        case .duniaUsaha: LocalizedText(id: "Dunia usaha", en: "Business sector")
        }
    }
}
