import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an XLSX file as rows of text: shared strings, inline strings,
/// numbers and booleans as written, empty cells where a row skips a column (`r="C2"`).
/// Unpacks at most `maxEntryBytes` of any one part, so a crafted file cannot fill the disk or
/// the memory of a laptop.
public enum XLSXReader {
    public static let maxEntryBytes: UInt64 = 64 << 20

    public static func read(_ url: URL, maxEntryBytes: UInt64 = maxEntryBytes) throws(SpreadsheetError) -> [[String]] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw SpreadsheetError(.notWorkbook, "not a zip archive")
        }
        let sheetPath = firstSheetPath(in: archive) ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try part(sheetPath, in: archive, limit: maxEntryBytes) else {
            throw SpreadsheetError(.notWorkbook, "no worksheet \(sheetPath)")
        }
        var shared: [String] = []
        if let strings = try part("xl/sharedStrings.xml", in: archive, limit: maxEntryBytes) { shared = try SharedStringsParser.parse(strings) }
        return try SheetParser.parse(sheet, shared: shared)
    }

    /// Every worksheet of the workbook by its name (as the tabs show it), in order.
    public static func readSheets(_ url: URL, maxEntryBytes: UInt64 = maxEntryBytes) throws(SpreadsheetError) -> [(name: String, rows: [[String]])] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw SpreadsheetError(.notWorkbook, "not a zip archive")
        }
        guard let workbook = try part("xl/workbook.xml", in: archive, limit: maxEntryBytes),
              let rels = try part("xl/_rels/workbook.xml.rels", in: archive, limit: maxEntryBytes) else {
            throw SpreadsheetError(.notWorkbook, "no xl/workbook.xml")
        }
        var shared: [String] = []
        if let strings = try part("xl/sharedStrings.xml", in: archive, limit: maxEntryBytes) { shared = try SharedStringsParser.parse(strings) }
        let targets = AttributeCollector.collect(rels, element: "Relationship")
        var out: [(String, [[String]])] = []
        for sheet in AttributeCollector.collect(workbook, element: "sheet") {
            guard let name = sheet["name"], let relation = sheet["r:id"] ?? sheet.first(where: { $0.key.hasSuffix(":id") })?.value,
                  let target = targets.first(where: { $0["Id"] == relation })?["Target"] else { continue }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let data = try part(path, in: archive, limit: maxEntryBytes) else {
                throw SpreadsheetError(.notWorkbook, "no worksheet \(path)")
            }
            out.append((name, try SheetParser.parse(data, shared: shared)))
        }
        return out
    }

    /// The data of one part of the archive, or nil when it has none by that name.
    static func part(_ path: String, in archive: Archive, limit: UInt64 = maxEntryBytes) throws(SpreadsheetError) -> Data? {
        guard let entry = archive[path] else { return nil }
        guard entry.uncompressedSize <= limit else {
            throw SpreadsheetError(.tooLarge, "\(path) unpacks to \(entry.uncompressedSize) bytes (at most \(limit))")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                data.append(chunk)
                if UInt64(data.count) > limit { throw SpreadsheetError(.tooLarge, "\(path) unpacks to more than it says") }
            }
        } catch let error as SpreadsheetError {
            throw error
        } catch {
            throw SpreadsheetError(.notWorkbook, "\(path) cannot be unpacked")
        }
        return data
    }

    /// The first sheet named in the workbook, through its relationship (`xl/workbook.xml` and
    /// `xl/_rels/workbook.xml.rels`); nil when the workbook does not say.
    static func firstSheetPath(in archive: Archive) -> String? {
        guard let workbook = try? part("xl/workbook.xml", in: archive),
              let rels = try? part("xl/_rels/workbook.xml.rels", in: archive) else { return nil }
        let sheets = AttributeCollector.collect(workbook, element: "sheet")
        guard let relation = sheets.first?["r:id"] ?? sheets.first?.first(where: { $0.key.hasSuffix(":id") })?.value else { return nil }
        guard let target = AttributeCollector.collect(rels, element: "Relationship").first(where: { $0["Id"] == relation })?["Target"]
        else { return nil }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }
}

