/// Phone numbers as Indonesian forms print them: kept in the national form `08…`, whatever was
/// typed (`+62 812-3456-7890`, `62812…`, `(024) 7460…`).
public enum PhoneRules {
    public static func normalised(_ text: String) -> String {
        var digits = IdentityRules.cleaned(text).filter { $0 != "(" && $0 != ")" }
        if digits.hasPrefix("+62") { digits = "0" + digits.dropFirst(3) }
        else if digits.hasPrefix("62"), digits.count >= 10 { digits = "0" + digits.dropFirst(2) }
        return digits
    }

    /// A national number: 0, then 8 to 12 digits (landlines with their area code, mobiles `08…`).
    public static func problem(_ phone: String, field: String) -> ValidationIssue? {
        guard !phone.isEmpty else { return nil }
        guard phone.hasPrefix("0"), phone.allSatisfy(\.isASCIIDigit), (9...13).contains(phone.count) else {
            return .error(field, "phone.format",
                          id: "Nomor telepon '\(phone)' tidak sah: tulis 9–13 angka diawali 0 atau +62, mis. 0812-3456-7890 atau (024) 7460123.",
                          en: "Phone number '\(phone)' is not valid: write 9–13 digits starting with 0 or +62, e.g. 0812-3456-7890 or (024) 7460123.")
        }
        return nil
    }
}

/// Rules on the person fields the Dinas asks for beyond the family card's first page.
enum DetailRules {
    static func personIssues(_ person: Person, today: CivilDate) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !person.bpjsNumber.isEmpty, person.bpjsNumber.count != 13 || !person.bpjsNumber.allSatisfy(\.isASCIIDigit) {
            issues.append(.error("bpjs", "bpjs.format",
                                 id: "Nomor kartu JKN/BPJS harus tepat 13 angka (sekarang \(person.bpjsNumber.count) karakter). Salin dari kartunya.",
                                 en: "A JKN/BPJS card number is exactly 13 digits (it has \(person.bpjsNumber.count) characters). Copy it from the card."))
        }
        if let problem = PhoneRules.problem(person.phone, field: "phone") { issues.append(problem) }
        issues += deathIssues(person, today: today)
        if let marital = person.maritalStatus, marital.hasMarried, let age = person.age(on: today), age < 19 {
            issues.append(.warning("marital", "marital.child",
                                   id: "\(person.name) berusia \(age) tahun dan berstatus '\(marital.name.id)': usia kawin paling rendah 19 tahun (UU 16/2019). Disimpan dan ditandai; perkawinan anak perlu dirujuk.",
                                   en: "\(person.name) is \(age) and '\(marital.name.en)': the minimum age to marry is 19 (UU 16/2019). Saved and flagged; a child marriage needs a referral."))
        }
        return issues
    }

    /// A date of death belongs to a person whose status is meninggal, after the birth and not in the future.
    static func deathIssues(_ person: Person, today: CivilDate) -> [ValidationIssue] {
        guard let death = person.deathDate else {
            guard person.status == .meninggal else { return [] }
            return [.warning("deathDate", "deathDate.missing",
                             id: "Status meninggal tanpa tanggal meninggal. Disimpan dan ditandai; isi --death-date bila diketahui.",
                             en: "Status meninggal with no date of death. Saved and flagged; give --death-date when known.")]
        }
        var issues: [ValidationIssue] = []
        if person.status != .meninggal {
            issues.append(.error("deathDate", "deathDate.status",
                                 id: "Tanggal meninggal \(death) diisi, tetapi status orang ini '\(person.status.rawValue)'. Setel juga --status meninggal, atau kosongkan --death-date \"\".",
                                 en: "Date of death \(death) given, but this person's status is '\(person.status.rawValue)'. Also set --status meninggal, or clear it with --death-date \"\"."))
        }
        if let issue = CommonRules.notInFuture(death, field: "deathDate", label: LocalizedText(id: "Tanggal meninggal", en: "Date of death"), today: today) {
            issues.append(issue)
        }
        if let birth = person.birthDate, death < birth {
            issues.append(.error("deathDate", "deathDate.beforeBirth",
                                 id: "Tanggal meninggal \(death) sebelum tanggal lahir \(birth). Periksa kedua tanggal.",
                                 en: "Date of death \(death) is before the birth date \(birth). Check both dates."))
        }
        return issues
    }

    /// The household's region code: a desa/kelurahan of the catalogue, and the one its kelurahan has.
    static func regionCodeIssues(_ household: Household, kelurahanCode: String?) -> [ValidationIssue] {
        let code = household.regionCode
        guard !code.isEmpty else { return [] }
        if let kelurahanCode, code != kelurahanCode {
            return [.error("regionCode", "regionCode.kelurahan",
                           id: "Kode wilayah \(code) bukan kode kelurahan rumah tangga ini (\(kelurahanCode)). Kosongkan agar terisi sendiri.",
                           en: "Region code \(code) is not the code of this household's kelurahan (\(kelurahanCode)). Leave it empty to have it filled in.")]
        }
        if let directory = RegionDirectory.shipped, !directory.isCurrentDesa(code) {
            return [.error("regionCode", "regionCode.unknown",
                           id: "Kode wilayah \(code) bukan desa/kelurahan dalam katalog Kemendagri. Cari kodenya: field region list NAMA",
                           en: "Region code \(code) is not a desa/kelurahan of the Kemendagri catalogue. Look it up: field region list NAME")]
        }
        return []
    }
}
