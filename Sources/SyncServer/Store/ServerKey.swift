import Crypto
import FieldModels
import Foundation
import Glibc
import SyncEngine

/// The key that seals the server store's sensitive values (NIK, No. KK, and every field the
/// schema marks sensitive) with AES-GCM, and keys the blind index that finds them. It lives
/// outside the database: in a file only its owner can read (`field-server key init`), or in
/// `$FIELD_SERVER_KEY` (base64). A copy of the store without it yields no NIK.
struct ServerKey: Sendable {
    let key: SymmetricKey

    init(_ key: SymmetricKey) { self.key = key }

    static func random() -> ServerKey { ServerKey(SymmetricKey(size: .bits256)) }

    /// Names the key without revealing it; the store remembers the id of the key that sealed it.
    var id: String { Data(HMAC<SHA256>.authenticationCode(for: Data("fieldsync server key id".utf8), using: key)).prefix(8).hex }

    private var indexKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("fieldsync server blind index v1".utf8), outputByteCount: 32)
    }

    /// Seals `plain`; `place` (what it belongs to) is authenticated, so a sealed value cannot be
    /// moved to another row unnoticed.
    func seal(_ plain: Data, place: String) throws -> Data {
        try AES.GCM.seal(plain, using: key, authenticating: Data(place.utf8)).combined!
    }

    func open(_ sealed: Data, place: String) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(place.utf8))
    }

    /// The keyed hash a NIK or No. KK is found by: equal numbers give equal digests.
    func blindIndex(kind: String, _ value: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data((kind + ":" + value).utf8), using: indexKey)).prefix(16).hex
    }

    // MARK: Where the key lives

    /// The key named by `$FIELD_SERVER_KEY` (base64), else read from `file`.
    static func load(file: String) throws -> ServerKey {
        if let inline = ProcessInfo.processInfo.environment["FIELD_SERVER_KEY"], !inline.isEmpty {
            guard let raw = Data(base64Encoded: inline), raw.count == 32 else {
                throw ServerError.badConfiguration(LocalizedText(id: "$FIELD_SERVER_KEY bukan kunci 32 bita dalam base64.",
                                                                 en: "$FIELD_SERVER_KEY is not a 32-byte key in base64."))
            }
            return ServerKey(SymmetricKey(data: raw))
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw ServerError.badConfiguration(LocalizedText(
                id: "Tidak ada kunci penyimpanan di \(file). Buat dengan: field-server key init --key-file \(file)",
                en: "No store key at \(file). Make one with: field-server key init --key-file \(file)"))
        }
        try FilePermissions.requireOwnerOnly(file, what: LocalizedText(id: "Kunci penyimpanan", en: "The store key"))
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32 else {
            throw ServerError.badConfiguration(LocalizedText(id: "Berkas kunci \(file) rusak: bukan kunci 32 bita dalam base64.",
                                                             en: "The key file \(file) is damaged: not a 32-byte key in base64."))
        }
        return ServerKey(SymmetricKey(data: raw))
    }

    /// Writes the key to a new file that only its owner can read; refuses to overwrite one.
    func write(to file: String) throws {
        let text = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        try FilePermissions.createOwnerOnly(file, contents: Data(text.utf8))
    }
}

/// Files that must stay readable by their owner only: the store key, the TLS key, the SQLite
/// store and its WAL.
enum FilePermissions {
    /// Refuses a file that group or others can read or write, saying how to fix it.
    static func requireOwnerOnly(_ path: String, what: LocalizedText) throws {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int else { return }
        guard mode & 0o077 == 0 else {
            throw ServerError.badConfiguration(LocalizedText(
                id: "\(what.id) \(path) dapat dibaca pengguna lain (mode \(String(mode, radix: 8))). Perbaiki dengan: chmod 600 \(path)",
                en: "\(what.en) \(path) can be read by other users (mode \(String(mode, radix: 8))). Fix it with: chmod 600 \(path)"))
        }
    }

    /// Creates `path` with mode 0600 and writes `contents`; fails if it exists.
    static func createOwnerOnly(_ path: String, contents: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ServerError.badConfiguration(LocalizedText(id: "Berkas \(path) sudah ada atau tidak dapat dibuat.",
                                                             en: "The file \(path) already exists or cannot be created."))
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(descriptor) == 0 else {
            throw ServerError.badConfiguration(LocalizedText(id: "Berkas \(path) tidak dapat ditulis.", en: "The file \(path) cannot be written."))
        }
    }
}
