import FieldModels
import Foundation

/// Limits on guessing enrolment codes, kept in the database (the audit trail's `code_failed`
/// entries) so a restart or a second server forgets nothing. A wrong code names no agent, so
/// besides the limit per source address there is one on all sources together.
extension ServerStore {
    /// Wrong codes one source may try before it must wait.
    static let failuresBeforeWaiting = 5
    /// Wrong codes from all sources in one minute before everyone waits.
    static let failuresPerMinuteEverywhere = 60

    /// Refuses with 429 and Retry-After while `source` must wait: after 5 wrong codes within
    /// an hour, one minute from the last, doubling with each further wrong code (at most an hour).
    func checkEnrolmentLimit(source: String, now: Int64) async throws {
        let (count, last, everywhere) = try await database.transaction { db in
            let mine = try await db.query("""
                SELECT COUNT(*) AS n, MAX(at) AS last FROM audit WHERE kind = 'code_failed' AND source = ? AND at > ?
                """, [.text(source), .int(now - 3_600_000)])[0]
            let all = try await db.query("SELECT COUNT(*) AS n FROM audit WHERE kind = 'code_failed' AND at > ?", [.int(now - 60_000)])[0]
            return (Int(try mine.int("n")), mine["last"].integer ?? 0, Int(try all.int("n")))
        }
        var until: Int64 = 0
        if count >= Self.failuresBeforeWaiting {
            until = last + min(Int64(60_000) << Int64(min(count - Self.failuresBeforeWaiting, 6)), 3_600_000)
        }
        if everywhere >= Self.failuresPerMinuteEverywhere { until = max(until, now + 60_000) }
        guard now < until else { return }
        let seconds = Int((until - now + 999) / 1000)
        try await audit(.codeLimited, source: source, detail: "asked to wait \(seconds) s after \(count) wrong codes", now: now)
        var error = ServerError(.tooManyAttempts, .tooManyRequests,
                                id: "Terlalu banyak kode pendaftaran yang salah dari alamat ini. Coba lagi setelah \(seconds) detik, dengan kode yang benar dari operator Dinas.",
                                en: "Too many wrong enrolment codes from this address. Try again after \(seconds) seconds, with the right code from the Dinas operator.")
        error.retryAfter = seconds
        throw error
    }
}
