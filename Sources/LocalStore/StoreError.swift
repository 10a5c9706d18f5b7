import FieldModels
import GRDB

/// Every error the replica reports: a matchable code, what went wrong and what to do (in both
/// languages), and the underlying cause when there is one.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notInitialized, alreadyInitialized, notEnrolled, wrongPassphrase, validation, duplicateNIK, notFound
        case outsideArea, unknownRegion, database, corrupt
        /// The disk holding the replica is full: the write was rolled back whole.
        case diskFull
        /// Received changes (or a local write) refused by `Admission`: grammar or origin.
        case refused
    }

    public var code: Code
    public var text: LocalizedText
    /// Rule findings when `code == .validation`.
    public var issues: [ValidationIssue]
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ text: LocalizedText, issues: [ValidationIssue] = [], cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.text = text
        self.issues = issues
        self.cause = cause
    }

    public init(_ code: Code, id: String, en: String, cause: (any Error & Sendable)? = nil) {
        self.init(code, LocalizedText(id: id, en: en), cause: cause)
    }

    public var description: String {
        var out = "StoreError.\(code.rawValue): \(text.en)"
        if let cause { out += " (cause: \(cause))" }
        return out
    }

    static func wrap(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
            return StoreError(.diskFull,
                              id: "Disk laptop penuh; yang sedang ditulis dibatalkan utuh, data yang sudah tersimpan aman. Kosongkan ruang (hapus berkas yang tidak perlu, lihat dengan: df -h) lalu ulangi perintah ini.",
                              en: "The laptop's disk is full; what was being written was rolled back whole, saved data is safe. Free some space (delete files you do not need; see: df -h), then run this command again.",
                              cause: SendableCause(error))
        }
        return StoreError(.database, id: "Basis data lokal gagal: \(error). Data yang sudah tersimpan aman; coba lagi.",
                          en: "The local database failed: \(error). Saved data is safe; try again.", cause: SendableCause(error))
    }
}

/// The text of a foreign error, kept as a Sendable cause.
struct SendableCause: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ error: any Error) { description = String(describing: error) }
}
