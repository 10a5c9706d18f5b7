/// The region tree of one kota, built from a CSV file such as
/// `data/kota-semarang-wilayah.csv` (`kecamatan,kelurahan,kodepos,kode`).
public struct RegionCatalog: Sendable, Hashable {
    public var kota: Kota
    public var kecamatan: [Kecamatan]
    public var kelurahan: [Kelurahan]

    public init(kota: Kota, kecamatan: [Kecamatan], kelurahan: [Kelurahan]) {
        self.kota = kota
        self.kecamatan = kecamatan
        self.kelurahan = kelurahan
    }

    /// One kabupaten/kota of the Kemendagri catalogue (`33.22`, or `3322`), every kecamatan and
    /// desa/kelurahan of the current edition in it, without postal codes; nil for a code that is
    /// no current kabupaten/kota.
    public init?(directory: RegionDirectory, kota code: String) {
        guard let kota = directory.entry(code), kota.level == .kabupatenKota, kota.retiredAfter == nil else { return nil }
        let kotaCode = RegionPath.kotaCode(of: kota.code)
        self.kota = Kota(code: kotaCode, name: kota.name)
        kecamatan = directory.children(of: kota.code).filter { $0.retiredAfter == nil }
            .map { Kecamatan(code: $0.code, name: $0.name, kotaCode: kotaCode) }
        kelurahan = kecamatan.flatMap { kecamatan in
            directory.children(of: kecamatan.code).filter { $0.retiredAfter == nil }
                .map { Kelurahan(code: $0.code, name: $0.name, kecamatan: kecamatan, postalCode: nil) }
        }
    }

    /// Reads the CSV text. The header must name `kecamatan` and `kelurahan`; `kodepos` and `kode`
    /// (the kelurahan's Kemendagri code, `33.74.11.1006`) are optional. Every problem names its
    /// line and what to do about it.
    public static func parse(csv: String, kota given: Kota) throws(RegionImportError) -> RegionCatalog {
        let kota = Kota(code: given.code.trimmingWhitespace().filter { $0 != "." }, name: given.name)
        guard kota.code.count == 4, kota.code.allSatisfy(\.isASCIIDigit),
              RegionCodes.isProvince(String(kota.code.prefix(2))) else {
            throw RegionImportError(line: 0, text: LocalizedText(
                id: "Kode kota '\(kota.code)' tidak sah: harus 4 angka dengan kode provinsi yang benar, mis. 3374 untuk Kota Semarang.",
                en: "City code '\(kota.code)' is not valid: it must be 4 digits starting with a real province code, e.g. 3374 for Kota Semarang."))
        }
        let rows = CSV.parse(csv)
        guard let header = rows.first?.map({ $0.trimmingWhitespace().lowercased() }) else {
            throw RegionImportError(line: 0, text: LocalizedText(id: "Berkas CSV kosong.", en: "The CSV file is empty."))
        }
        guard let kecColumn = header.firstIndex(of: "kecamatan"), let kelColumn = header.firstIndex(of: "kelurahan") else {
            throw RegionImportError(line: 1, text: LocalizedText(
                id: "Baris judul harus memuat kolom 'kecamatan' dan 'kelurahan' (ditemukan: \(header.joined(separator: ", "))).",
                en: "The header must have 'kecamatan' and 'kelurahan' columns (found: \(header.joined(separator: ", ")))."))
        }
        let postColumn = header.firstIndex(of: "kodepos"), codeColumn = header.firstIndex(of: "kode")
        var codes = RegionCodeCheck(kota: kota)
        var kecamatanByName: [String: Kecamatan] = [:]
        var kecamatanOrder: [Kecamatan] = []
        var kelurahan: [Kelurahan] = []
        var seen: [String: Int] = [:]
        for (index, row) in rows.enumerated().dropFirst() {
            let line = index + 1
            if row.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            func cell(_ column: Int) -> String { column < row.count ? row[column].trimmingWhitespace() : "" }
            let kecName = cell(kecColumn), kelName = cell(kelColumn)
            guard !kecName.isEmpty, !kelName.isEmpty else {
                throw RegionImportError(line: line, text: LocalizedText(
                    id: "Baris \(line): nama kecamatan dan kelurahan wajib diisi.",
                    en: "Line \(line): both the kecamatan and the kelurahan name are required."))
            }
            var postal: String? = postColumn.map(cell)
            if postal?.isEmpty == true { postal = nil }
            if let code = postal, code.count != 5 || !code.allSatisfy(\.isASCIIDigit) {
                throw RegionImportError(line: line, text: LocalizedText(
                    id: "Baris \(line): kode pos '\(code)' harus 5 angka.",
                    en: "Line \(line): postal code '\(code)' must be 5 digits."))
            }
            let given = codeColumn.map(cell) ?? ""
            let code = given.isEmpty
                ? try codes.lookUp(kecamatan: kecName, kelurahan: kelName, line: line)
                : try codes.check(given, kecamatan: RegionPath.slug(kecName), line: line)
            let kec = Kecamatan(code: String(code.prefix(8)), name: kecName, kotaCode: kota.code)
            if kecamatanByName[RegionPath.slug(kecName)] == nil {
                kecamatanByName[RegionPath.slug(kecName)] = kec
                kecamatanOrder.append(kec)
            }
            if let earlier = seen[code] {
                throw RegionImportError(line: line, text: LocalizedText(
                    id: "Baris \(line): kelurahan \(code) ('\(kelName)' di kecamatan '\(kecName)') sudah tercantum di baris \(earlier).",
                    en: "Line \(line): kelurahan \(code) ('\(kelName)' in kecamatan '\(kecName)') is already listed on line \(earlier)."))
            }
            seen[code] = line
            kelurahan.append(Kelurahan(code: code, name: kelName, kecamatan: kec, postalCode: postal))
        }
        guard !kelurahan.isEmpty else {
            throw RegionImportError(line: 0, text: LocalizedText(id: "Berkas CSV tidak berisi kelurahan.", en: "The CSV file lists no kelurahan."))
        }
        return RegionCatalog(kota: kota, kecamatan: kecamatanOrder, kelurahan: kelurahan)
    }
}

