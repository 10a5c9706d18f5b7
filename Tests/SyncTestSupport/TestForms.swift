import Foundation
import Spreadsheet

/// The XLSForms written for the tests (`Tests/SpreadsheetTests/Forms/*.md`, one table per
/// sheet in pyxform's markdown layout), made into real XLSX workbooks through libxlsxwriter.
public enum TestForms {
    public static let folder = OutsidePython.root.appendingPathComponent("Tests/SpreadsheetTests/Forms")

    /// The names of the forms (file names without `.md`), sorted.
    public static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
    }

    /// The sheets of a markdown form: a line `| name |` starts a sheet, `| | a | b |` is a row.
    public static func sheets(markdown: String) -> [(name: String, rows: [[String]])] {
        var out: [(name: String, rows: [[String]])] = []
        for line in markdown.split(separator: "\n") where line.hasPrefix("|") {
            var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            cells = Array(cells.dropFirst().dropLast())
            if let first = cells.first, !first.isEmpty {
                out.append((first, []))
            } else if !out.isEmpty {
                out[out.count - 1].rows.append(Array(cells.dropFirst()))
            }
        }
        return out
    }

    /// Writes form `name` as an XLSX workbook in `directory`; returns its URL.
    public static func xlsx(_ name: String, in directory: URL) throws -> URL {
        let markdown = try String(contentsOf: folder.appendingPathComponent(name + ".md"), encoding: .utf8)
        return try xlsx(markdown: markdown, name: name, in: directory)
    }

    /// Writes a form given as markdown as an XLSX workbook in `directory`.
    public static func xlsx(markdown: String, name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name + ".xlsx")
        try XLSXWriter.write(sheets: sheets(markdown: markdown), to: url.path)
        return url
    }
}
