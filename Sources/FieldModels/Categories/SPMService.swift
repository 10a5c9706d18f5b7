/// Services of the social-field minimum service standard (SPM, Permensos 9/2018) that a home
/// visit can record as needed.
public enum SPMService: String, Sendable, CaseIterable, Codable {
    case permakanan
    case sandang
    case alatBantu = "alat-bantu"
    case perbekalanKesehatan = "perbekalan-kesehatan"
    case bimbinganFisikMentalSosial = "bimbingan-fisik-mental-sosial"
    case bimbinganSosialKeluarga = "bimbingan-sosial-keluarga"
    case fasilitasiDokumen = "fasilitasi-dokumen"
    case aksesPendidikanKesehatan = "akses-pendidikan-kesehatan"
    case penelusuranKeluarga = "penelusuran-keluarga"
    case reunifikasiKeluarga = "reunifikasi-keluarga"
    case rujukan
    case tempatPenampungan = "tempat-penampungan"
    case dukunganPsikososial = "dukungan-psikososial"

    public var name: LocalizedText {
        switch self {
        case .permakanan: LocalizedText(id: "Permakanan", en: "Food")
        case .sandang: LocalizedText(id: "Sandang", en: "Clothing")
        case .alatBantu: LocalizedText(id: "Alat bantu", en: "Assistive devices")
        case .perbekalanKesehatan: LocalizedText(id: "Perbekalan kesehatan", en: "Health supplies")
        case .bimbinganFisikMentalSosial: LocalizedText(id: "Bimbingan fisik, mental, spiritual dan sosial", en: "Physical, mental and social guidance")
        case .bimbinganSosialKeluarga: LocalizedText(id: "Bimbingan sosial kepada keluarga", en: "Social guidance for the family")
        case .fasilitasiDokumen: LocalizedText(id: "Fasilitasi NIK, akta kelahiran, KIA", en: "Help with NIK, birth certificate, child ID")
        case .aksesPendidikanKesehatan: LocalizedText(id: "Akses layanan pendidikan dan kesehatan dasar", en: "Access to education and basic health care")
        case .penelusuranKeluarga: LocalizedText(id: "Penelusuran keluarga", en: "Family tracing")
        case .reunifikasiKeluarga: LocalizedText(id: "Reunifikasi keluarga", en: "Family reunification")
        case .rujukan: LocalizedText(id: "Rujukan", en: "Referral")
        case .tempatPenampungan: LocalizedText(id: "Tempat penampungan", en: "Shelter")
        case .dukunganPsikososial: LocalizedText(id: "Dukungan psikososial", en: "Psychosocial support")
        }
    }
}

/// Where a home visit refers someone, and how that referral stands.
public enum ReferralDestination: String, Sendable, CaseIterable, Codable {
    case rumahSakit = "rumah-sakit"
    case panti
    case rumahSinggah = "rumah-singgah"
}

public enum ReferralStatus: String, Sendable, CaseIterable, Codable {
    case diajukan, diterima, ditolak, selesai
}
