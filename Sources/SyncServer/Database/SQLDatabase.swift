import Foundation

/// A value bound to, or read from, a SQL statement: the few types the server's schema uses.
enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case text(String)
    /// Bytes: a BLOB on SQLite, a BYTEA on PostgreSQL (attachment chunks).
    case bytes(Data)

    var string: String? { if case .text(let value) = self { value } else { nil } }
    var data: Data? { if case .bytes(let value) = self { value } else { nil } }
    var integer: Int64? { if case .int(let value) = self { value } else { nil } }
}

/// One result row, by column name.
struct SQLRow: Sendable {
    var values: [String: SQLValue]

    subscript(column: String) -> SQLValue { values[column] ?? .null }

    func text(_ column: String) throws -> String {
        guard let value = self[column].string else { throw ServerError.internalFailure("column \(column) is not text") }
        return value
    }

    func int(_ column: String) throws -> Int64 {
        guard let value = self[column].integer else { throw ServerError.internalFailure("column \(column) is not an integer") }
        return value
    }
}

/// A connection inside a transaction. Statements use `?` placeholders on every database.
protocol SQLConnection: Sendable {
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLConnection {
    func execute(_ sql: String) async throws { try await execute(sql, []) }
    func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }

    /// Inserts `rows` into `table` with multi-row `INSERT … VALUES (…), (…)` statements (one
    /// round trip per few hundred rows, on SQLite and PostgreSQL alike), each followed by
    /// `conflict` (an `ON CONFLICT …` clause, or ""). Rows must not repeat a key that `conflict`
    /// updates: PostgreSQL refuses to update one row twice in a statement.
    func insert(into table: String, columns: [String], rows: [[SQLValue]], _ conflict: String = "") async throws {
        guard !rows.isEmpty else { return }
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        // Far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
        let perStatement = max(1, 8_000 / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            try await execute("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                              + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + " " + conflict,
                              chunk.flatMap { $0 })
            start += chunk.count
        }
    }
}

/// Where the server keeps its data: the embedded SQLite file, or PostgreSQL. The store's
/// logic (`ServerStore`) is written once against this.
protocol SQLDatabase: Sendable {
    /// Which database, for the few statements that differ.
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T
    func close() async
}

enum SQLDialect: String, Sendable {
    case sqlite, postgres
}
