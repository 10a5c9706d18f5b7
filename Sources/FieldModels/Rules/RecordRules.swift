extension Household {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues = IdentityRules.checkKK(noKK, kotaCode: context.kotaCodeOf(kelurahanID))
        if let issue = CommonRules.required(address, field: "address", label: LocalizedText(id: "Alamat", en: "Address")) {
            issues.append(issue)
        }
        if let issue = CommonRules.required(kelurahanID, field: "kelurahan", label: LocalizedText(id: "Kelurahan", en: "Kelurahan")) {
            issues.append(issue)
        }
        for (field, value) in [("rt", rt), ("rw", rw)] where !AddressRules.isRTRW(value) {
            issues.append(.error(field, "\(field).format",
                                 id: "\(field.uppercased()) '\(value)' harus angka 1–3 digit, mis. 003.",
                                 en: "\(field.uppercased()) '\(value)' must be a 1–3 digit number, e.g. 003."))
        }
        if let problem = PhoneRules.problem(phone, field: "phone") { issues.append(problem) }
        issues += DetailRules.regionCodeIssues(self, kelurahanCode: context.regionCodeOf(kelurahanID))
        issues += LocationRules.issues(location)
        if let far = LocationRules.farFromNeighbours(location, neighbours: context.householdLocations(kelurahanID, id)) {
            issues.append(far)
        }
        return issues
    }
}

enum AddressRules {
    static func isRTRW(_ value: String) -> Bool {
        (1...3).contains(value.count) && value.allSatisfy(\.isASCIIDigit) && Int(value)! > 0
    }
}

extension Person {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let issue = CommonRules.required(name, field: "name", label: LocalizedText(id: "Nama", en: "Name")) {
            issues.append(issue)
        }
        if sex == nil {
            issues.append(.error("sex", "sex.required", id: "Jenis kelamin wajib diisi: --sex L atau P.",
                                 en: "Sex is required: --sex L or P."))
        }
        if let issue = CommonRules.notInFuture(birthDate, field: "birthDate",
                                               label: LocalizedText(id: "Tanggal lahir", en: "Birth date"), today: context.today) {
            issues.append(issue)
        }
        if nik.isEmpty {
            issues.append(.warning("nik", "nik.missing", id: "Belum ada NIK. Disimpan dan ditandai; bantu urus NIK (layanan SPM).",
                                   en: "No NIK yet. Saved and flagged; help obtain one (an SPM service)."))
        } else {
            issues += IdentityRules.checkNIK(nik, sex: sex, birthDate: birthDate, kotaCode: context.kotaCodeOf(kelurahanID),
                                             today: context.today)
        }
        if birthDate == nil {
            issues.append(.warning("birthDate", "birthDate.missing", id: "Tanggal lahir belum diisi; aturan usia tidak dapat diperiksa.",
                                   en: "No birth date; age rules cannot be checked."))
        }
        return issues + DetailRules.personIssues(self, today: context.today)
    }
}

extension SocialMapEntry {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let issue = CommonRules.notInFuture(assessmentDate, field: "assessmentDate",
                                               label: LocalizedText(id: "Tanggal asesmen", en: "Assessment date"), today: context.today) {
            issues.append(issue)
        }
        if assessmentDate == nil {
            issues.append(.error("assessmentDate", "assessmentDate.required",
                                 id: "Tanggal asesmen wajib diisi (--date YYYY-MM-DD).",
                                 en: "Assessment date is required (--date YYYY-MM-DD)."))
        }
        switch kind {
        case .psks:
            if psksCategory == nil {
                issues.append(Self.unknownCategory(category, known: PSKSCategory.allCases.map(\.rawValue)))
            }
            if let issue = CommonRules.required(label, field: "label", label: LocalizedText(id: "Nama PSKS", en: "PSKS name")) {
                issues.append(issue)
            }
        case .pmks:
            guard let pmks = pmksCategory else {
                issues.append(Self.unknownCategory(category, known: PMKSCategory.allCases.map(\.rawValue)))
                return issues
            }
            issues += subjectIssues(pmks)
            if let personID, let person = context.person(personID) {
                issues += CategoryRules.ageIssues(pmks, person: person, on: assessmentDate ?? context.today)
            }
        }
        return issues
    }

    private func subjectIssues(_ pmks: PMKSCategory) -> [ValidationIssue] {
        switch (pmks.subject, personID, householdID) {
        case (_, nil, nil):
            [.error("person", "subject.required", id: "Sebutkan orangnya (--person) atau rumah tangganya (--household).",
                    en: "Name the person (--person) or the household (--household).")]
        case (.person, nil, _):
            [.error("person", "subject.person",
                    id: "Kategori '\(pmks.name.id)' untuk orang, bukan rumah tangga: isi --person.",
                    en: "Category '\(pmks.name.en)' is for a person, not a household: give --person.")]
        default: []
        }
    }

    static func unknownCategory(_ category: String, known: [String]) -> ValidationIssue {
        .error("category", "category.unknown",
               id: "Kategori '\(category)' tidak dikenal. Pilihan: \(known.joined(separator: ", ")).",
               en: "Unknown category '\(category)'. Choices: \(known.joined(separator: ", ")).")
    }
}

