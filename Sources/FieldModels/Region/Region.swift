/// A kota (city) or kabupaten, known by its 4-digit Kemendagri code (`3374` is Kota Semarang).
public struct Kota: Sendable, Hashable, Codable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// A kecamatan (sub-district), known by its Kemendagri code: `33.74.11` is Banyumanik.
public struct Kecamatan: Sendable, Hashable, Codable {
    /// The official code (`33.74.11`): the region id everywhere.
    public var id: String
    public var name: String
    /// The kota's 4-digit code (`3374`).
    public var kotaCode: String

    public init(code: String, name: String, kotaCode: String) {
        self.id = code
        self.name = name
        self.kotaCode = kotaCode
    }

    public var code: String { id }
}

/// A kelurahan (urban village), known by its Kemendagri code: `33.74.11.1006` is Srondol Kulon.
/// An area contains another exactly when its code is a prefix of the other's at a dot.
public struct Kelurahan: Sendable, Hashable, Codable {
    /// The official code (`33.74.11.1006`): the region id everywhere.
    public var id: String
    public var name: String
    public var kecamatanID: String
    public var postalCode: String?

    public init(code: String, name: String, kecamatan: Kecamatan, postalCode: String?) {
        self.id = code
        self.name = name
        self.kecamatanID = kecamatan.id
        self.postalCode = postalCode
    }

    public var code: String { id }
    public var kotaCode: String { RegionPath.kotaCode(of: id) }
}

extension Kota {
    /// The kota's region id, its dotted code (`33.74`).
    public var id: String { RegionDirectory.dotted(code) ?? code }
}

/// Region ids are the official Kemendagri codes: `33.74` (a kota), `33.74.11` (a kecamatan),
/// `33.74.11.1006` (a kelurahan). An area covers another when its code is a prefix of the
/// other's up to a dot.
public enum RegionPath {
    /// What joins the levels of a region id.
    public static let separator = "."

    /// Lower-case ASCII with dashes: "Karanganyar Gunung" becomes `karanganyar-gunung`.
    public static func slug(_ name: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(scalar)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        return out
    }

    /// Whether `area` covers `path`: the same region or one inside it.
    public static func contains(_ area: String, _ path: String) -> Bool {
        area.isEmpty || path == area || path.hasPrefix(area + separator)
    }

    /// How deep a region lies: 1 a kota (`33.74`), 2 a kecamatan, 3 a kelurahan; 0 a province.
    public static func depth(of path: String) -> Int {
        path.split(separator: Character(separator)).count - 1
    }

    /// The region a level up (`33.74.11` for `33.74.11.1006`), nil for a province.
    public static func parent(of path: String) -> String? {
        guard let dot = path.lastIndex(of: Character(separator)) else { return nil }
        return String(path[..<dot])
    }

    /// The kota a region lies in (`33.74` for `33.74.11.1006`), nil for a province.
    public static func kota(of path: String) -> String? {
        let parts = path.split(separator: Character(separator), omittingEmptySubsequences: false)
        return parts.count >= 2 ? parts.prefix(2).joined(separator: separator) : nil
    }

    /// The 4-digit kota code (`3374`) a region id starts with, as a NIK carries it.
    public static func kotaCode(of path: String) -> String {
        String(path.filter { $0 != Character(separator) }.prefix(4))
    }

    /// The kota's region id (`33.74`) a region id starts with.
    public static func kota(of path: String) -> String {
        path.split(separator: Character(separator)).prefix(2).joined(separator: separator)
    }
}

extension RegionPath {
    /// The candidates that `text` names: an exact id (a code, dots optional), a name
    /// (`Srondol Kulon`), or a tail of the names from the top (`Banyumanik/Srondol Kulon`),
    /// compared by slug. Each candidate gives its id and its names from the kecamatan down.
    public static func matches(_ text: String, among candidates: [(id: String, names: [String])]) -> [String] {
        let wanted = text.trimmingWhitespace()
        let code = RegionDirectory.dotted(wanted) ?? wanted
        if let exact = candidates.first(where: { $0.id == code }) { return [exact.id] }
        let parts = wanted.split(separator: "/").map { slug(String($0)) }
        guard !parts.isEmpty, !parts.contains("") else { return [] }
        return candidates.filter { candidate in
            let names = candidate.names.map(slug)
            return names.count >= parts.count && Array(names.suffix(parts.count)) == parts
        }.map(\.id)
    }
}

extension RegionCatalog {
    /// The ids of regions at `depth` (1 kota, 2 kecamatan, 3 kelurahan) that `text` names: a
    /// Kemendagri code (`33.74.11.1006`, dots optional), a name, or names joined by `/`.
    public func resolve(_ text: String, depth: Int) -> [String] {
        let kecamatanName = Dictionary(kecamatan.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let candidates: [(id: String, names: [String])] = switch depth {
        case 1: [(kota.id, [kota.name])]
        case 2: kecamatan.map { ($0.id, [$0.name]) }
        default: kelurahan.map { ($0.id, [kecamatanName[$0.kecamatanID] ?? "", $0.name]) }
        }
        return RegionPath.matches(text, among: candidates)
    }
}
