import Crypto
import FieldModels
import Foundation

/// The authority's statement that a replica id belongs to one device: the device writes as
/// that replica with this Ed25519 key, for this agent. Issued by the sync server when a
/// device enrols or registers a new replica id (after a restored backup, or a new key), and
/// carried to every replica that receives the replica's changes, so anyone can check a
/// transaction's seal without asking the server.
///
/// A replica id is bound to one key for ever: a new key means a new replica id, so a
/// certificate never has to be withdrawn for the changes it already covers. A revoked
/// device's stored changes stay valid; the server refuses its new ones.
public struct ReplicaCertificate: Sendable, Hashable, Codable {
    public var replica: ReplicaID
    public var device: String
    public var agent: String
    /// The device's Ed25519 public key, raw 32 bytes.
    public var publicKey: Data
    /// When the server issued it (milliseconds since 1970; shown, never compared).
    public var issuedAt: Int64
    /// The authority's Ed25519 signature over `message`.
    public var signature: Data

    public init(replica: ReplicaID, device: String, agent: String, publicKey: Data, issuedAt: Int64, signature: Data) {
        self.replica = replica
        self.device = device
        self.agent = agent
        self.publicKey = publicKey
        self.issuedAt = issuedAt
        self.signature = signature
    }

    /// The bytes the authority signs.
    public var message: Data {
        var out: [UInt8] = Array("FIELDSYNC-REPLICA-1\n".utf8)
        Canonical.append(replica.rawValue, to: &out)
        Canonical.append(device, to: &out)
        Canonical.append(agent, to: &out)
        Canonical.append(UInt64(publicKey.count), to: &out)
        out.append(contentsOf: publicKey)
        Canonical.append(UInt64(bitPattern: issuedAt), to: &out)
        return Data(out)
    }

    /// Whether the authority whose public key is `authority` (raw 32 bytes) issued this.
    public func isIssued(by authority: Data) -> Bool {
        SignatureCheck.isValid(signature, for: message, publicKey: authority)
    }

    /// Whether `seal` is this replica's key's signature over the transaction with `groups`.
    public func verifies(_ seal: OriginSeal, groups: [Data]) -> Bool {
        seal.transaction.replica == replica
            && SignatureCheck.isValid(seal.signature, for: OriginSeal.message(transaction: seal.transaction, groups: groups), publicKey: publicKey)
    }
}

/// The key that issues replica certificates: the sync server's. Laptops learn its public half
/// when they enrol (bound to the one-time code, see `EnrolmentProof`).
public struct CertificateAuthority: Sendable {
    public let key: Curve25519.Signing.PrivateKey

    public init(key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()) { self.key = key }

    public var publicKey: Data { key.publicKey.rawRepresentation }

    public func issue(replica: ReplicaID, device: String, agent: String, publicKey: Data, issuedAt: Int64) throws -> ReplicaCertificate {
        var certificate = ReplicaCertificate(replica: replica, device: device, agent: agent, publicKey: publicKey,
                                             issuedAt: issuedAt, signature: Data())
        certificate.signature = try key.signature(for: certificate.message)
        return certificate
    }
}

/// Binds the authority's public key to the one-time enrolment code the operator handed to the
/// agent: the server answers an enrolment with HMAC-SHA256(code, authority key), so a laptop
/// enrolling over a network it cannot trust still learns the right authority.
public enum EnrolmentProof {
    /// The code as the operator printed it, ignoring case, spaces and dashes.
    public static func normalised(_ code: String) -> String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
    }

    public static func make(code: String, authority: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: authority, using: SymmetricKey(data: Data(normalised(code).utf8))))
    }

    public static func check(_ proof: Data, code: String, authority: Data) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: authority, using: SymmetricKey(data: Data(normalised(code).utf8)))
    }
}

/// Ed25519 verification, remembering the (key, message, signature) triples found valid: a
/// transaction relayed through several replicas in one process (the property tests, a future
/// TKSK serving many laptops) is verified once. Only successes are kept, so the memo can never
/// turn a bad signature good.
enum SignatureCheck {
    private static let memo = Memo()

    static func isValid(_ signature: Data, for message: Data, publicKey: Data) -> Bool {
        var hasher = SHA256()
        hasher.update(data: publicKey)
        hasher.update(data: signature)
        hasher.update(data: message)
        let fingerprint = Data(hasher.finalize())
        if memo.contains(fingerprint) { return true }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
              key.isValidSignature(signature, for: message) else { return false }
        memo.insert(fingerprint)
        return true
    }

    private final class Memo: @unchecked Sendable {
        // Every access holds `lock`.
        private let lock = NSLock()
        private var valid = Set<Data>()

        func contains(_ fingerprint: Data) -> Bool { lock.withLock { valid.contains(fingerprint) } }

        func insert(_ fingerprint: Data) {
            lock.withLock {
                if valid.count >= 100_000 { valid.removeAll(keepingCapacity: true) }
                valid.insert(fingerprint)
            }
        }
    }
}