/// Age rules of Permensos 9/2018 and UU 13/1998: anak under 18, lanjut usia 60 or over, the
/// gelandangan/pengemis SPM service for the person served, alone or as head of family, aged
/// 19–60 (Pasal 4(3)a); the head's spouse and children are served with the head, at any age
/// (Pasal 4(4)).
public enum CategoryRules {
    public static func ageIssues(_ category: PMKSCategory, person: Person, on date: CivilDate) -> [ValidationIssue] {
        guard let age = person.age(on: date) else { return [] }
        var issues: [ValidationIssue] = []
        if let range = category.ageRange, !range.contains(age) {
            let rule = range.lowerBound >= 60
                ? LocalizedText(id: "60 tahun atau lebih", en: "60 or over")
                : LocalizedText(id: "di bawah \(range.upperBound + 1) tahun", en: "under \(range.upperBound + 1)")
            issues.append(.error("category", "category.age",
                                 id: "'\(category.name.id)' hanya untuk usia \(rule.id); \(person.name) berusia \(age) tahun pada \(date).",
                                 en: "'\(category.name.en)' is only for ages \(rule.en); \(person.name) is \(age) on \(date)."))
        }
        let servedWithHead: Set<FamilyRelationship> = [.suami, .istri, .anak]
        let alongside = person.relationship.map(servedWithHead.contains) ?? false
        if category == .gelandangan || category == .pengemis, !alongside, !(19...60).contains(age) {
            issues.append(.warning("category", "spm.gepeng-age",
                                   id: "Layanan SPM gelandangan/pengemis untuk perseorangan atau kepala keluarga usia 19–60 (Permensos 9/2018 Pasal 4(3)); \(person.name) berusia \(age). Disimpan dan ditandai.",
                                   en: "The SPM service for gelandangan/pengemis covers a person alone or a head of family aged 19–60 (Permensos 9/2018 Pasal 4(3)); \(person.name) is \(age). Saved and flagged."))
        }
        return issues
    }
}

extension HomeVisit {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues = LocationRules.issues(location)
        if date == nil {
            issues.append(.error("date", "date.required", id: "Tanggal kunjungan wajib diisi (--date YYYY-MM-DD).",
                                 en: "Visit date is required (--date YYYY-MM-DD)."))
        }
        if let issue = CommonRules.notInFuture(date, field: "date", label: LocalizedText(id: "Tanggal kunjungan", en: "Visit date"),
                                               today: context.today) {
            issues.append(issue)
        }
        if householdID == nil && personID == nil {
            issues.append(.error("household", "subject.required", id: "Sebutkan rumah tangga (--household) dan/atau orang (--person) yang dikunjungi.",
                                 en: "Name the household (--household) and/or person (--person) visited."))
        }
        if let issue = CommonRules.required(purpose, field: "purpose", label: LocalizedText(id: "Tujuan kunjungan", en: "Purpose")) {
            issues.append(issue)
        }
        if let followUpDate, let date, followUpDate < date {
            issues.append(.error("followUpDate", "followUpDate.before",
                                 id: "Tanggal tindak lanjut \(followUpDate) sebelum tanggal kunjungan \(date).",
                                 en: "Follow-up date \(followUpDate) is before the visit date \(date)."))
        }
        if referralStatus != nil && referral == nil {
            issues.append(.error("referral", "referral.required", id: "Status rujukan diisi tanpa tujuan rujukan (--referral).",
                                 en: "A referral status needs a referral destination (--referral)."))
        }
        return issues
    }
}

