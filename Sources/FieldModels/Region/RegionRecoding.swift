/// What the migration to official region codes needs on every store (a laptop's replica, the
/// server's store): the code of each old region id (`3374/banyumanik/srondol-kulon` →
/// `33.74.11.1006`), and which fields hold a region.
public enum RegionRecoding {
    /// A row of a region table as stored before codes were ids.
    public struct Row: Sendable {
        public var id: String
        /// `kota`, `kecamatan` or `kelurahan`.
        public var level: String
        public var name: String
        public var parent: String?
        /// The code the region file gave, when it had a `kode` column.
        public var code: String?

        public init(id: String, level: String, name: String, parent: String?, code: String?) {
            self.id = id
            self.level = level
            self.name = name
            self.parent = parent
            self.code = code
        }
    }

    /// The code of each old id among `rows`: the code the row carries, or else the one the
    /// shipped catalogue gives its name under its parent's code. Rows whose id is a code already
    /// are left out, and so is a region the catalogue does not know by that name (it keeps its
    /// old id).
    public static func codes(for rows: [Row]) -> [String: String] {
        var byLegacy: [String: String] = [:]
        let depthOrder = ["kota": 1, "kecamatan": 2, "kelurahan": 3]
        for row in rows.sorted(by: { (depthOrder[$0.level] ?? 4) < (depthOrder[$1.level] ?? 4) }) {
            guard !Grammar.isAreaPath(row.id) else { continue }
            var code = row.code.flatMap(RegionDirectory.dotted)
            if code == nil, row.level == "kota" { code = RegionDirectory.dotted(row.id) }
            if code == nil, let parent = row.parent.flatMap({ byLegacy[$0] }), let directory = RegionDirectory.shipped {
                code = directory.children(of: parent).first { RegionPath.slug($0.name) == RegionPath.slug(row.name) }?.code
            }
            if let code { byLegacy[row.id] = code }
        }
        return byLegacy
    }

    /// The names of the fields that hold a region id (`kelurahan`, `movedTo`, an agent's `area`).
    public static let areaFields: Set<String> = Set(RecordType.allCases.flatMap { type in
        type.schema.fields.filter { $0.value.kind == .area }.map(\.key)
    })
}