/// Whether a document's elements all closed: the XML parser here reports a missing end tag of
/// the root as no error, and a mismatched one only through `parserError`.
struct ElementBalance {
    private var depth = 0
    private(set) var closed = false

    mutating func open() { depth += 1 }

    mutating func close() {
        depth -= 1
        if depth == 0 { closed = true }
    }
}

/// The attributes of every element of one name.
final class AttributeCollector: NSObject, XMLParserDelegate {
    let element: String
    var found: [[String: String]] = []

    init(element: String) { self.element = element }

    static func collect(_ data: Data, element: String) -> [[String: String]] {
        let collector = AttributeCollector(element: element)
        let parser = XMLParser(data: data)
        parser.delegate = collector
        _ = parser.parse()
        return collector.found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == element { found.append(attributes) }
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, plain (`<t>`) or rich (several `<r><t>`).
final class SharedStringsParser: NSObject, XMLParserDelegate {
    var balance = ElementBalance()
    var strings: [String] = []
    var current: String?
    var inText = false
    var inPhonetic = false

    static func parse(_ data: Data) throws(SpreadsheetError) -> [String] {
        let delegate = SharedStringsParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), parser.parserError == nil, delegate.balance.closed else {
            throw SpreadsheetError(.notWorkbook, "shared strings are malformed XML (line \(parser.lineNumber))")
        }
        return delegate.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        balance.open()
        switch name {
        case "si": current = ""
        case "rPh": inPhonetic = true
        case "t": inText = !inPhonetic
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current? += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        balance.close()
        switch name {
        case "si": strings.append(current ?? ""); current = nil
        case "rPh": inPhonetic = false
        case "t": inText = false
        default: break
        }
    }
}

/// A worksheet's `<sheetData>`: rows of cells, each placed by its reference (`B7`).
final class SheetParser: NSObject, XMLParserDelegate {
    var balance = ElementBalance()
    let shared: [String]
    var rows: [Int: [Int: String]] = [:]
    var row = 0
    var column = 0
    var type = ""
    var value: String?
    var inValue = false

    init(shared: [String]) { self.shared = shared }

    static func parse(_ data: Data, shared: [String]) throws(SpreadsheetError) -> [[String]] {
        let delegate = SheetParser(shared: shared)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), parser.parserError == nil, delegate.balance.closed else {
            throw SpreadsheetError(.notWorkbook, "the worksheet is malformed XML (line \(parser.lineNumber))")
        }
        guard let last = delegate.rows.keys.max() else { return [] }
        return (1...last).map { index in
            guard let cells = delegate.rows[index], let width = cells.keys.max() else { return [] }
            return (0...width).map { cells[$0] ?? "" }
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        balance.open()
        switch name {
        case "row":
            row = attributes["r"].flatMap(Int.init) ?? row + 1
            column = 0
        case "c":
            if let reference = attributes["r"], let (referencedRow, referencedColumn) = Self.position(reference) {
                row = referencedRow
                column = referencedColumn
            }
            type = attributes["t"] ?? "n"
            value = nil
        case "v", "t":
            inValue = true
            if value == nil { value = "" }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value? += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        balance.close()
        switch name {
        case "v", "t": inValue = false
        case "c":
            var text = value ?? ""
            switch type {
            case "s": text = Int(text).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
            case "b": text = text == "1" ? "TRUE" : "FALSE"
            default: break
            }
            if !text.isEmpty { rows[row, default: [:]][column] = text }
            column += 1
        default: break
        }
    }

    /// `B7` is row 7, column 1 (0-based columns).
    static func position(_ reference: String) -> (Int, Int)? {
        var column = 0
        var digits = ""
        for char in reference.uppercased() {
            if let ascii = char.asciiValue, (65...90).contains(ascii), digits.isEmpty {
                column = column * 26 + Int(ascii - 64)
            } else if char.isNumber {
                digits.append(char)
            } else {
                return nil
            }
        }
        guard column > 0, let row = Int(digits) else { return nil }
        return (row, column - 1)
    }
}
