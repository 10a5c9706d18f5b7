import FieldModels
import Foundation

/// Tables written for spreadsheet programs: CSV (UTF-8 with a byte-order mark, CRLF) or XLSX,
/// every cell a spreadsheet would take for a formula behind an apostrophe.
public enum TableExport {
    /// The rows with every cell a spreadsheet would take for a formula behind an apostrophe.
    public static func defused(_ rows: [[String]]) -> [[String]] {
        rows.map { $0.map { cell in cell.first.map { "=+-@\t\r".contains($0) } == true ? "'" + cell : cell } }
    }

    /// CSV with CRLF line ends, UTF-8 with a byte-order mark.
    public static func csv(_ rows: [[String]]) -> Data {
        Data("\u{FEFF}".utf8) + Data(rows.map { $0.map(CSV.escape).joined(separator: ",") + "\r\n" }.joined().utf8)
    }

    /// Writes `sheets` to `path`: one XLSX workbook when it ends in `.xlsx`; otherwise CSV, the
    /// first sheet at `path` and each other beside it as `NAME-SHEET.csv`. Returns the files
    /// written. Files are readable by their owner only.
    @discardableResult
    public static func write(_ sheets: [(name: String, rows: [[String]])], to path: String) throws -> [String] {
        let safe = sheets.map { (name: $0.name, rows: defused($0.rows)) }
        if path.lowercased().hasSuffix(".xlsx") {
            try XLSXWriter.write(sheets: safe, to: path)
            return [path]
        }
        let base = path.lowercased().hasSuffix(".csv") ? String(path.dropLast(4)) : path
        var written: [String] = []
        for (index, sheet) in safe.enumerated() {
            let file = index == 0 ? path : base + "-" + sheet.name + ".csv"
            guard FileManager.default.createFile(atPath: file, contents: csv(sheet.rows), attributes: [.posixPermissions: 0o600]) else {
                throw SpreadsheetError(.io, "cannot create \(file)")
            }
            written.append(file)
        }
        return written
    }
}
