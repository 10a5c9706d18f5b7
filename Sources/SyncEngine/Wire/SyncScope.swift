import FieldModels

/// What one agent may read and write: PSM its kelurahan, TKSK its kecamatan, a PKH pendamping
/// its assigned families, Dinas everything. The server checks every pushed change against it
/// and filters every pull by it.
///
/// ```swift
/// let scope = SyncScope(role: .psm, area: "33.74.10.1004", families: [])
/// scope.admits(area: "33.74.10.1004", family: nil)   // true
/// ```
public struct SyncScope: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case all, area, families
    }

    public var kind: Kind
    /// The region path covered, for `.area`.
    public var area: String
    /// The household ids covered, for `.families` (sorted).
    public var families: [String]

    public init(kind: Kind, area: String = "", families: [String] = []) {
        self.kind = kind
        self.area = kind == .area ? area : ""
        self.families = kind == .families ? Array(Set(families)).sorted() : []
    }

    /// The scope of an agent's role: Dinas sees all, a PKH pendamping its families, others their area.
    public init(role: AgentRole, area: String, families: [String]) {
        switch role {
        case .dinas: self.init(kind: .all)
        case .pkhPendamping: self.init(kind: .families, families: families)
        case .psm, .psmCoordinator, .tksk: self.init(kind: .area, area: area)
        }
    }

    /// Whether a change to a record in `area` (a kelurahan path; empty for devices and other
    /// city-wide records) belonging to household `family` lies inside this scope.
    public func admits(area recordArea: String, family: String?) -> Bool {
        switch kind {
        case .all: true
        case .area: !recordArea.isEmpty && RegionPath.contains(area, recordArea)
        case .families: family.map { families.contains($0) } ?? false
        }
    }

    /// Whether a holder of this scope reads a record of `type` in `recordArea`: what it
    /// `admits`, and besides the city-wide records (`RecordType.isCityWide`: a regional holiday,
    /// a questionnaire) lying at the kota or the kecamatan its area lies in, whatever its role.
    /// Reading is not writing: only the server writes those (`Admission.checkCityWide`).
    public func reads(type: RecordType, area recordArea: String, family: String?) -> Bool {
        guard type.isCityWide else { return admits(area: recordArea, family: family) }
        switch kind {
        case .all, .families: return true
        case .area: return !recordArea.isEmpty && (recordArea == kota || RegionPath.contains(recordArea, area) || RegionPath.contains(area, recordArea))
        }
    }

    /// The regions above an area scope's own (its kota and, for a kelurahan, its kecamatan),
    /// where the city-wide records it reads may lie; empty for the other kinds.
    public var enclosingAreas: [String] {
        guard kind == .area else { return [] }
        var out: [String] = []
        var path = area
        while RegionPath.depth(of: path) > 1, let parent = RegionPath.parent(of: path) {
            out.append(parent)
            path = parent
        }
        return out
    }

    /// The kota of an area scope (`33.74` for `33.74.11.1006`): where the city-wide records it
    /// reads lie. Nil for the other kinds.
    public var kota: String? { kind == .area ? RegionPath.kota(of: area) : nil }

    /// A stable name, for keeping one pull checkpoint per scope.
    public var key: String {
        switch kind {
        case .all: "all"
        case .area: "area:" + area
        case .families: "families:" + families.joined(separator: ",")
        }
    }

    public var description: String { key }
}

/// Which household ("family") a record belongs to, from the link fields changes carry: a
/// household is its own family; a person, PMKS/PSKS entry or visit names its household, or a
/// person whose family is known. The server uses it for PKH scopes.
public enum FamilyLinks {
    /// Record ids whose family must be looked up in a store, because `changes` do not settle it.
    public static func lookups(for changes: [Change]) -> Set<String> {
        let links = directLinks(changes)
        var needed = Set<String>()
        for (record, link) in links {
            switch link {
            case .family: continue
            case .person(let person): if links[person] == nil { needed.insert(person) }
            case .unknown: needed.insert(record)
            }
        }
        return needed
    }

    /// The family of every record `changes` touch, given the families already stored for the
    /// ids `lookups(for:)` named. A record whose family cannot be told is left out.
    public static func families(of changes: [Change], stored: [String: String]) -> [String: String] {
        let links = directLinks(changes)
        var out: [String: String] = [:]
        for (record, link) in links {
            switch link {
            case .family(let family): out[record] = family
            case .person(let person):
                if case .family(let family)? = links[person] { out[record] = family } else if let family = stored[person] { out[record] = family }
            case .unknown: if let family = stored[record] { out[record] = family }
            }
        }
        return out
    }

    private enum Link { case family(String), person(String), unknown }

    private static func directLinks(_ changes: [Change]) -> [String: Link] {
        var links: [String: Link] = [:]
        for change in changes.sorted(by: { ($0.lamport, $0.dot) < ($1.lamport, $1.dot) }) {
            let id = change.recordID
            if change.recordType == .household {
                links[id] = .family(id)
                continue
            }
            let text = change.value.text ?? ""
            switch change.field {
            case "household" where !text.isEmpty: links[id] = .family(text)
            case "person" where !text.isEmpty:
                if case .family? = links[id] {} else { links[id] = .person(text) }
            default: if links[id] == nil { links[id] = .unknown }
            }
        }
        return links
    }
}
