import Crypto
import CryptoExtras
import FieldModels
import Foundation

/// Encrypts specific personal data at rest. A random 256-bit data key seals each sensitive
/// value with AES-GCM; the data key itself is stored wrapped under a key derived from the
/// agent's passphrase with scrypt. Lookups by NIK or No. KK go through a keyed hash (HMAC),
/// so the database file holds neither the numbers nor anything that can be searched without
/// the passphrase.
public struct Vault: Sendable {
    /// scrypt cost: N = 2^logN, r = 8, p = 1. 15 (32 MiB, well under a second) by default.
    public struct KDFParameters: Sendable, Hashable, Codable {
        public var logN: Int
        public static let standard = KDFParameters(logN: 15)
        /// For tests only: fast, and weak.
        public static let testing = KDFParameters(logN: 10)
        public init(logN: Int) { self.logN = logN }
    }

    /// What the database keeps: salt, cost and the wrapped data key. None of it reveals the key.
    public struct Envelope: Sendable, Hashable, Codable {
        public var salt: Data
        public var parameters: KDFParameters
        public var wrappedKey: Data
    }

    private let dataKey: SymmetricKey
    private let indexKey: SymmetricKey
    private let searchKey: SymmetricKey

    private init(dataKey: SymmetricKey) {
        self.dataKey = dataKey
        self.indexKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("fieldsync blind index v1".utf8),
                                               outputByteCount: 32)
        self.searchKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("fieldsync search token v1".utf8),
                                                outputByteCount: 32)
    }

    /// Makes a new data key for a new replica and wraps it under the passphrase.
    public static func create(passphrase: String, parameters: KDFParameters = .standard) throws -> (Vault, Envelope) {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let kek = try deriveKEK(passphrase: passphrase, salt: salt, parameters: parameters)
        let dataKey = SymmetricKey(size: .bits256)
        let wrapped = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: kek,
                                       authenticating: Data("fieldsync data key".utf8)).combined!
        return (Vault(dataKey: dataKey), Envelope(salt: salt, parameters: parameters, wrappedKey: wrapped))
    }

    /// Opens the data key with the passphrase; a wrong passphrase throws `wrongPassphrase`.
    public static func open(passphrase: String, envelope: Envelope) throws -> Vault {
        let kek = try deriveKEK(passphrase: passphrase, salt: envelope.salt, parameters: envelope.parameters)
        do {
            let box = try AES.GCM.SealedBox(combined: envelope.wrappedKey)
            let raw = try AES.GCM.open(box, using: kek, authenticating: Data("fieldsync data key".utf8))
            return Vault(dataKey: SymmetricKey(data: raw))
        } catch {
            throw StoreError(.wrongPassphrase,
                             id: "Kata sandi salah. Tidak ada yang diubah. Coba lagi, atau tanya koordinator bila lupa.",
                             en: "Wrong passphrase. Nothing was changed. Try again, or ask your coordinator if you forgot it.")
        }
    }

    /// A new envelope for the same data key under another passphrase.
    public func rewrap(passphrase: String, parameters: KDFParameters = .standard) throws -> Envelope {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let kek = try Vault.deriveKEK(passphrase: passphrase, salt: salt, parameters: parameters)
        let wrapped = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: kek,
                                       authenticating: Data("fieldsync data key".utf8)).combined!
        return Envelope(salt: salt, parameters: parameters, wrappedKey: wrapped)
    }

    static func deriveKEK(passphrase: String, salt: Data, parameters: KDFParameters) throws -> SymmetricKey {
        do {
            return try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: salt, outputByteCount: 32,
                                            rounds: 1 << parameters.logN, blockSize: 8, parallelism: 1)
        } catch {
            throw StoreError(.corrupt, id: "Parameter kunci di basis data rusak.", en: "The key parameters in the database are damaged.",
                             cause: SendableCause(error))
        }
    }

    /// A key derived from a passphrase with scrypt (N = 2^logN, r = 8, p = 1): for what leaves
    /// the replica under a passphrase of its own, such as a bundle file.
    public static func passphraseKey(_ passphrase: String, salt: Data, logN: Int) throws -> SymmetricKey {
        try deriveKEK(passphrase: passphrase, salt: salt, parameters: KDFParameters(logN: logN))
    }

    /// Seals a value; `place` (record id and field) is authenticated, so a sealed value cannot
    /// be moved to another record unnoticed.
    public func seal(_ plaintext: Data, place: String) throws -> Data {
        try AES.GCM.seal(plaintext, using: dataKey, authenticating: Data(place.utf8)).combined!
    }

    public func open(_ sealed: Data, place: String) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: dataKey, authenticating: Data(place.utf8))
        } catch {
            throw StoreError(.corrupt, id: "Data terenkripsi untuk \(place) tidak dapat dibuka: berkas rusak atau diubah.",
                             en: "Encrypted data for \(place) cannot be opened: the file is damaged or was altered.")
        }
    }

    /// The keyed hash a search word is found by (8 bytes: a collision only adds a candidate,
    /// which the search then checks against the opened value).
    public func searchToken(_ text: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: searchKey)).prefix(8)
    }

    /// The keyed hash used to look up a NIK or No. KK: equal numbers give equal digests.
    public func blindIndex(kind: String, _ value: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data((kind + ":" + value).utf8), using: indexKey)).prefix(16)
    }
}
