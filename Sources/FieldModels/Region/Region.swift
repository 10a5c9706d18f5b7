/// A kota (city) or kabupaten, known by its 4-digit Kemendagri code (`3374` is Kota Semarang).
public struct Kota: Sendable, Hashable, Codable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// A kecamatan (sub-district). Its id is `<kota code>/<slug>`, e.g. `3374/banyumanik`.
public struct Kecamatan: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var kotaCode: String
    /// The official Kemendagri code (`33.74.11`), when the region file gave its kelurahan codes.
    public var code: String?

    public init(kotaCode: String, name: String) {
        self.kotaCode = kotaCode
        self.name = name
        self.id = kotaCode + "/" + RegionPath.slug(name)
    }
}

/// A kelurahan (urban village). Its id is `<kota code>/<kecamatan slug>/<slug>`, so an area
/// contains another exactly when its id is a path prefix of the other's.
public struct Kelurahan: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var kecamatanID: String
    public var postalCode: String?
    /// The official Kemendagri code (`33.74.11.1006`), when the region file gave it.
    public var code: String?

    public init(kecamatan: Kecamatan, name: String, postalCode: String?, code: String? = nil) {
        self.name = name
        self.kecamatanID = kecamatan.id
        self.postalCode = postalCode
        self.code = code
        self.id = kecamatan.id + "/" + RegionPath.slug(name)
    }

    public var kotaCode: String { String(id.prefix(while: { $0 != "/" })) }
}

/// Paths of the region tree: `3374`, `3374/banyumanik`, `3374/banyumanik/srondol-kulon`.
public enum RegionPath {
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
        area.isEmpty || path == area || path.hasPrefix(area + "/")
    }

    /// The kota code at the start of a region path.
    public static func kotaCode(of path: String) -> String {
        String(path.prefix(while: { $0 != "/" }))
    }
}

extension RegionPath {
    /// The candidates (id and name) that `text` names: an exact id, a name (`Srondol Kulon`), or
    /// a tail of the path (`Banyumanik/Srondol Kulon`), compared by slug.
    public static func matches(_ text: String, among candidates: [(id: String, name: String)]) -> [String] {
        let wanted = text.trimmingWhitespace()
        if let exact = candidates.first(where: { $0.id == wanted }) { return [exact.id] }
        let parts = wanted.split(separator: "/").map { slug(String($0)) }
        guard !parts.isEmpty, !parts.contains("") else { return [] }
        return candidates.filter { candidate in
            let path = candidate.id.split(separator: "/").map(String.init)
            if parts.count == 1 && slug(candidate.name) == parts[0] { return true }
            return path.count >= parts.count && Array(path.suffix(parts.count)) == parts
        }.map(\.id)
    }
}

extension RegionCatalog {
    /// The ids of regions at `depth` (1 kota, 2 kecamatan, 3 kelurahan) that `text` names: a
    /// Kemendagri code (`33.74.11.1006`, dots optional) when the file gave codes, a path or a name.
    public func resolve(_ text: String, depth: Int) -> [String] {
        if let code = RegionDirectory.dotted(text.trimmingWhitespace()) {
            let byCode: [String] = switch depth {
            case 1: RegionDirectory.dotted(kota.code) == code ? [kota.code] : []
            case 2: kecamatan.filter { $0.code == code }.map(\.id)
            default: kelurahan.filter { $0.code == code }.map(\.id)
            }
            if !byCode.isEmpty { return byCode }
        }
        let candidates: [(id: String, name: String)] = switch depth {
        case 1: [(kota.code, kota.name)]
        case 2: kecamatan.map { ($0.id, $0.name) }
        default: kelurahan.map { ($0.id, $0.name) }
        }
        return RegionPath.matches(text, among: candidates)
    }
}
