import FieldModels
import Foundation
import Spreadsheet
import SyncTestSupport
import Testing

/// What lies outside FieldSync's subset of XLSForm is refused with its sheet, row and column and
/// what is supported, never ignored (ODK would accept these forms; a laptop offline could not
/// honour them).
@Suite struct XLSFormSubsetTests {
    static func refusal(_ survey: String, extra: String = "") -> FormReadError? {
        let markdown = "| survey |\n" + survey + "\n" + extra + "\n| settings |\n| | form_id |\n| | uji |\n"
        var sheets: [String: [[String]]] = [:]
        for sheet in TestForms.sheets(markdown: markdown) { sheets[sheet.name] = sheet.rows }
        do {
            _ = try XLSForm.read(sheets)
            return nil
        } catch {
            return error
        }
    }

    @Test func outsideTheSubsetIsRefusedWithRowAndColumn() throws {
        let cases: [(survey: String, extra: String, row: Int?, column: String?, says: String)] = [
            ("| | type | name | label | appearance |\n| | text | a | A | multiline |", "", 1, "appearance", "appearance"),
            ("| | type | name | label |\n| | start | mulai | |\n| | text | a | A |", "", 2, "type", "start"),
            ("| | type | name | label |\n| | begin repeat | r | R |\n| | begin repeat | s | S |\n| | text | a | A |\n| | end repeat | | |\n| | end repeat | | |",
             "", 3, "type", "repeat"),
            ("| | type | name | label::Basa Jawa (jv) |\n| | text | a | A |", "", 1, "label::Basa Jawa (jv)", "jv"),
            ("| | type | name | label | calculation |\n| | text | a | A | 1 + 1 |", "", 2, "calculation", "calculate"),
            ("| | type | name | label | relevant |\n| | integer | a | A | |\n| | text | b | B | ${a} >> 3 |", "", 3, "relevant", "'>'"),
            ("| | type | name | label | relevant |\n| | integer | a | A | |\n| | text | b | B | sum(${a}) > 3 |", "", 3, "relevant", "sum"),
            ("| | type | name | label |\n| | text | nama lengkap | A |", "", 2, "name", "nama lengkap"),
            ("| | type | name | label | relevant |\n| | begin repeat | r | R | |\n| | integer | a | A | |\n| | end repeat | | | |\n| | text | b | B | ${a} > 1 |",
             "", 5, "relevant", "repeat r"),
            ("| | type | name | label |\n| | select_one yn | a | A |", "| choices |\n| | list_name | name | label |\n| | yn | ya | Ya |\n| | yn | ya | Yes |",
             3, "name", "ya"),
        ]
        for (survey, extra, row, column, says) in cases {
            guard let error = Self.refusal(survey, extra: extra) else {
                Issue.record("accepted: \(survey)")
                continue
            }
            #expect(error.row == row && error.column == column, "\(survey): \(error)")
            #expect(error.text(.en).contains(says) && error.text(.id).contains(says), "\(error.text(.en))")
        }
    }

    @Test func readsTheWorkbookAsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let form = try XLSFormFile.read(try TestForms.xlsx("spm-bencana", in: directory))
        #expect(form.formID == "spm_bencana" && form.version == "2026010101")
        let korban = try #require(form.items.first { $0.name == "korban" })
        #expect(korban.kind == .repeat && korban.children.map(\.name) == ["nama", "umur", "luka", "rujuk", "rentan"])
        #expect(form.choices["bencana"]?.map(\.name) == ["banjir", "rob", "longsor", "kebakaran"])
        #expect(form.choices["bantuan"]?.first?.label == LocalizedText(id: "Permakanan", en: "Food"))
        // A JSON round trip keeps every part (the form travels to laptops as JSON).
        let again = try JSONDecoder().decode(FormDefinition.self, from: try JSONEncoder().encode(form))
        #expect(again == form)
    }
}
