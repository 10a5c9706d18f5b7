import Foundation
@testable import Spreadsheet
import Testing
import ZIPFoundation

/// XLSX through real libraries: written by libxlsxwriter, read back through ZIPFoundation and
/// the XML parser; workbooks shaped as other spreadsheet programs write them; and files that
/// are not workbooks, or are built to exhaust a laptop.
@Suite("XLSX files")
struct XLSXTests {
    static func temporary(_ name: String) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-xlsx-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    /// A workbook written by hand, part by part, as a program other than libxlsxwriter may.
    static func workbook(_ parts: [String: String], at url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    @Test("What libxlsxwriter writes reads back cell for cell: 16-digit numbers as text, empty cells, commas, quotes, line breaks and Unicode")
    func roundTrip() throws {
        let rows = [
            ["nik", "nama", "alamat", "catatan"],
            ["3374061505800003", "Budi Santoso", "Jl. Mawar, 12", "baris satu\nbaris dua"],
            ["0001234567890", "", "Gg. \"Melati\"", "Ñoño — 日本 — Dewi Lestari"],
            ["", "Rizky", "", ""],
        ]
        let url = Self.temporary("keluarga.xlsx")
        try XLSXWriter.write(rows, sheet: "keluarga", to: url.path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "only its owner may read it")
        let read = try XLSXReader.read(url)
        #expect(read == [rows[0], rows[1], rows[2], ["", "Rizky"]], "trailing empty cells are not kept")
    }

    @Test("Shared and rich strings, inline strings, numbers, booleans, skipped columns and a sheet found through the workbook's relationships")
    func otherWriters() throws {
        let url = Self.temporary("other.xlsx")
        try Self.workbook([
            "xl/workbook.xml": #"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>"#,
            "xl/_rels/workbook.xml.rels": #"<Relationships><Relationship Id="rId7" Target="worksheets/data.xml"/></Relationships>"#,
            "xl/sharedStrings.xml": #"<sst><si><t>Nama</t></si><si><r><t>Budi </t></r><r><t xml:space="preserve">Santoso</t></r></si><si><t>Sri</t><rPh><t>スリ</t></rPh></si></sst>"#,
            "xl/worksheets/data.xml": """
                <worksheet><sheetData>
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Umur</t></is></c></row>
                <row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3"><v>46</v></c><c r="D3" t="b"><v>1</v></c></row>
                <row r="4"><c t="s"><v>2</v></c><c><v>41.5</v></c></row>
                </sheetData></worksheet>
                """,
        ], at: url)
        #expect(try XLSXReader.read(url) == [["Nama", "", "Umur"], [], ["Budi Santoso", "", "46", "TRUE"], ["Sri", "41.5"]])
    }

    @Test("A file that is not a workbook, a broken worksheet, and a part that unpacks beyond the limit are refused by kind")
    func refused() throws {
        let text = Self.temporary("bukan.xlsx")
        try Data("nama,nik\nBudi,3374\n".utf8).write(to: text)
        #expect(throws: SpreadsheetError.self) { try XLSXReader.read(text) }
        #expect((try? XLSXReader.read(text)) == nil)
        do { _ = try XLSXReader.read(text) } catch { #expect(error.code == .notWorkbook) }

        for (index, xml) in ["<worksheet><sheetData><row><c><v>1</v></row>", "<worksheet><sheetData><row><c><v>1</v></c></row>"].enumerated() {
            let broken = Self.temporary("broken\(index).xlsx")
            try Self.workbook(["xl/worksheets/sheet1.xml": xml], at: broken)
            do { _ = try XLSXReader.read(broken); Issue.record("a broken worksheet was read: \(xml)") } catch { #expect(error.code == .notWorkbook) }
        }

        let noSheet = Self.temporary("nosheet.xlsx")
        try Self.workbook(["docProps/app.xml": "<Properties/>"], at: noSheet)
        do { _ = try XLSXReader.read(noSheet); Issue.record("a workbook without a sheet was read") } catch { #expect(error.code == .notWorkbook) }

        let bomb = Self.temporary("bomb.xlsx")
        try Self.workbook(["xl/worksheets/sheet1.xml": "<worksheet><sheetData>" + String(repeating: "<row/>", count: 50_000) + "</sheetData></worksheet>"],
                          at: bomb)
        do { _ = try XLSXReader.read(bomb, maxEntryBytes: 100_000); Issue.record("a part beyond the limit was unpacked") } catch {
            #expect(error.code == .tooLarge)
        }
        #expect(try XLSXReader.read(bomb).isEmpty, "within the default limit it reads, as the empty sheet it is")
    }
}
