/// How long a service may take once its file is complete (Kepdin Semarang 800/661/2023,
/// "jangka waktu penyelesaian" of each service).
public enum ServiceTime: Sendable, Hashable {
    /// Working days: due at the end of service hours on the n-th working day after completion.
    case workingDays(Int)
    /// Minutes counted only in service hours.
    case officeMinutes(Int)
    /// Calendar days ("kurang lebih 105 hari" for RST).
    case calendarDays(Int)
    /// The standard names no completion time.
    case unstated

    public var text: LocalizedText {
        switch self {
        case .workingDays(let n): LocalizedText(id: "\(n) hari kerja", en: "\(n) working days")
        case .officeMinutes(let n): LocalizedText(id: "\(n) menit jam layanan", en: "\(n) minutes of service hours")
        case .calendarDays(let n): LocalizedText(id: "\(n) hari", en: "\(n) days")
        case .unstated: LocalizedText(id: "tidak ditetapkan", en: "not set")
        }
    }
}

/// One item of a service's requirements checklist ("persyaratan pelayanan").
public struct ServiceRequirement: Sendable, Hashable {
    /// Stable code, the key of its field on a case (`requirements/ktp`).
    public var code: String
    public var name: LocalizedText
}

/// The nine services of the Dinas Sosial Kota Semarang's service standard (Kepdin 800/661/2023
/// Diktum KEEMPAT, Lampiran I–VIII), each with its requirements, completion time and hours.
public enum ServiceKind: String, Sendable, CaseIterable, Codable {
    case dataPengaduan = "data-pengaduan"
    case kedaruratan
    case rujukan
    case reaktivasiPBI = "reaktivasi-pbi"
    case lks
    case slrt
    case kube
    case rst
    case kjs

    public var name: LocalizedText {
        switch self {
        case .dataPengaduan: LocalizedText(id: "Layanan Data dan Pengaduan", en: "Data and complaints")
        case .kedaruratan: LocalizedText(id: "Layanan Kedaruratan", en: "Emergency")
        case .rujukan: LocalizedText(id: "Layanan Rujukan", en: "Referral")
        case .reaktivasiPBI: LocalizedText(id: "Layanan Reaktifasi PBI dan Rekomendasi UHC", en: "PBI reactivation and UHC recommendation")
        case .lks: LocalizedText(id: "Layanan Penerbitan Surat Tanda Daftar dan Surat Rekomendasi LKS", en: "LKS registration and recommendation")
        case .slrt: LocalizedText(id: "Layanan Puskesmas Sistem Layanan Rujukan Terpadu (SLRT)", en: "Integrated referral service at the puskesmas (SLRT)")
        case .kube: LocalizedText(id: "Layanan Pengajuan Bantuan Sosial KUBE", en: "KUBE social assistance proposal")
        case .rst: LocalizedText(id: "Layanan Pengajuan Bantuan Sosial Rumah Sejahtera Terpadu (RST)", en: "RST housing assistance proposal")
        case .kjs: LocalizedText(id: "Layanan Pengajuan Bantuan Jaminan Sosial Kartu Jateng Sejahtera (KJS)", en: "Kartu Jateng Sejahtera (KJS) proposal")
        }
    }

    /// The Lampiran of the standard that sets it (nil: KJS is listed but has no Lampiran).
    public var lampiran: String? {
        switch self {
        case .dataPengaduan: "I"
        case .kedaruratan: "II"
        case .rujukan: "III"
        case .reaktivasiPBI: "IV"
        case .lks: "V"
        case .slrt: "VI"
        case .kube: "VII"
        case .rst: "VIII"
        case .kjs: nil
        }
    }

    public var time: ServiceTime {
        switch self {
        case .dataPengaduan: .workingDays(3)
        case .kedaruratan, .rujukan: .workingDays(1)
        case .reaktivasiPBI, .slrt: .officeMinutes(30)
        case .lks: .workingDays(10)
        case .kube: .workingDays(25)
        case .rst: .calendarDays(105)
        case .kjs: .unstated
        }
    }

    /// Service hours: Lampiran I–IV 08.00–14.00 (Friday 12.00), V–VI 08.00–15.00 (Friday 13.00).
    public var hours: OfficeHours {
        switch self {
        case .lks, .slrt: .longer
        default: .services
        }
    }

    public var requirements: [ServiceRequirement] {
        func item(_ code: String, _ id: String, _ en: String) -> ServiceRequirement { ServiceRequirement(code: code, name: LocalizedText(id: id, en: en)) }
        let ktp = item("ktp", "KTP", "KTP (identity card)"), kk = item("kk", "Kartu Keluarga", "Family card (KK)")
        let contact = item("kontak", "Nama dan nomor yang dapat dihubungi", "A contact person")
        let dtks = item("dtks", "Terdaftar di DTKS", "Listed in the DTKS")
        switch self {
        case .dataPengaduan, .kedaruratan: return [ktp, kk, contact]
        case .rujukan: return [ktp, kk, contact, item("bpjs", "Kartu BPJS", "BPJS card")]
        case .reaktivasiPBI:
            return [ktp, kk, item("domisili", "Surat domisili RT/RW atau DPP-5 dari kelurahan", "Residence letter of the RT/RW or DPP-5 from the kelurahan"),
                    item("surat-sakit", "Surat rujukan/sakit/hamil/kontrol (rawat jalan/inap)", "Referral, sickness, pregnancy or check-up letter (in/outpatient)")]
        case .lks:
            return [item("permohonan", "Surat permohonan kepada Kepala Dinas Sosial", "Application letter to the head of the Dinas Sosial"),
                    item("akta", "Akta pendirian dan SK Kemenkumham", "Deed of establishment and Kemenkumham decree"),
                    item("profil", "Profil LKS lengkap", "Full LKS profile"),
                    item("domisili", "Ijin domisili (diketahui Camat)", "Residence permit (known to the Camat)"),
                    item("npwp", "NPWP atas nama LKS", "Tax number of the LKS"),
                    item("rekening", "Buku rekening atas nama LKS", "Bank book of the LKS")]
        case .slrt: return [kk, item("sktm", "Surat keterangan kurang mampu, bila belum di DTKS", "Certificate of low income, when not in the DTKS")]
        case .kube:
            return [dtks, item("belum-menerima", "Belum pernah menerima program sejenis", "Has not received a similar programme"),
                    item("sk-lurah", "SK pembentukan kelompok dari Lurah", "The Lurah's decree forming the group"),
                    item("usaha-sejenis", "Anggota mempunyai usaha sejenis", "Members run the same kind of business")]
        case .rst:
            return [item("identitas", "KTP atau KK", "KTP or KK"), dtks,
                    item("tanah", "Bukti rumah di atas tanah sendiri", "Proof the house stands on the owner's land"),
                    item("belum-menerima", "Belum pernah menerima bantuan perbaikan rumah", "Has not received housing repair assistance")]
        case .kjs: return [ktp, kk, dtks]
        }
    }
}
