import FieldModels
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL, `synchronous=NORMAL`) through GRDB. Transactions
/// run one at a time (an async lock around one connection), which also serializes pushes.
final class SQLiteDatabase: SQLDatabase {
    let dialect = SQLDialect.sqlite
    private let queue: DatabaseQueue
    private let lock = AsyncLock()

    init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(30)
        // BEGIN and COMMIT are issued as statements of their own, across several accesses.
        config.allowsUnsafeTransactions = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        if path != ":memory:" {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            // Created readable by its owner only; SQLite gives the WAL and shared-memory files
            // the same mode.
            if !FileManager.default.fileExists(atPath: path) { try FilePermissions.createOwnerOnly(path, contents: Data()) }
            for file in [path, path + "-wal", path + "-shm"] {
                try FilePermissions.requireOwnerOnly(file, what: LocalizedText(id: "Penyimpanan server", en: "The server store"))
            }
            queue = try DatabaseQueue(path: path, configuration: config)
        } else {
            queue = try DatabaseQueue(configuration: config)
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await lock.withLock {
            let connection = Connection(queue: queue)
            try await connection.execute("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                try await connection.execute("COMMIT")
                return result
            } catch {
                try? await connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    func close() async {
        try? queue.close()
    }

    /// Runs each statement on the calling task, through GRDB's synchronous access: a statement
    /// costs no hop to another thread (the async access cost a thread switch and two futex
    /// calls per statement, most of a push's time). Only the holder of `lock` gets here, so the
    /// wait for the queue is never long. Statements are prepared once per connection.
    private struct Connection: SQLConnection {
        let queue: DatabaseQueue

        func execute(_ sql: String, _ binds: [SQLValue]) async throws {
            try queue.inDatabase { db in
                try Self.statement(sql, binds: binds.count, in: db).execute(arguments: StatementArguments(binds.map(Self.databaseValue)))
            }
        }

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try queue.inDatabase { db in
                let statement = try Self.statement(sql, binds: binds.count, in: db)
                return try Row.fetchAll(statement, arguments: StatementArguments(binds.map(Self.databaseValue))).map { row in
                    var values: [String: SQLValue] = [:]
                    for (column, value) in row {
                        switch value.storage {
                        case .null: values[column] = .null
                        case .int64(let int): values[column] = .int(int)
                        case .double(let double): values[column] = .int(Int64(double))
                        case .string(let string): values[column] = .text(string)
                        case .blob(let data): values[column] = .bytes(data)
                        }
                    }
                    return SQLRow(values: values)
                }
            }
        }

        /// A statement kept prepared, except a multi-row insert or a long `IN` list: their text
        /// varies with the number of rows, and preparing one per few hundred rows costs little.
        static func statement(_ sql: String, binds: Int, in db: Database) throws -> Statement {
            binds <= 32 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        }

        static func databaseValue(_ value: SQLValue) -> DatabaseValue {
            switch value {
            case .null: .null
            case .int(let int): int.databaseValue
            case .text(let text): text.databaseValue
            case .bytes(let data): data.databaseValue
            }
        }
    }
}

/// A lock for async code: one holder at a time, waiters served in order.
actor AsyncLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
