import FieldModels
import Foundation
import HummingbirdBcrypt
import SyncEngine

/// What a Dinas staff member may do on the pages: read (viewer), also decide reports and
/// conflicts (operator), also manage staff (admin).
enum StaffRole: String, Sendable, Codable, CaseIterable {
    case viewer, `operator`, admin

    var name: LocalizedText {
        switch self {
        case .viewer: LocalizedText(id: "pembaca", en: "viewer")
        case .operator: LocalizedText(id: "operator", en: "operator")
        case .admin: LocalizedText(id: "admin", en: "admin")
        }
    }
}

/// A Dinas staff account for the pages (not a field agent: it has no device and no replica).
struct StaffMember: Sendable, Codable, Equatable {
    var username: String
    var name: String
    var role: StaffRole
    var createdAt: Int64
    var disabledAt: Int64?
}

extension ServerStore {
    static let minimumPasswordLength = 10
    /// Failed logins from one address in `loginWindow` before it must wait.
    static let maxFailedLogins = 10
    static let loginWindow: Int64 = 15 * 60_000

    /// A user name: 3–40 lower-case ASCII letters, digits, dots, dashes or underscores.
    static func isUsername(_ text: String) -> Bool {
        (3...40).contains(text.utf8.count)
            && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || [46, 45, 95].contains($0) }
    }

    /// Adds a staff account; the password is kept only as a bcrypt hash.
    func addStaff(username: String, name: String, role: StaffRole, password: String, now: Int64) async throws {
        guard Self.isUsername(username) else {
            throw ServerError(.badRequest, .badRequest, id: "Nama pengguna '\(Grammar.shown(username))' tidak sah: 3–40 huruf kecil, angka, titik, tanda hubung atau garis bawah.",
                              en: "User name '\(Grammar.shown(username))' is not valid: 3–40 lower-case letters, digits, dots, dashes or underscores.")
        }
        guard password.count >= Self.minimumPasswordLength else {
            throw ServerError(.badRequest, .badRequest, id: "Kata sandi minimal \(Self.minimumPasswordLength) karakter.",
                              en: "The password needs at least \(Self.minimumPasswordLength) characters.")
        }
        let hash = Bcrypt.hash(password, cost: 12)
        try await database.transaction { db in
            guard try await db.query("SELECT username FROM staff WHERE username = ?", [.text(username)]).isEmpty else {
                throw ServerError(.agentExists, .conflict, id: "Staf \(username) sudah ada.", en: "Staff member \(username) already exists.")
            }
            try await db.execute("INSERT INTO staff (username, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                                 [.text(username), .text(name), .text(role.rawValue), .text(hash), .int(now)])
            try await Self.audit(.staffAdded, detail: "\(username) (\(role.rawValue))", now: now, in: db)
        }
    }

    func staff() async throws -> [StaffMember] {
        try await database.transaction { db in try await db.query("SELECT * FROM staff ORDER BY username").map(Self.staffMember(from:)) }
    }

    /// The staff account with this user name; nil when there is none.
    func staff(_ username: String) async throws -> StaffMember? {
        try await database.transaction { db in
            try await db.query("SELECT * FROM staff WHERE username = ?", [.text(username)]).first.map(Self.staffMember(from:))
        }
    }

    func disableStaff(_ username: String, now: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard try await !db.query("SELECT username FROM staff WHERE username = ? AND disabled_at IS NULL", [.text(username)]).isEmpty else { return false }
            try await db.execute("UPDATE staff SET disabled_at = ? WHERE username = ?", [.int(now), .text(username)])
            try await Self.audit(.staffDisabled, detail: username, now: now, in: db)
            return true
        }
    }

    /// The active staff member with this user name and password, or nil. Failed attempts are
    /// audited by source; a source past the limit is refused without checking (`tooManyAttempts`).
    func login(username: String, password: String, source: String, now: Int64) async throws -> StaffMember? {
        let (row, failures) = try await database.transaction { db in
            (try await db.query("SELECT * FROM staff WHERE username = ? AND disabled_at IS NULL", [.text(username)]).first,
             try await db.query("SELECT COUNT(*) AS n FROM audit WHERE kind = ? AND source = ? AND at > ?",
                                [.text(AuditKind.loginFailed.rawValue), .text(source), .int(now - Self.loginWindow)])[0].int("n"))
        }
        guard failures < Self.maxFailedLogins else {
            throw ServerError(.tooManyAttempts, .tooManyRequests, id: "Terlalu banyak percobaan masuk yang gagal dari alamat ini. Coba lagi 15 menit lagi.",
                              en: "Too many failed logins from this address. Try again in 15 minutes.")
        }
        // A missing account costs the same bcrypt check as a wrong password.
        let hash = try row?.text("password_hash") ?? Self.absentHash
        guard Bcrypt.verify(password, hash: hash), let row else {
            try await database.transaction { db in
                try await Self.audit(.loginFailed, source: source, detail: "user \(Self.isUsername(username) ? username : "(not a user name)")", now: now, in: db)
            }
            return nil
        }
        return try Self.staffMember(from: row)
    }

    private static let absentHash = Bcrypt.hash("no such account", cost: 12)

    static func staffMember(from row: SQLRow) throws -> StaffMember {
        StaffMember(username: try row.text("username"), name: try row.text("name"), role: StaffRole(rawValue: try row.text("role")) ?? .viewer,
                    createdAt: try row.int("created_at"), disabledAt: row["disabled_at"].integer)
    }
}
