import Crypto
import FieldModels
import Foundation
import SyncEngine

/// Nonces that make every signed request good once. The server issues them without storing
/// anything: a nonce is its issue time (the server's clock), 16 random bytes and a MAC under a
/// key derived from the authority key, so any server of the same store can check one. A nonce
/// is used up when a signed request carrying it is answered: the used ones are kept, until they
/// expire, in the database (not in a process), so a replay through another server or after a
/// restart is refused too. The laptop's clock plays no part: one that says 2019 still syncs.
extension ServerStore {
    /// How long a nonce stays good after the server issued it.
    static let nonceLifetime: Int64 = 10 * 60_000

    var nonceKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: authority.key.rawRepresentation),
                               info: Data("fieldsync request nonce v1".utf8), outputByteCount: 32)
    }

    /// A fresh nonce, good for `nonceLifetime`.
    func issueNonce(now: Int64) -> String {
        var body = Data()
        withUnsafeBytes(of: now.bigEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: (0..<16).map { _ in UInt8.random(in: 0...255) })
        return (body + tag(body)).base64EncodedString()
    }

    /// The first 16 bytes of the MAC of a nonce's time and random part.
    private func tag(_ body: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: nonceKey)).prefix(16)
    }

    /// Compares without stopping at the first difference.
    static func sameBytes(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Uses up `nonce`: refused when it is not one this store issued, when it is older than its
    /// lifetime, or when a request already used it.
    func consumeNonce(_ nonce: String, now: Int64) async throws {
        guard let raw = Data(base64Encoded: nonce), raw.count == 40, Self.sameBytes(tag(raw.prefix(24)), raw.suffix(16)) else {
            throw Self.nonceRefused(.badNonce, id: "Nonce permintaan tidak dikenal server.", en: "The request's nonce is not one this server issued.")
        }
        let issued = raw.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard issued <= now + 60_000, now - issued <= Self.nonceLifetime else {
            throw Self.nonceRefused(.staleNonce, id: "Nonce permintaan sudah kedaluwarsa.", en: "The request's nonce has expired.")
        }
        let fresh = try await database.transaction { db in
            try await db.execute("DELETE FROM used_nonces WHERE expires_at < ?", [.int(now)])
            return try await db.query("""
                INSERT INTO used_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING RETURNING nonce
                """, [.text(nonce), .int(issued + Self.nonceLifetime)])
        }
        guard !fresh.isEmpty else {
            throw Self.nonceRefused(.replayed, id: "Permintaan ini sudah pernah dijawab; permintaan bertanda tangan hanya berlaku sekali.",
                                    en: "This request was answered before; a signed request is good once.")
        }
    }

    private static func nonceRefused(_ code: ErrorCode, id: String, en: String) -> ServerError {
        ServerError(code, .unauthorized, id: id + " Minta nonce baru (/v1/nonce) lalu kirim ulang.", en: en + " Ask for a new nonce (/v1/nonce) and send again.")
    }
}
