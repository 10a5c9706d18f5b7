import Foundation

/// The Kemendagri region catalogue of all Indonesia (Kepmendagri 300.2.2-2138/2025): 38
/// provinces, 514 kabupaten/kota, 7,285 kecamatan and 83,762 desa/kelurahan with their official
/// codes (`33`, `33.74`, `33.74.11`, `33.74.11.1006`), and the province, kabupaten/kota and
/// kecamatan codes of earlier editions that a NIK issued then still carries. Shipped with the
/// product (`Resources/wilayah`, source and licence beside it).
///
/// Held compactly (codes as sorted integers, names in one byte buffer: about 2.5 MB) and looked up
/// by binary search; levels occupy disjoint integer ranges (2, 4, 6 and 10 digits), so the
/// children of a region are one contiguous range.
public struct RegionDirectory: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case province = 1, kabupatenKota, kecamatan, desa

        /// Digits in a code of this level.
        var digits: Int { [2, 4, 6, 10][rawValue - 1] }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public struct Entry: Sendable, Hashable {
        /// The official code, dotted: `33.74.11.1006`.
        public var code: String
        public var name: String
        public var level: Level
        /// For a code of an earlier edition only: the last edition (year) that had it.
        public var retiredAfter: Int?
    }

    private let codes: [UInt64]
    private let nameEnds: [UInt32]
    private let names: [UInt8]
    private let retired: [UInt64: (name: String, edition: Int)]

    /// The catalogue shipped with the product; nil when its files cannot be found (a build
    /// copied without its resources): checks that need it then fall back to province codes.
    public static let shipped: RegionDirectory? = {
        guard let folder = resourceFolder() else { return nil }
        return try? RegionDirectory(current: folder.appendingPathComponent("kemendagri-2025.tsv"),
                                    retired: folder.appendingPathComponent("kode-lama.tsv"))
    }()

    /// Where the catalogue lies: `$FIELDSYNC_WILAYAH`, or the package's resource bundle beside
    /// the program (as `swift build` places it).
    static func resourceFolder() -> URL? {
        ShippedResource.folder("wilayah", containing: "kemendagri-2025.tsv", override: "FIELDSYNC_WILAYAH")
    }

    /// Reads `code<TAB>name` lines (current) and `code<TAB>name<TAB>edition` lines (retired).
    public init(current: URL, retired: URL?) throws {
        var rows: [(code: UInt64, name: ArraySlice<UInt8>)] = []
        rows.reserveCapacity(92_000)
        let bytes = [UInt8](try Data(contentsOf: current))
        Self.lines(bytes) { fields in
            if fields.count >= 2, let code = Self.key(fields[0]) { rows.append((code, fields[1])) }
        }
        rows.sort { $0.code < $1.code }
        var names: [UInt8] = []
        names.reserveCapacity(bytes.count)
        var ends: [UInt32] = []
        ends.reserveCapacity(rows.count)
        for row in rows {
            names += row.name
            ends.append(UInt32(names.count))
        }
        codes = rows.map(\.code)
        nameEnds = ends
        self.names = names
        var old: [UInt64: (String, Int)] = [:]
        if let retired {
            Self.lines([UInt8](try Data(contentsOf: retired))) { fields in
                if fields.count >= 3, let code = Self.key(fields[0]), let edition = Int(String(decoding: fields[2], as: UTF8.self)) {
                    old[code] = (String(decoding: fields[1], as: UTF8.self), edition)
                }
            }
        }
        self.retired = old
    }

    /// How many regions of each level the current edition has.
    public func count(_ level: Level) -> Int {
        let range = Self.range(of: level)
        return bound(range.upperBound) - bound(range.lowerBound)
    }

    /// The region with this code (dotted, or digits only: `3374111006`), current or retired.
    public func entry(_ code: String) -> Entry? {
        guard let key = Self.key(Array(code.utf8)[...]) else { return nil }
        return entry(key: key)
    }

    /// Whether `code` is a desa/kelurahan of the current edition (not only of an earlier one).
    public func isCurrentDesa(_ code: String) -> Bool {
        guard let entry = entry(code) else { return false }
        return entry.level == .desa && entry.retiredAfter == nil
    }

    /// The regions directly inside `code` (the provinces for nil), in code order.
    public func children(of code: String?) -> [Entry] {
        guard let code else { return slice(Self.range(of: .province)) }
        guard let key = Self.key(Array(code.utf8)[...]), let level = Self.level(of: key), level != .desa else { return [] }
        let width: UInt64 = level == .kecamatan ? 10_000 : 100
        return slice(key * width..<(key + 1) * width)
    }

    /// The region and every region above it, from the province down.
    public func lineage(_ code: String) -> [Entry] {
        guard let key = Self.key(Array(code.utf8)[...]), let level = Self.level(of: key) else { return [] }
        var out: [Entry] = []
        var divisor: UInt64 = 1
        var keys: [UInt64] = []
        for current in Level.allCases.reversed() where current <= level {
            keys.append(key / divisor)
            divisor *= current == .desa ? 10_000 : 100
        }
        for key in keys.reversed() { if let entry = entry(key: key) { out.append(entry) } }
        return out
    }

    /// Regions of `level` (any level when nil) whose name matches `text`, ignoring case, spaces
    /// and punctuation: exactly first, then those that contain it; at most `limit`.
    public func search(_ text: String, level: Level? = nil, limit: Int = 50) -> [Entry] {
        let wanted = RegionPath.slug(text)
        guard !wanted.isEmpty else { return [] }
        let range = level.map(Self.range(of:)) ?? 0..<UInt64.max
        var exact: [Entry] = [], partial: [Entry] = []
        for index in bound(range.lowerBound)..<bound(range.upperBound) {
            let name = RegionPath.slug(name(at: index))
            let bare = RegionPath.slug(Self.bare(name))
            if name == wanted || bare == wanted {
                exact.append(entry(at: index))
            } else if partial.count < limit, name.contains(wanted) {
                partial.append(entry(at: index))
            }
        }
        return Array((exact + partial).prefix(limit))
    }

    /// The dotted form of a code given with or without dots; nil when it is not a code's shape.
    public static func dotted(_ code: String) -> String? {
        key(Array(code.utf8)[...]).map(dotted(key:))
    }

    // MARK: Internals

    private func entry(key: UInt64) -> Entry? {
        let index = bound(key)
        if index < codes.count, codes[index] == key { return entry(at: index) }
        guard let old = retired[key], let level = Self.level(of: key) else { return nil }
        return Entry(code: Self.dotted(key: key), name: old.name, level: level, retiredAfter: old.edition)
    }

    private func entry(at index: Int) -> Entry {
        Entry(code: Self.dotted(key: codes[index]), name: name(at: index), level: Self.level(of: codes[index]) ?? .desa)
    }

    private func name(at index: Int) -> String {
        let start = index == 0 ? 0 : Int(nameEnds[index - 1])
        return String(decoding: names[start..<Int(nameEnds[index])], as: UTF8.self)
    }

    private func slice(_ range: Range<UInt64>) -> [Entry] {
        (bound(range.lowerBound)..<bound(range.upperBound)).map(entry(at:))
    }

    /// The index of the first code not below `key`.
    private func bound(_ key: UInt64) -> Int {
        var low = 0, high = codes.count
        while low < high {
            let middle = (low + high) / 2
            if codes[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// "Kabupaten Cilacap" → "Cilacap", so a name is found with or without its kind.
    private static func bare(_ slug: String) -> String {
        for prefix in ["kabupaten-", "kota-", "kab-"] where slug.hasPrefix(prefix) { return String(slug.dropFirst(prefix.count)) }
        return slug
    }

    private static func range(of level: Level) -> Range<UInt64> {
        switch level {
        case .province: 10..<100
        case .kabupatenKota: 1_000..<10_000
        case .kecamatan: 100_000..<1_000_000
        case .desa: 1_000_000_000..<10_000_000_000
        }
    }

    private static func level(of key: UInt64) -> Level? {
        Level.allCases.first { range(of: $0).contains(key) }
    }

    /// A code as an integer: its digits, dots allowed only between the groups of 2, 2, 2 and 4.
    static func key(_ text: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        var groups: [Int] = []
        var group = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 10 else { return nil }
                value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                group += 1
            case UInt8(ascii: "."):
                guard group > 0 else { return nil }
                groups.append(group)
                group = 0
            default:
                return nil
            }
        }
        groups.append(group)
        guard [2, 4, 6, 10].contains(digits) else { return nil }
        if groups.count > 1 {
            let expected = [2, 2, 2, 4].prefix(groups.count)
            guard groups == Array(expected) else { return nil }
        }
        return value
    }

    private static func dotted(key: UInt64) -> String {
        let digits = String(key)
        var out = ""
        for (index, character) in digits.enumerated() {
            if [2, 4, 6].contains(index) { out.append(".") }
            out.append(character)
        }
        return out
    }

    /// Calls `body` with the tab-separated fields of each non-empty line.
    private static func lines(_ bytes: [UInt8], _ body: ([ArraySlice<UInt8>]) -> Void) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if !line.isEmpty { body(line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)) }
            start = end + 1
        }
    }
}
