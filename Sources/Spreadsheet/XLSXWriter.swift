import CXLSXWriter
import Foundation

/// Why a spreadsheet could not be written or read.
public struct SpreadsheetError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The file could not be created, written or opened.
        case io
        /// The file is not an XLSX workbook (not a zip, or no worksheet in it).
        case notWorkbook
        /// The workbook is larger than a field laptop should unpack.
        case tooLarge
    }

    public var code: Code
    /// What went wrong, as the library said it (never a cell's content).
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}

/// Writes one worksheet of text cells to an XLSX file through libxlsxwriter. Every cell is text,
/// so a NIK or No. KK keeps all 16 digits (a spreadsheet would round a 16-digit number).
public enum XLSXWriter {
    /// Writes `rows` (the first is the header, shown bold and frozen) to `path`. The file is
    /// created readable by its owner only, before any cell is written; the library's temporary
    /// files lie in the same folder.
    public static func write(_ rows: [[String]], sheet: String, to path: String) throws(SpreadsheetError) {
        try write(sheets: [(sheet, rows)], to: path)
    }

    /// Writes several worksheets, in order, each as `write(_:sheet:to:)` writes one.
    public static func write(sheets: [(name: String, rows: [[String]])], to path: String) throws(SpreadsheetError) {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw SpreadsheetError(.io, "cannot create \(path)")
        }
        // libxlsxwriter assembles the parts in temporary files (unlinked at once); they go beside
        // the output, where the user chose to put this data, not in a shared /tmp.
        // (Kept alive until the workbook is closed, whether or not the library copies it.)
        let folder = strdup(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        defer { free(folder) }
        var options = lxw_workbook_options(constant_memory: 0, tmpdir: folder, use_zip64: 0)
        guard let workbook = workbook_new_opt(path, &options) else { throw SpreadsheetError(.io, "cannot open \(path) for writing") }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        for (sheet, rows) in sheets {
            guard let worksheet = workbook_add_worksheet(workbook, String(sheet.prefix(31))) else {
                workbook_close(workbook)
                throw SpreadsheetError(.io, "cannot add sheet \(sheet)")
            }
            for (rowIndex, row) in rows.enumerated() {
                for (columnIndex, cell) in row.enumerated() where !cell.isEmpty {
                    let status = worksheet_write_string(worksheet, lxw_row_t(rowIndex), lxw_col_t(columnIndex), cell,
                                                        rowIndex == 0 ? bold : nil)
                    guard status == LXW_NO_ERROR else {
                        workbook_close(workbook)
                        throw SpreadsheetError(.io, String(cString: lxw_strerror(status)))
                    }
                }
            }
            if !rows.isEmpty {
                worksheet_freeze_panes(worksheet, 1, 0)
                worksheet_set_column(worksheet, 0, lxw_col_t(max(rows[0].count - 1, 0)), 18, nil)
            }
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else { throw SpreadsheetError(.io, String(cString: lxw_strerror(status))) }
    }
}
