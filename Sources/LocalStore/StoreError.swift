import FieldModels

/// Every error the replica reports: a matchable code, what went wrong and what to do (in both
/// languages), and the underlying cause when there is one.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notInitialized, alreadyInitialized, notEnrolled, wrongPassphrase, validation, duplicateNIK, notFound
        case outsideArea, unknownRegion, database, corrupt
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
        return StoreError(.database, id: "Basis data lokal gagal: \(error). Data yang sudah tersimpan aman; coba lagi.",
                          en: "The local database failed: \(error). Saved data is safe; try again.", cause: SendableCause(error))
    }
}

/// The text of a foreign error, kept as a Sendable cause.
struct SendableCause: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ error: any Error) { description = String(describing: error) }
}
