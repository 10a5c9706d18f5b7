import FieldModels
import Foundation
import GRDB
import SyncEngine

/// Every personal value sealed at rest, and search that still works: names, addresses and
/// labels are found through keyed hashes of their words' prefixes (NFC, lower case), RT and RW
/// through keyed hashes of their numbers. What stays readable in the file: ids, region paths
/// and names of regions, counters, dates of changes, and which fields a record has.
extension LocalReplica {
    /// Whether a value is sealed in the file: every text except record references, region paths
    /// and replica ids (which the replica must read to work), and the fields marked sensitive.
    static func sealsAtRest(_ value: FieldValue, type: RecordType, field: String) -> Bool {
        guard case .text = value else { return type.isSensitive(field) && !value.isNull }
        switch type.schema.spec(for: field)?.kind {
        case .reference?, .area?, .replica?: return false
        default: return true
        }
    }

    /// The fields whose words are searchable.
    static let searchableFields: Set<String> = ["name", "address", "label"]
    /// Prefix lengths indexed; a longer query word uses the longest of these it reaches.
    static let prefixLengths = [3, 5, 8]

    /// The words of a text as search compares them: NFC, lower case, letters and digits.
    static func words(_ text: String) -> [String] {
        Grammar.normalised(text).lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// The tokens a record's current values give.
    func searchTokens(_ live: [String: [FieldVersion]]) -> Set<Data> {
        var tokens = Set<Data>()
        for (field, versions) in live {
            for version in versions {
                guard let text = version.value.text else { continue }
                if Self.searchableFields.contains(field) {
                    for word in Self.words(text) {
                        for length in Self.prefixLengths where word.count >= length {
                            tokens.insert(vault.searchToken("t:" + word.prefix(length)))
                        }
                    }
                } else if field == "rt" || field == "rw", let number = Int(text) {
                    tokens.insert(vault.searchToken("\(field):\(number)"))
                }
            }
        }
        return tokens
    }

    /// Rewrites a record's search tokens from its current values.
    func refreshSearchTokens(recordID: String, live: [String: [FieldVersion]], in db: Database) throws {
        try db.run("DELETE FROM search_token WHERE record_id = ?", [recordID])
        for token in searchTokens(live) {
            try db.run("INSERT OR IGNORE INTO search_token (token, record_id) VALUES (?, ?)", [token, recordID])
        }
    }

    /// Records whose names, addresses or labels have a word starting with each of `words`
    /// (each at least 3 letters), checked against the opened values.
    func records(matchingWords words: [String], in db: Database) throws -> [String] {
        var candidates: Set<String>?
        for word in words {
            guard let length = Self.prefixLengths.last(where: { $0 <= word.count }) else { continue }
            let found = Set(try String.fetchAll(db, sql: "SELECT record_id FROM search_token WHERE token = ?",
                                                arguments: [vault.searchToken("t:" + word.prefix(length))]))
            candidates = candidates.map { $0.intersection(found) } ?? found
        }
        return try (candidates ?? []).sorted().filter { id in
            let live = try liveValues(recordID: id, in: db)
            let held = Self.searchableFields.flatMap { live[$0] ?? [] }.compactMap(\.value.text).flatMap(Self.words)
            return words.allSatisfy { word in held.contains { $0.hasPrefix(word) } }
        }
    }

    /// Records with this RT (and RW, when given).
    func records(rt: Int, rw: Int?, in db: Database) throws -> [String] {
        var found = Set(try String.fetchAll(db, sql: "SELECT record_id FROM search_token WHERE token = ?",
                                            arguments: [vault.searchToken("rt:\(rt)")]))
        if let rw {
            found.formIntersection(try String.fetchAll(db, sql: "SELECT record_id FROM search_token WHERE token = ?",
                                                       arguments: [vault.searchToken("rw:\(rw)")]))
        }
        return found.sorted()
    }

    /// Seals, once, the values a replica from before every personal value was sealed holds in
    /// plain text, and builds its search tokens.
    func sealPersonalValuesOnce() throws {
        try transaction { db in
            guard try Meta.get(db, "sealed_personal") != "1" else { return }
            for row in try Row.fetchAll(db, sql: "SELECT replica, counter, record_type, record_id, field, value FROM change_log WHERE value IS NOT NULL") {
                guard let type = RecordType(rawValue: row["record_type"]) else { continue }
                let recordID: String = row["record_id"], field: String = row["field"]
                let value = ValueCoding.decode(row["value"])
                guard Self.sealsAtRest(value, type: type, field: field) else { continue }
                let (_, sealed) = try encodeForRest(value, type: type, recordID: recordID, field: field)
                try db.execute(sql: "UPDATE change_log SET value = NULL, sealed = ? WHERE replica = ? AND counter = ?",
                               arguments: [sealed, row["replica"] as String, row["counter"] as Int64])
                try db.execute(sql: "UPDATE field_value SET value = NULL, sealed = ? WHERE replica = ? AND counter = ?",
                               arguments: [sealed, row["replica"] as String, row["counter"] as Int64])
            }
            for id in try String.fetchAll(db, sql: "SELECT id FROM record") {
                try refreshSearchTokens(recordID: id, live: try liveValues(recordID: id, in: db), in: db)
            }
            try Meta.set(db, "sealed_personal", "1")
        }
    }
}
