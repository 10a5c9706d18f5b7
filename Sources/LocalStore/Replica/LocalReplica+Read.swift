import FieldModels
import Foundation
import GRDB
import SyncEngine

/// A record as the replica holds it: the values shown, whether it is deleted, the warnings
/// that flag it, and the fields still in conflict.
public struct StoredRecord<R: FieldRecord>: Sendable {
    public var record: R
    public var deleted: Bool
    public var warnings: [ValidationIssue]
    public var conflicts: [FieldConflict]
}

/// A field written concurrently on several devices: every value survives until a person decides.
public struct FieldConflict: Sendable, Hashable {
    public var field: String
    /// The competing versions (value, device, agent, time); the first is the one shown meanwhile.
    public var values: [FieldVersion]
}

/// One line of a search: what was found and a short description to recognise it.
public struct SearchHit: Sendable, Hashable {
    public var id: String
    public var type: RecordType
    public var area: String
    /// Why it matched: `nik`, `kk`, `name`, `address`, `rtrw`.
    public var matchedOn: String
}

extension LocalReplica {
    /// The record with this id, or nil when the replica has none.
    public func record<R: FieldRecord>(_ type: R.Type, id: String) throws -> StoredRecord<R>? {
        try read { db in try stored(type, id: id, in: db) }
    }

    /// The record with this id; a clear `notFound` error when the replica has none.
    public func existing<R: FieldRecord>(_ type: R.Type, id: String) throws -> StoredRecord<R> {
        guard let stored = try record(type, id: id) else { throw StoreError.notFound(id) }
        return stored
    }

