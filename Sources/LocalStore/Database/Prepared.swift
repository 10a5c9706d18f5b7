import GRDB

/// The statements of the hot paths (saving a record, applying a change, reading a record's
/// values), prepared once per connection and kept: compiling and authorizing a statement cost
/// more than running it (a profile of capture put a third of its time there).
extension Database {
    /// Runs a kept statement.
    func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The first column of the first row of a kept statement.
    func one<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ type: Value.Type, _ sql: String,
                                                                           _ arguments: StatementArguments = []) throws -> Value? {
        try Value.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// The first row of a kept statement.
    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// Every row of a kept statement, read before returning (so the statement is free again).
    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }
}
