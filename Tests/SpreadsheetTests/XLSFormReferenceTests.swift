import FieldModels
import Foundation
import Spreadsheet
import SyncTestSupport
import Testing

/// FieldSync's XLSForm reader against pyxform, the converter ODK itself uses (PyPI, pinned, run
/// from the virtual environment `scripts/xlsform-reference`): both read the same XLSX files,
/// made from the test forms; for every form pyxform accepts, the questions, their types, choice
/// lists, labels and the `relevant`, `constraint`, `required`, `calculation` and
/// `choice_filter` expressions FieldSync reads must be what pyxform reads, and every form
/// pyxform refuses FieldSync refuses too. CI sets `FIELDSYNC_REQUIRE_XLSFORM_REFERENCE`;
/// elsewhere the test is skipped when PyPI cannot be reached.
@Suite struct XLSFormReferenceTests {
    static let python: String? = {
        if let given = ProcessInfo.processInfo.environment["FIELDSYNC_XLSFORM_REFERENCE"] { return given }
        return OutsidePython.make("scripts/xlsform-reference")
    }()

    struct Item: Decodable, Equatable, CustomStringConvertible {
        var path: String
        var type: String
        var list: String?
        var label_id: String?
        var label_en: String?
        var relevant: String?
        var constraint: String?
        var required: String?
        var calculation: String?
        var choice_filter: String?
        var description: String { "\(path) \(type)" }
    }

    struct Answer: Decodable {
        var ok: Bool
        var id: String?
        var items: [Item]?
        var error: String?
    }

    static func items(_ form: FormDefinition) -> [Item] {
        var out: [Item] = []
        func walk(_ items: [FormItem], _ prefix: String) {
            for item in items {
                out.append(Item(path: prefix + item.name, type: item.kind.rawValue, list: item.list, label_id: item.label?.id ?? item.hint?.id,
                                label_en: item.label?.en ?? item.hint?.en, relevant: item.relevant, constraint: item.constraint,
                                required: item.required, calculation: item.calculation, choice_filter: item.choiceFilter))
                walk(item.children, prefix + item.name + "/")
            }
        }
        walk(form.items, "")
        return out
    }

    @Test func sameReadingAsPyxform() throws {
        guard let python = Self.python else {
            if ProcessInfo.processInfo.environment["FIELDSYNC_REQUIRE_XLSFORM_REFERENCE"] != nil {
                Issue.record("scripts/xlsform-reference could not make pyxform's environment")
            }
            return
        }
        let names = TestForms.names
        #expect(names.count >= 15)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xlsform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try names.map { try TestForms.xlsx($0, in: directory) }
        let lines = try OutsidePython.run(python, "scripts/xlsform_reference.py", files.map(\.path))
        try #require(lines.count == files.count)
        var accepted = 0, refused = 0
        for (name, (file, line)) in zip(names, zip(files, lines)) {
            let reference = try JSONDecoder().decode(Answer.self, from: Data(line.utf8))
            let ours = Result { () throws(XLSFormFile.Failure) -> FormDefinition in try XLSFormFile.read(file) }
            switch (reference.ok, ours) {
            case (true, .success(let form)):
                accepted += 1
                #expect(form.formID == reference.id, "\(name)")
                let theirs = reference.items ?? []
                #expect(Self.items(form) == theirs, "\(name): FieldSync read \(Self.items(form)), pyxform \(theirs)")
                for (mine, their) in zip(Self.items(form), theirs) where mine != their {
                    Issue.record("\(name): \(mine.path): FieldSync \(mine) ≠ pyxform \(their)")
                }
            case (true, .failure(let failure)):
                Issue.record("\(name): pyxform accepts it, FieldSync refused: \(failure)")
            case (false, .success):
                Issue.record("\(name): pyxform refuses it (\(reference.error ?? "")), FieldSync accepted it")
            case (false, .failure(let failure)):
                refused += 1
                guard case .form(let error) = failure else {
                    Issue.record("\(name): refused as a workbook, not as a form: \(failure)")
                    continue
                }
                // Every refusal says where and why, in both languages.
                #expect(!error.message.id.isEmpty && !error.message.en.isEmpty && error.message.id != error.message.en, "\(name)")
            }
        }
        #expect(accepted >= 9 && refused >= 6, "accepted \(accepted), refused \(refused)")
    }
}