    /// Every record of a type inside `area` (the agent's whole area by default), oldest first.
    public func records<R: FieldRecord>(_ type: R.Type, area: String? = nil,
                                        includeDeleted: Bool = false) throws -> [StoredRecord<R>] {
        try read { db in
            let scope = area ?? agent.areaID
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM record WHERE type = ? AND (? = '' OR area = ? OR area LIKE ? ESCAPE '\\')
                AND (? OR deleted = 0) ORDER BY created_lamport, id
                """, arguments: [R.recordType.rawValue, scope, scope, Self.likePrefix(scope + RegionPath.separator), includeDeleted])
            return try ids.compactMap { try stored(type, id: $0, in: db) }
        }
    }

    func stored<R: FieldRecord>(_ type: R.Type, id: String, in db: Database) throws -> StoredRecord<R>? {
        guard let row = try Row.fetchOne(db, sql: "SELECT type, deleted FROM record WHERE id = ?", arguments: [id]),
              row["type"] == R.recordType.rawValue else { return nil }
        let live = try liveValues(recordID: id, in: db)
        let fields = MergeRules.fields(live)
        let conflicts = Self.fieldConflicts(live)
        return StoredRecord(record: R(id: id, fields: fields), deleted: row["deleted"], warnings: try warnings(recordID: id, in: db),
                            conflicts: conflicts)
    }

    /// The fields of a record in conflict, each value with who wrote it, where and when; the
    /// value shown first. A delete conflict appears as field `_deleted` with the tombstone and,
    /// as `true`/`false`, any concurrent restore.
    public func conflicts(of recordID: String) throws -> [FieldConflict] {
        try read { db in Self.fieldConflicts(try liveValues(recordID: recordID, in: db)) }
    }

    static func fieldConflicts(_ live: [String: [FieldVersion]]) -> [FieldConflict] {
        var conflicts: [FieldConflict] = []
        for (field, values) in live.sorted(by: { $0.key < $1.key })
        where MergeRules.isConflict(field, values) || (field == Change.deletedField && MergeRules.status(live) == .deleteConflict) {
            let ordered = values.sorted { ($0.lamport, $0.dot) > ($1.lamport, $1.dot) }
            conflicts.append(FieldConflict(field: field, values: ordered))
        }
        return conflicts
    }

    /// The full id of a record from its id or an unambiguous start of it (`H-7KQ` for
    /// `H-7KQ2M9X4TD1B`), case-insensitive.
    public func resolveID(_ text: String, type: RecordType? = nil) throws -> String {
        let wanted = text.trimmingWhitespace().uppercased()
        guard wanted.count >= 3 else { throw StoreError.notFound(text) }
        return try read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM record WHERE id LIKE ? ESCAPE '\\' AND (? IS NULL OR type = ?) ORDER BY id LIMIT 6
                """, arguments: [Self.likePrefix(wanted), type?.rawValue, type?.rawValue])
            if ids.contains(wanted) { return wanted }
            switch ids.count {
            case 1: return ids[0]
            case 0: throw StoreError.notFound(text)
            default:
                throw StoreError(.notFound, id: "'\(text)' cocok dengan beberapa data (\(ids.joined(separator: ", "))). Ketik lebih banyak huruf.",
                                 en: "'\(text)' matches several records (\(ids.joined(separator: ", "))). Type more of the id.")
            }
        }
    }

    /// Finds records by NIK, No. KK, DTKS id, BPJS card or phone number (whole, through the
    /// keyed hash; separators typed in it are ignored), by RT/RW
    /// (`RT 3 RW 5`, `003/005`), or by the start of words of a name, address or label (at least
    /// three letters each: `Bud San` finds Budi Santoso), through keyed search tokens.
    public func search(_ query: String, limit: Int = 50) throws -> [SearchHit] {
        let text = query.trimmingWhitespace()
        guard !text.isEmpty else { return [] }
        return try read { db in
            var found: [(String, String)] = []
            if let number = Self.searchedNumber(text) {
                for (kind, value) in number {
                    for id in try String.fetchAll(db, sql: "SELECT record_id FROM blind_index WHERE kind = ? AND digest = ?",
                                                  arguments: [kind, vault.blindIndex(kind: kind, value)]) {
                        found.append((id, kind))
                    }
                }
            } else if let (rt, rw) = Self.parseRTRW(text) {
                found += try records(rt: rt, rw: rw, in: db).map { ($0, "rtrw") }
            } else {
                let words = Self.words(text)
                guard words.contains(where: { $0.count >= 3 }) else {
                    throw StoreError(.validation, id: "Cari dengan sedikitnya 3 huruf dari nama atau alamat, NIK/No. KK lengkap, atau RT/RW.",
                                     en: "Search with at least 3 letters of a name or address, a whole NIK or No. KK, or RT/RW.")
                }
                found += try records(matchingWords: words.filter { $0.count >= 3 }, in: db).map { ($0, "text") }
            }
            var hits: [SearchHit] = []
            var seen = Set<String>()
            for (id, matched) in found where !seen.contains(id) {
                seen.insert(id)
                guard let row = try Row.fetchOne(db, sql: "SELECT type, area FROM record WHERE id = ? AND deleted = 0", arguments: [id]),
                      let type = RecordType(rawValue: row["type"]), RegionPath.contains(agent.areaID, row["area"]) else { continue }
                hits.append(SearchHit(id: id, type: type, area: row["area"], matchedOn: matched))
                if hits.count == limit { break }
            }
            return hits
        }
    }

    /// Every change ever made to a record, oldest first, decrypted: who, which field, when, from where.
    public func history(of recordID: String) throws -> [Change] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM change_log WHERE record_id = ? ORDER BY lamport, replica, counter
                """, arguments: [recordID]).map { try change(from: $0, in: db) }
        }
    }

    func change(from row: Row, in db: Database) throws -> Change {
        let recordID: String = row["record_id"]
        let field: String = row["field"]
        return Change(dot: Dot(ReplicaID(row["replica"]), UInt64(row["counter"] as Int64)),
                      transaction: Dot(ReplicaID(row["tx_replica"]), UInt64(row["tx_counter"] as Int64)),
                      recordType: RecordType(rawValue: row["record_type"]) ?? .household, recordID: recordID,
                      area: row["area"], field: field,
                      value: try decodeFromRest(text: row["value"], sealed: row["sealed"], recordID: recordID, field: field),
                      supersedes: DotListCoding.decode(row["supersedes"]), lamport: UInt64(row["lamport"] as Int64),
                      wallTime: row["wall_time"], agent: row["agent"])
    }

    /// The indexed numbers a query may be, by kind: a NIK or No. KK (16 digits), a BPJS card
    /// (13), a phone, a DTKS id (any single word with a digit in it); nil for other queries.
    static func searchedNumber(_ text: String) -> [(kind: String, value: String)]? {
        let plain = IdentityRules.cleaned(text)
        let oneWord = !text.trimmingWhitespace().contains(where: \.isWhitespace)
        guard plain.count >= 6, plain.contains(where: \.isNumber), oneWord || !plain.contains(where: \.isLetter),
              plain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "(" || $0 == ")" }),
              parseRTRW(text) == nil else { return nil }
        var kinds: [(String, String)] = [("dtks", text.trimmingWhitespace())]
        if plain.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if plain.count == 16 { kinds += [("nik", plain), ("kk", plain)] }
            if plain.count == 13 { kinds.append(("bpjs", plain)) }
        }
        let phone = PhoneRules.normalised(text)
        if PhoneRules.problem(phone, field: "phone") == nil { kinds.append(("phone", phone)) }
        return kinds
    }

    /// `RT 3 RW 5`, `rt03/rw05`, `003/005` or `RT 3`: the RT and, if given, the RW.
    static func parseRTRW(_ text: String) -> (Int, Int?)? {
        let lower = text.lowercased()
        let numbers = lower.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let letters = lower.filter { $0.isLetter }
        let slashForm = letters.isEmpty && lower.contains("/") && numbers.count == 2
        let named = lower.hasPrefix("rt") && ["rt", "rtrw"].contains(letters) && (1...2).contains(numbers.count)
        guard slashForm || named else { return nil }
        return (numbers[0], numbers.count > 1 ? numbers[1] : nil)
    }

    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for char in text {
            if char == "%" || char == "_" || char == "\\" { out.append("\\") }
            out.append(char)
        }
        return out
    }

    static func likePrefix(_ text: String) -> String { likeEscaped(text) + "%" }
}
