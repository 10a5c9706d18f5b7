import GRDB
import PostgresNIO

/// What the server logs of an unexpected error: its kind and the codes its library gives (a
/// SQLite result code, a PostgreSQL SQLSTATE), never its message, which may quote the values of
/// a statement (a NIK, a name).
enum ErrorCause {
    static func summary(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseError:
            "SQLite \(error.extendedResultCode)"
        case let error as PSQLError:
            "PostgreSQL \(error.code)" + (error.serverInfo?[.sqlState].map { " SQLSTATE \($0)" } ?? "")
        case let error as ServerError:
            "\(error.code.rawValue)" + (error.cause.map { " (\($0))" } ?? "")
        default:
            String(describing: type(of: error))
        }
    }
}
