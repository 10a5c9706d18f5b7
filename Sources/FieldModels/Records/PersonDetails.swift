/// Marital status as printed on the Kartu Keluarga (Dukcapil's list since the 2016 form).
public enum MaritalStatus: String, Sendable, CaseIterable, Codable {
    case belumKawin = "belum-kawin"
    case kawin
    case kawinTercatat = "kawin-tercatat"
    case kawinBelumTercatat = "kawin-belum-tercatat"
    case ceraiHidup = "cerai-hidup"
    case ceraiMati = "cerai-mati"

    public var name: LocalizedText {
        switch self {
        case .belumKawin: LocalizedText(id: "Belum kawin", en: "Never married")
        case .kawin: LocalizedText(id: "Kawin", en: "Married")
        case .kawinTercatat: LocalizedText(id: "Kawin tercatat", en: "Married, registered")
        case .kawinBelumTercatat: LocalizedText(id: "Kawin belum tercatat", en: "Married, not registered")
        case .ceraiHidup: LocalizedText(id: "Cerai hidup", en: "Divorced")
        case .ceraiMati: LocalizedText(id: "Cerai mati", en: "Widowed")
        }
    }

    /// Whether this status says the person has married.
    public var hasMarried: Bool { self != .belumKawin }
}

/// Highest education, in Dukcapil's ten levels (the `Pendidikan` column of the family card).
public enum Education: String, Sendable, CaseIterable, Codable {
    case tidakSekolah = "tidak-sekolah"
    case belumTamatSD = "belum-tamat-sd"
    case sd, sltp, slta
    case d1d2 = "d1-d2"
    case d3
    case d4s1 = "d4-s1"
    case s2, s3

    public var name: LocalizedText {
        switch self {
        case .tidakSekolah: LocalizedText(id: "Tidak/belum sekolah", en: "No schooling")
        case .belumTamatSD: LocalizedText(id: "Belum tamat SD/sederajat", en: "Primary school not finished")
        case .sd: LocalizedText(id: "Tamat SD/sederajat", en: "Primary school")
        case .sltp: LocalizedText(id: "SLTP/sederajat", en: "Junior secondary school")
        case .slta: LocalizedText(id: "SLTA/sederajat", en: "Senior secondary school")
        case .d1d2: LocalizedText(id: "Diploma I/II", en: "Diploma I/II")
        case .d3: LocalizedText(id: "Akademi/Diploma III/Sarjana Muda", en: "Diploma III")
        case .d4s1: LocalizedText(id: "Diploma IV/Strata I", en: "Diploma IV / bachelor's")
        case .s2: LocalizedText(id: "Strata II", en: "Master's")
        case .s3: LocalizedText(id: "Strata III", en: "Doctorate")
        }
    }
}

/// The kinds of disability of UU 8/2016 Pasal 4(1), with the sensory kinds of its elucidation
/// (netra, rungu, wicara) told apart. A person may have several (Pasal 4(2): ganda or multi).
public enum DisabilityType: String, Sendable, CaseIterable, Codable, Comparable {
    case fisik, intelektual, mental
    case sensorikNetra = "sensorik-netra"
    case sensorikRungu = "sensorik-rungu"
    case sensorikWicara = "sensorik-wicara"

    public var name: LocalizedText {
        switch self {
        case .fisik: LocalizedText(id: "Disabilitas fisik", en: "Physical disability")
        case .intelektual: LocalizedText(id: "Disabilitas intelektual", en: "Intellectual disability")
        case .mental: LocalizedText(id: "Disabilitas mental", en: "Mental disability")
        case .sensorikNetra: LocalizedText(id: "Disabilitas sensorik netra", en: "Visual disability")
        case .sensorikRungu: LocalizedText(id: "Disabilitas sensorik rungu", en: "Hearing disability")
        case .sensorikWicara: LocalizedText(id: "Disabilitas sensorik wicara", en: "Speech disability")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Social-assistance programmes a person is a beneficiary (KPM) of.
public enum SocialProgramme: String, Sendable, CaseIterable, Codable, Comparable {
    /// Program Keluarga Harapan, the conditional cash transfer.
    case pkh
    /// Program Sembako (BPNT), the food assistance.
    case sembako
    /// Penerima Bantuan Iuran Jaminan Kesehatan: health insurance paid by the state.
    case pbiJK = "pbi-jk"
    /// Program Indonesia Pintar, the school assistance.
    case pip
    /// Asistensi Rehabilitasi Sosial.
    case atensi

    public var name: LocalizedText {
        switch self {
        case .pkh: LocalizedText(id: "PKH", en: "PKH (conditional cash transfer)")
        case .sembako: LocalizedText(id: "Program Sembako/BPNT", en: "Sembako/BPNT (food assistance)")
        case .pbiJK: LocalizedText(id: "PBI Jaminan Kesehatan", en: "PBI health insurance")
        case .pip: LocalizedText(id: "Program Indonesia Pintar", en: "PIP (school assistance)")
        case .atensi: LocalizedText(id: "ATENSI", en: "ATENSI (social rehabilitation assistance)")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A set of codes stored as one field (`fisik,sensorik-netra`): the set is personal data, so it
/// is one sealed value, never one visible field name per element.
public enum CodeList {
    public static func text<T: RawRepresentable & Comparable>(_ values: Set<T>) -> String where T.RawValue == String {
        values.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The codes of the text. Every door refuses a value with an unknown code
    /// (`FieldSpec.Kind.choice`), so none is dropped here from a stored record.
    public static func values<T: RawRepresentable & Hashable>(_ text: String) -> Set<T>
    where T.RawValue == String {
        Set(elements(text).compactMap(T.init(rawValue:)))
    }

    public static func elements(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
    }
}