/// The code of each kelurahan of a region file: its `kode` cell, which must be a desa/kelurahan
/// code of this kota in the shipped Kemendagri catalogue with one kecamatan code for all
/// kelurahan of a kecamatan; or, when the file has no code for it, the code the catalogue gives
/// the names.
struct RegionCodeCheck {
    let kota: Kota
    /// The kecamatan code of each kecamatan (by the slug of its name) met so far.
    var kecamatanCode: [String: String] = [:]

    init(kota: Kota) { self.kota = kota }

    mutating func check(_ text: String, kecamatan: String, line: Int) throws(RegionImportError) -> String {
        func fail(_ id: String, _ en: String) -> RegionImportError {
            RegionImportError(line: line, text: LocalizedText(id: "Baris \(line): \(id)", en: "Line \(line): \(en)"))
        }
        let kotaPrefix = (RegionDirectory.dotted(kota.code) ?? kota.code) + "."
        guard let code = RegionDirectory.dotted(text), code.count == 13, code.hasPrefix(kotaPrefix) else {
            throw fail("kode '\(text)' harus kode desa/kelurahan Kemendagri di \(kota.name), mis. \(kotaPrefix)11.1006.",
                       "code '\(text)' must be a Kemendagri desa/kelurahan code in \(kota.name), e.g. \(kotaPrefix)11.1006.")
        }
        if let directory = RegionDirectory.shipped, !directory.isCurrentDesa(code) {
            throw fail("kode \(code) tidak ada dalam katalog Kemendagri 2025. Periksa dengan: field region list \(code.prefix(8))",
                       "code \(code) is not in the 2025 Kemendagri catalogue. Check with: field region list \(code.prefix(8))")
        }
        let kecCode = String(code.prefix(8))
        if let known = kecamatanCode[kecamatan], known != kecCode {
            throw fail("kode \(code) ada di kecamatan \(kecCode), tetapi kelurahan lain kecamatan ini di \(known).",
                       "code \(code) lies in kecamatan \(kecCode), but other kelurahan of this kecamatan lie in \(known).")
        }
        kecamatanCode[kecamatan] = kecCode
        return code
    }

    /// The code the shipped catalogue gives a kelurahan named so, in a kecamatan named so, in this kota.
    mutating func lookUp(kecamatan: String, kelurahan: String, line: Int) throws(RegionImportError) -> String {
        let kotaID = RegionDirectory.dotted(kota.code) ?? kota.code
        func named(_ name: String, in entries: [RegionDirectory.Entry]) -> RegionDirectory.Entry? {
            entries.first { RegionPath.slug($0.name) == RegionPath.slug(name) }
        }
        guard let directory = RegionDirectory.shipped,
              let kec = named(kecamatan, in: directory.children(of: kotaID)),
              let kel = named(kelurahan, in: directory.children(of: kec.code)) else {
            throw RegionImportError(line: line, text: LocalizedText(
                id: "Baris \(line): kelurahan '\(kelurahan)' di kecamatan '\(kecamatan)' tidak ditemukan dalam katalog Kemendagri \(kota.name). Tulis kodenya di kolom 'kode' (mis. \(kotaID).11.1006); cari dengan: field region list \(kotaID)",
                en: "Line \(line): kelurahan '\(kelurahan)' in kecamatan '\(kecamatan)' is not in the Kemendagri catalogue of \(kota.name). Write its code in a 'kode' column (e.g. \(kotaID).11.1006); look it up with: field region list \(kotaID)"))
        }
        kecamatanCode[RegionPath.slug(kecamatan)] = kec.code
        return kel.code
    }
}

/// Why a region file could not be imported; `line` is 1-based, 0 when it concerns the whole file.
public struct RegionImportError: Error, Sendable, Hashable {
    public var line: Int
    public var text: LocalizedText
}

/// A small RFC 4180 reader: commas, quoted cells with `""` escapes, CRLF or LF line ends.
public enum CSV {
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if char == "\"" {
                    let next = iterator.next()
                    if next == "\"" { cell.append("\"") } else { quoted = false; pending = next }
                } else {
                    cell.append(char)
                }
                continue
            }
            switch char {
            case "\"": quoted = true
            case ",": row.append(cell); cell = ""
            case "\n", "\r\n", "\r":
                row.append(cell); cell = ""
                rows.append(row); row = []
            default: cell.append(char)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }

    /// One cell, quoted when it holds a comma, a quote or a line break.
    public static func escape(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for char in self { if char == target { out += replacement } else { out.append(char) } }
        return out
    }
}
