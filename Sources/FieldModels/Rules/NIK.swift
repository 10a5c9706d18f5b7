/// The parts of a NIK: region code (6), birth date DDMMYY with 40 added to DD for women, serial (4).
public struct NIKParts: Sendable, Hashable {
    public var provinceCode: String
    public var kotaCode: String
    public var kecamatanCode: String
    public var birthDate: CivilDate
    public var sex: Sex
    public var serial: String
}

/// Rules for NIK and No. KK (Permendagri on population administration), each returning issues
/// that name the field and say what to do.
public enum IdentityRules {
    /// A NIK or No. KK as typed, made plain: spaces, dots and dashes people type between digit
    /// groups ("3374 0615 0580 0003", "3374.061505.800003") removed, and full-width digits
    /// (from some Asian keyboards and PDFs) made ASCII. Anything else stays, for the format check
    /// to name.
    public static func cleaned(_ number: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in number.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x2E, 0x2D, 0x2010...0x2015, 0x2212, 0xFF0D, 0xFF0E, 0x30FB: continue
            default:
                if scalar.properties.isWhitespace || scalar.value == 0x200B { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Decodes a NIK. The two-digit year is read as the latest year not after `today`.
    public static func parseNIK(_ nik: String, today: CivilDate) -> NIKParts? {
        guard nik.count == 16, nik.allSatisfy(\.isASCIIDigit) else { return nil }
        let digits = nik.map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        var day = number(6..<8)
        let month = number(8..<10), yy = number(10..<12)
        let sex: Sex = day > 40 ? .p : .l
        if day > 40 { day -= 40 }
        var year = (today.year / 100) * 100 + yy
        if year > today.year { year -= 100 }
        guard var date = CivilDate(year: year, month: month, day: day) else { return nil }
        if date > today, let earlier = CivilDate(year: year - 100, month: month, day: day) { date = earlier }
        let text = Array(nik)
        return NIKParts(provinceCode: String(text[0..<2]), kotaCode: String(text[0..<4]),
                        kecamatanCode: String(text[0..<6]), birthDate: date, sex: sex, serial: String(text[12..<16]))
    }

    /// Checks a NIK on its own and against the person's sex, birth date and kelurahan.
    public static func checkNIK(_ nik: String, sex: Sex?, birthDate: CivilDate?, kotaCode: String?,
                                today: CivilDate) -> [ValidationIssue] {
        let nik = cleaned(nik)
        guard nik.count == 16, nik.allSatisfy(\.isASCIIDigit) else {
            return [.error("nik", "nik.format",
                           id: "NIK '\(masked(nik))' harus tepat 16 angka (sekarang \(nik.count) karakter). Salin dari KTP atau KK.",
                           en: "NIK '\(masked(nik))' must be exactly 16 digits (it has \(nik.count) characters). Copy it from the KTP or KK.")]
        }
        if let problem = regionProblem(nik, field: "nik", label: "NIK") { return [problem] }
        guard let parts = parseNIK(nik, today: today) else {
            return [.error("nik", "nik.birthdate",
                           id: "Angka ke-7 s.d. 12 NIK bukan tanggal lahir yang sah (DDMMYY, DD+40 untuk perempuan). Periksa NIK.",
                           en: "Digits 7 to 12 of the NIK are not a valid birth date (DDMMYY, DD+40 for women). Check the NIK.")]
        }
        var issues: [ValidationIssue] = []
        if parts.serial == "0000" {
            issues.append(.error("nik", "nik.serial",
                                 id: "Empat angka terakhir NIK tidak boleh 0000. Periksa NIK.",
                                 en: "The last four digits of a NIK cannot be 0000. Check the NIK."))
        }
        // Sex and birth date that disagree with the NIK are both warnings, never errors: the NIK
        // is Dukcapil's and the agent cannot correct it, and documents do disagree (a KK with an
        // old error, a NIK issued with the wrong day). The person is recorded, the record
        // flagged for a check against the KTP, and a correction goes to Dukcapil.
        if let sex, sex != parts.sex {
            issues.append(.warning("sex", "nik.sex",
                                   id: "NIK menunjukkan jenis kelamin \(parts.sex == .p ? "perempuan (tanggal + 40)" : "laki-laki"), tetapi tercatat \(sex == .p ? "perempuan" : "laki-laki"). Disimpan dan ditandai; cocokkan --sex dengan KTP.",
                                   en: "The NIK says \(parts.sex == .p ? "female (day + 40)" : "male"), but the person is recorded as \(sex == .p ? "female" : "male"). Saved and flagged; compare --sex with the KTP."))
        }
        if let birthDate, !(birthDate.day == parts.birthDate.day && birthDate.month == parts.birthDate.month
                             && birthDate.year % 100 == parts.birthDate.year % 100) {
            issues.append(.warning("birthDate", "nik.birthdate-mismatch",
                                   id: "Tanggal lahir \(birthDate) tidak sama dengan yang tersirat di NIK (\(parts.birthDate)). Disimpan dan ditandai; cocokkan dengan KTP.",
                                   en: "Birth date \(birthDate) differs from the one in the NIK (\(parts.birthDate)). Saved and flagged; compare with the KTP."))
        }
        if let kotaCode, parts.kotaCode != kotaCode {
            let issued = regionName(parts.kotaCode), here = regionName(kotaCode)
            issues.append(.warning("nik", "nik.region",
                                   id: "NIK diterbitkan di \(issued), bukan \(here). Disimpan dan ditandai: pendatang atau salah ketik?",
                                   en: "The NIK was issued in \(issued), not \(here). Saved and flagged: a newcomer or a typo?"))
        }
        return issues
    }

    /// Checks a No. KK: 16 digits, a real province code, the kota's region prefix where known.
    public static func checkKK(_ kk: String, kotaCode: String?) -> [ValidationIssue] {
        let kk = cleaned(kk)
        guard kk.count == 16, kk.allSatisfy(\.isASCIIDigit) else {
            return [.error("noKK", "kk.format",
                           id: "No. KK '\(masked(kk))' harus tepat 16 angka (sekarang \(kk.count) karakter). Salin dari Kartu Keluarga.",
                           en: "No. KK '\(masked(kk))' must be exactly 16 digits (it has \(kk.count) characters). Copy it from the family card.")]
        }
        if let problem = regionProblem(kk, field: "noKK", label: "No. KK") { return [problem] }
        if let kotaCode, !kk.hasPrefix(kotaCode) {
            let issued = regionName(String(kk.prefix(4))), here = regionName(kotaCode)
            return [.warning("noKK", "kk.region",
                             id: "No. KK diterbitkan di \(issued), bukan \(here). Disimpan dan ditandai; periksa kembali.",
                             en: "No. KK was issued in \(issued), not \(here). Saved and flagged; check it again.")]
        }
        return []
    }

    /// Why the region code at the start of a NIK or No. KK (province, kabupaten/kota, kecamatan:
    /// digits 1-2, 3-4 and 5-6) is no region: checked against the Kemendagri catalogue, its
    /// current edition and the codes of earlier ones (a number keeps the region where it was
    /// issued). Without the catalogue's files, only the province is checked.
    static func regionProblem(_ number: String, field: String, label: String) -> ValidationIssue? {
        let digits = Array(number)
        let province = String(digits[0..<2]), kota = String(digits[0..<4]), kecamatan = String(digits[0..<6])
        let rule = field == "nik" ? "nik" : "kk"
        let directory = RegionDirectory.shipped
        let provinceEntry = directory?.entry(province)
        guard directory == nil ? RegionCodes.isProvince(province) : provinceEntry != nil else {
            return .error(field, "\(rule).province",
                          id: "\(label) diawali '\(province)', yang bukan kode provinsi. Periksa dua angka pertama.",
                          en: "\(label) starts with '\(province)', which is not a province code. Check the first two digits.")
        }
        guard let directory, let provinceEntry else { return nil }
        guard let kotaEntry = directory.entry(kota) else {
            return .error(field, "\(rule).kota",
                          id: "Angka ke-3 dan ke-4 \(label) ('\(digits[2])\(digits[3])') bukan kode kabupaten/kota di \(provinceEntry.name). Periksa \(label).",
                          en: "Digits 3 and 4 of the \(label) ('\(digits[2])\(digits[3])') are not a kabupaten/kota code in \(provinceEntry.name). Check the \(label).")
        }
        guard directory.entry(kecamatan) != nil else {
            return .error(field, "\(rule).kecamatan",
                          id: "Angka ke-5 dan ke-6 \(label) ('\(digits[4])\(digits[5])') bukan kode kecamatan di \(kotaEntry.name). Periksa \(label).",
                          en: "Digits 5 and 6 of the \(label) ('\(digits[4])\(digits[5])') are not a kecamatan code in \(kotaEntry.name). Check the \(label).")
        }
        return nil
    }

    /// "Kota Semarang (33.74)", or the bare code without the catalogue.
    static func regionName(_ code: String) -> String {
        guard let entry = RegionDirectory.shipped?.entry(code) else { return code }
        return "\(entry.name) (\(entry.code))"
    }

    /// Sensitive fields that are numbers people read back to check (NIK, No. KK, DTKS id, BPJS
    /// card, phone): shown masked to their ends; other sensitive fields are hidden whole.
    public static let identifierFields: Set<String> = ["nik", "noKK", "dtks", "bpjs", "phone"]

    /// A NIK or KK shortened for messages and logs: `3374…0001`. Never print the whole number.
    public static func masked(_ number: String) -> String {
        guard number.count > 8 else { return String(repeating: "•", count: number.count) }
        return number.prefix(4) + "…" + number.suffix(4)
    }
}
