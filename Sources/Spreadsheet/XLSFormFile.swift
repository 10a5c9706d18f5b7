import FieldModels
import Foundation

/// An XLSForm workbook read into a `FormDefinition`: its sheets through `XLSXReader`, then the
/// XLSForm rules (`XLSForm.read`).
public enum XLSFormFile {
    public enum Failure: Error, Sendable {
        /// The file is no XLSX workbook (or too large to unpack).
        case workbook(SpreadsheetError)
        /// The workbook is an XLSForm FieldSync refuses: where, and why.
        case form(FormReadError)
    }

    public static func read(_ url: URL) throws(Failure) -> FormDefinition {
        let sheets: [(name: String, rows: [[String]])]
        do { sheets = try XLSXReader.readSheets(url) } catch { throw .workbook(error) }
        var byName: [String: [[String]]] = [:]
        for sheet in sheets where byName[sheet.name.lowercased()] == nil { byName[sheet.name.lowercased()] = sheet.rows }
        do { return try XLSForm.read(byName) } catch { throw .form(error) }
    }
}