extension MonthlyReport {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if ReportPeriod(period) == nil {
            issues.append(.error("period", "period.format", id: "Periode '\(period)' harus YYYY-MM, mis. 2026-10.",
                                 en: "Period '\(period)' must be YYYY-MM, e.g. 2026-10."))
        } else if let expected = Self.id(agent: agentID, period: period), expected != id {
            issues.append(.error("period", "report.id", id: "Laporan \(agentID) bulan \(period) ber-id \(expected), bukan \(id): satu laporan per petugas per bulan.",
                                 en: "The \(period) report of \(agentID) has id \(expected), not \(id): one report per agent and month."))
        }
        if status != .draft {
            for part in ReportWorkflow.missingParts(self) {
                issues.append(.error(part.code == "report.part.a" ? "lastMonth" : part.code == "report.part.b" ? "nextMonthPlan" : "evaluation",
                                     part.code, id: "Laporan \(status.name.id.lowercased()): \(part.text.id).", en: "A report \(status.name.en.lowercased()): \(part.text.en)."))
            }
        }
        if (status == .approved || status == .returned) && decidedBy.isEmpty {
            issues.append(.error("decidedBy", "decidedBy.required", id: "Keputusan Dinas harus menyebut siapa yang memutuskan.",
                                 en: "A Dinas decision must name who decided."))
        }
        if status == .returned && decisionReason.trimmingWhitespace().isEmpty {
            issues.append(.error("decisionReason", "decisionReason.required", id: "Laporan yang dikembalikan harus menyebut alasannya.",
                                 en: "A returned report must give the reason."))
        }
        for (date, field, label) in [(approvedOn, "approvedOn", LocalizedText(id: "Tanggal pengesahan", en: "Signing date")),
                                     (submittedOn, "submittedOn", LocalizedText(id: "Tanggal pengajuan", en: "Submission date")),
                                     (decidedOn, "decidedOn", LocalizedText(id: "Tanggal keputusan", en: "Decision date"))] {
            if let issue = CommonRules.notInFuture(date, field: field, label: label, today: context.today) { issues.append(issue) }
        }
        return issues
    }
}

extension Agent {
    public func validate(in context: ValidationContext) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let issue = CommonRules.required(name, field: "name", label: LocalizedText(id: "Nama petugas", en: "Agent name")) {
            issues.append(issue)
        }
        let depth = RegionPath.depth(of: areaID)
        if depth != role.areaDepth {
            let want = [1: LocalizedText(id: "kota", en: "city"), 2: LocalizedText(id: "kecamatan", en: "kecamatan"),
                        3: LocalizedText(id: "kelurahan", en: "kelurahan")][role.areaDepth]!
            issues.append(.error("area", "area.depth", id: "Wilayah tugas \(role.name.id) harus sebuah \(want.id) (sekarang '\(areaID)').",
                                 en: "The area of a \(role.name.en) must be a \(want.en) (got '\(areaID)')."))
        }
        if let from = ntrValidFrom, let until = ntrValidUntil, until < from {
            issues.append(.error("ntrValidUntil", "ntr.range", id: "Masa berlaku NTR berakhir (\(until)) sebelum dimulai (\(from)).",
                                 en: "NTR validity ends (\(until)) before it starts (\(from))."))
        }
        if let kind = registration, let from = ntrValidFrom, let until = ntrValidUntil,
           let limit = CivilDate(year: from.year + kind.validYears, month: from.month, day: min(from.day, CivilDate.daysIn(month: from.month, year: from.year + kind.validYears))),
           until > limit {
            issues.append(.error("ntrValidUntil", "ntr.period",
                                 id: "\(kind.name.id) berlaku paling lama \(kind.validYears) tahun: dari \(from) paling lambat sampai \(limit), bukan \(until). Periksa tanggalnya; sesudah itu registrasi ulang.",
                                 en: "An \(kind.name.en) is valid for at most \(kind.validYears) years: from \(from) until \(limit) at the latest, not \(until). Check the dates; after that, register again."))
        }
        if let until = ntrValidUntil, until < context.today {
            issues.append(.warning("ntrValidUntil", "ntr.expired", id: "NTR sudah habis berlaku sejak \(until); perpanjang registrasi.",
                                   en: "The NTR expired on \(until); renew the registration."))
        }
        return issues
    }
}
