import FieldModels
import Foundation

/// Region ids as they were before they became official Kemendagri codes (protocol 2 and
/// earlier: `3374/banyumanik/srondol-kulon`, now `33.74.11.1006`), for the one thing that still
/// needs them: a transaction written then was sealed by its origin over its changes as written,
/// and the migration that rewrote its areas as codes could not re-sign it (only the origin
/// device holds its key). Whoever checks or forwards such a seal asks for the change as it was
/// signed (`signedForm`).
///
/// The old id of every region follows from the region table alone (the kota code, then the
/// slug of each name, joined by `/`), so a laptop enrolled after the migration, which never saw
/// an old id, can still verify a transaction sealed before it.
public struct LegacyAreas: Sendable {
    private let legacyByCode: [String: String]

    public static let none = LegacyAreas(legacyByCode: [:])

    private init(legacyByCode: [String: String]) { self.legacyByCode = legacyByCode }

    /// From the region table's rows (id, the code; name): each region's old id, built from the
    /// kota down. A region whose kecamatan the table lacks has none.
    public init(regions: [(id: String, name: String)]) {
        let names = Dictionary(regions.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var legacy: [String: String] = [:]
        func old(_ id: String) -> String? {
            if let known = legacy[id] { return known }
            if RegionPath.depth(of: id) <= 1 { return RegionPath.kotaCode(of: id) }
            guard let name = names[id], let parent = RegionPath.parent(of: id), let above = old(parent) else { return nil }
            let value = above + "/" + RegionPath.slug(name)
            legacy[id] = value
            return value
        }
        for region in regions { legacy[region.id] = old(region.id) }
        self.legacyByCode = legacy
    }

    /// The change as its origin wrote it before region ids were codes: its area and every
    /// region-valued field (`kelurahan`, `movedTo`, an agent's `area`) by their old ids. Nil
    /// when it names no region that had another id.
    public func signedForm(of change: Change) -> Change? {
        guard !legacyByCode.isEmpty else { return nil }
        var old = change
        if let area = legacyByCode[change.area] { old.area = area }
        if case .text(let value) = change.value, let legacy = legacyByCode[value],
           change.recordType.schema.spec(for: change.field)?.kind == .area {
            old.value = .text(legacy)
        }
        return old == change ? nil : old
    }

    /// The seal digests of `changes` as signed before codes; nil when that form is the form
    /// they have.
    func signedGroups(of changes: [Change]) -> [Data]? {
        let old = changes.map { signedForm(of: $0) ?? $0 }
        return old == changes ? nil : Array(OriginSeal.groups(old).values)
    }
}
