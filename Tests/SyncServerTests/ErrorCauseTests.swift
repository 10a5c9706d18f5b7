import Foundation
import GRDB
import SyncEngine
@testable import SyncServer
import Testing

/// An unexpected failure keeps its cause for the server's log, as kinds and codes only: the
/// messages of database errors can quote a statement's values.
@Suite("Server errors keep their cause, and logs never quote personal data")
struct ErrorCauseTests {
    @Test("A SQLite error is summarised by its result code, never its message")
    func sqlite() throws {
        let error = DatabaseError(resultCode: .SQLITE_CONSTRAINT_UNIQUE,
                                  message: "UNIQUE constraint failed: person.nik = 3374061505800003")
        let summary = ErrorCause.summary(error)
        #expect(summary == "SQLite \(ResultCode.SQLITE_CONSTRAINT_UNIQUE)", "the code and SQLite's own generic text: \(summary)")
        #expect(!summary.contains("3374061505800003") && !summary.contains("person.nik"))
    }

    @Test("An internal failure carries its cause for the log, and the client's answer does not")
    func internalFailure() throws {
        let wrapped = ServerError.internalFailure("DatabaseError", cause: DatabaseError(resultCode: .SQLITE_FULL, message: "disk full at Jl. Mawar 12"))
        let full = "SQLite \(ResultCode.SQLITE_FULL)"
        #expect(wrapped.cause == full)
        #expect(ErrorCause.summary(wrapped) == "internal (\(full))")
        let body = String(decoding: try JSONEncoder().encode(ErrorBody(code: wrapped.code.rawValue, text: wrapped.text)), as: UTF8.self)
        #expect(!body.contains(full) && !body.contains("Mawar"))
        #expect(ErrorCause.summary(CocoaError(.fileNoSuchFile)) == "CocoaError")
    }
}
