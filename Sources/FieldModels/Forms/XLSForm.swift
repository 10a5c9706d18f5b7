/// Reads an XLSForm (its `survey`, `choices` and `settings` sheets, as rows of text) into a
/// `FormDefinition`, accepting the subset that works offline in FieldSync and refusing anything
/// else with its sheet, row and column and what is supported: nothing is silently ignored.
///
/// ```swift
/// let form = try XLSForm.read(["survey": rows, "choices": choiceRows, "settings": settingsRows])
/// ```
public enum XLSForm {
    public static let surveyColumns = ["type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                                       "calculation", "default", "choice_filter"]
    static let translatable: Set<String> = ["label", "hint", "constraint_message"]
    public static let settingsColumns = ["form_id", "version", "form_title", "title", "default_language"]
    public static let supportedTypes = "text, integer, decimal, date, select_one LIST, select_multiple LIST, note, geopoint, image, calculate, "
        + "begin group, end group, begin repeat, end repeat"

    /// Reads the sheets (names compared without case).
    public static func read(_ sheets: [String: [[String]]]) throws(FormReadError) -> FormDefinition {
        var byName: [String: [[String]]] = [:]
        for (name, rows) in sheets { byName[name.lowercased()] = rows }
        guard let survey = byName["survey"] else {
            throw FormReadError(sheet: "survey", id: "berkas tidak punya lembar 'survey'", en: "the file has no 'survey' sheet")
        }
        let settings = try readSettings(byName["settings"] ?? [])
        let choices = try readChoices(byName["choices"] ?? [])
        var reader = SurveyReader(choices: choices)
        let items = try reader.read(survey)
        let form = FormDefinition(formID: settings.formID, version: settings.version, title: settings.title, items: items, choices: choices)
        try FormChecks.check(form)
        return form
    }

    /// A table's header (trimmed) and its non-empty rows with their sheet row numbers.
    static func table(_ rows: [[String]]) -> (header: [String], rows: [(number: Int, cells: [String: String])]) {
        guard let first = rows.first else { return ([], []) }
        let header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [(Int, [String: String])] = []
        for (index, row) in rows.enumerated().dropFirst() {
            var cells: [String: String] = [:]
            for (column, cell) in row.enumerated() where column < header.count && !header[column].isEmpty {
                let value = cell.trimmingCharacters(in: .whitespacesAndNewlines)
                if !value.isEmpty { cells[header[column]] = value }
            }
            if !cells.isEmpty { out.append((index + 1, cells)) }
        }
        return (header, out)
    }

    /// The language of a `label::…` column: `id` (Bahasa Indonesia) or `en`, or nil.
    static func language(of suffix: String) -> Language? {
        var tag = suffix.lowercased().trimmingCharacters(in: .whitespaces)
        if tag.hasSuffix(")"), let open = tag.lastIndex(of: "(") {
            tag = String(tag[tag.index(after: open)..<tag.index(before: tag.endIndex)])
        }
        switch tag {
        case "id", "ind", "indonesia", "bahasa indonesia", "bahasa": return .id
        case "en", "eng", "english", "inggris", "bahasa inggris": return .en
        default: return nil
        }
    }

    /// Splits `label::English (en)` into `label` and the language; refuses other languages.
    static func column(_ header: String, sheet: String) throws(FormReadError) -> (base: String, language: Language?) {
        guard let range = header.range(of: "::") else { return (header, nil) }
        let base = String(header[..<range.lowerBound]), suffix = String(header[range.upperBound...])
        guard translatable.contains(base) || (sheet == "choices" && base == "label") else {
            throw FormReadError(sheet: sheet, row: 1, column: header, id: "kolom '\(base)' tidak punya terjemahan", en: "column '\(base)' has no translations")
        }
        guard let language = language(of: suffix) else {
            throw FormReadError(sheet: sheet, row: 1, column: header,
                                id: "bahasa '\(suffix)' tidak didukung; pakai Bahasa Indonesia (id) atau English (en)",
                                en: "language '\(suffix)' is not supported; use Bahasa Indonesia (id) or English (en)")
        }
        return (base, language)
    }

    /// A translatable text of one row: `label`, `label::…(id)`, `label::…(en)`; one language
    /// given serves for both.
    static func text(_ base: String, in cells: [String: String], sheet: String) throws(FormReadError) -> LocalizedText? {
        var plain: String?, id: String?, en: String?
        for (header, value) in cells {
            let (name, language) = try column(header, sheet: sheet)
            guard name == base else { continue }
            switch language {
            case nil: plain = value
            case .id?: id = value
            case .en?: en = value
            }
        }
        guard let first = id ?? plain ?? en else { return nil }
        return LocalizedText(id: first, en: en ?? plain ?? first)
    }

    static func readSettings(_ rows: [[String]]) throws(FormReadError) -> (formID: String, version: String, title: LocalizedText) {
        let (header, body) = table(rows)
        for name in header where !name.isEmpty && !settingsColumns.contains(name) {
            throw FormReadError(sheet: "settings", row: 1, column: name,
                                id: "kolom '\(name)' di luar yang didukung (\(settingsColumns.joined(separator: ", ")))",
                                en: "column '\(name)' is outside what is supported (\(settingsColumns.joined(separator: ", ")))")
        }
        let cells = body.first?.cells ?? [:]
        guard let formID = cells["form_id"] else {
            throw FormReadError(sheet: "settings", row: body.first?.number ?? 2, column: "form_id",
                                id: "form_id wajib diisi (nama tetap kuesioner ini, mis. asesmen_lansia)",
                                en: "form_id is required (this questionnaire's lasting name, e.g. asesmen_lansia)")
        }
        guard FormNames.isValid(formID) else {
            throw FormReadError(sheet: "settings", row: body.first?.number, column: "form_id",
                                id: "form_id '\(formID)' harus huruf, angka, _ atau - (diawali huruf)",
                                en: "form_id '\(formID)' must be letters, digits, _ or - (starting with a letter)")
        }
        let version = cells["version"] ?? "1"
        guard version.utf8.count <= 40, version.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }) else {
            throw FormReadError(sheet: "settings", row: body.first?.number, column: "version",
                                id: "version '\(version)' harus huruf, angka, titik atau - (mis. 2026011501)",
                                en: "version '\(version)' must be letters, digits, dots or - (e.g. 2026011501)")
        }
        let title = cells["form_title"] ?? cells["title"] ?? formID
        return (formID, version, LocalizedText(id: title, en: title))
    }

    static func readChoices(_ rows: [[String]]) throws(FormReadError) -> [String: [FormChoice]] {
        let (header, body) = table(rows)
        guard !body.isEmpty else { return [:] }
        for required in ["list_name", "name"] where !header.contains(required) {
            throw FormReadError(sheet: "choices", row: 1, id: "kolom '\(required)' tidak ada", en: "column '\(required)' is missing")
        }
        var out: [String: [FormChoice]] = [:]
        for (number, cells) in body {
            guard let list = cells["list_name"] else {
                throw FormReadError(sheet: "choices", row: number, column: "list_name", id: "list_name kosong", en: "list_name is empty")
            }
            guard let name = cells["name"] else {
                throw FormReadError(sheet: "choices", row: number, column: "name", id: "name pilihan kosong", en: "the choice's name is empty")
            }
            guard name.utf8.count <= 64, !name.contains(where: \.isWhitespace) else {
                throw FormReadError(sheet: "choices", row: number, column: "name", id: "name pilihan '\(name)' tidak boleh berspasi (paling banyak 64)",
                                    en: "choice name '\(name)' may not contain spaces (at most 64)")
            }
            guard let label = try text("label", in: cells, sheet: "choices") else {
                throw FormReadError(sheet: "choices", row: number, column: "label", id: "pilihan '\(name)' tidak punya label", en: "choice '\(name)' has no label")
            }
            if out[list]?.contains(where: { $0.name == name }) == true {
                throw FormReadError(sheet: "choices", row: number, column: "name", id: "pilihan '\(name)' muncul dua kali di daftar \(list)",
                                    en: "choice '\(name)' appears twice in list \(list)")
            }
            var attributes: [String: String] = [:]
            for (key, value) in cells where !["list_name", "name"].contains(key) && !key.hasPrefix("label") { attributes[key] = value }
            out[list, default: []].append(FormChoice(name: name, label: label, attributes: attributes))
        }
        return out
    }
}
