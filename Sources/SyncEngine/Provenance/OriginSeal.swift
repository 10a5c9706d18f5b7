import Crypto
import FieldModels
import Foundation

/// The origin device's Ed25519 signature over one local transaction, made when the transaction
/// is written and kept by every replica that holds it. Relays forward it untouched; whoever
/// receives the transaction verifies it against the origin replica's certificate before
/// applying anything, so no relay can alter a change or pass off its own as another's.
///
/// The signature covers the transaction's dot and the digest of each record's share of it
/// (one "group" per record). A receiver whose scope covers only some of the records gets the
/// others' digests as `withheld`: it can verify without seeing them.
public struct OriginSeal: Sendable, Hashable, Codable {
    /// The transaction sealed: the dot of its first change.
    public var transaction: Dot
    /// Ed25519 over `OriginSeal.message`, 64 bytes.
    public var signature: Data
    /// The group digests of the transaction's records not sent with it.
    public var withheld: [Data]

    public init(transaction: Dot, signature: Data, withheld: [Data] = []) {
        self.transaction = transaction
        self.signature = signature
        self.withheld = withheld
    }

    private enum CodingKeys: String, CodingKey { case transaction, signature, withheld }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        transaction = try container.decode(Dot.self, forKey: .transaction)
        signature = try container.decode(Data.self, forKey: .signature)
        withheld = try container.decodeIfPresent([Data].self, forKey: .withheld) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(transaction, forKey: .transaction)
        try container.encode(signature, forKey: .signature)
        if !withheld.isEmpty { try container.encode(withheld, forKey: .withheld) }
    }

    /// The bytes signed: a domain tag, the transaction's dot, then the sorted group digests.
    public static func message(transaction: Dot, groups: [Data]) -> Data {
        var out: [UInt8] = Array("FIELDSYNC-ORIGIN-1\n".utf8)
        Canonical.append(transaction, to: &out)
        for group in groups.sorted(by: { $0.lexicographicallyPrecedes($1) }) { out.append(contentsOf: group) }
        return Data(out)
    }

    /// One digest per record among `changes` (the record's changes in counter order).
    public static func groups(_ changes: [Change]) -> [String: Data] {
        var byRecord: [String: [Change]] = [:]
        for change in changes { byRecord[change.recordID, default: []].append(change) }
        return byRecord.mapValues { changes in
            var hasher = SHA256()
            var bytes: [UInt8] = []
            for change in changes.sorted(by: { $0.dot.counter < $1.dot.counter }) {
                bytes.removeAll(keepingCapacity: true)
                change.canonicalBytes(into: &bytes)
                hasher.update(data: bytes)
            }
            return Data(hasher.finalize())
        }
    }
}

/// A seal as a store keeps it: the signature and every group digest of the transaction, so it
/// can forward any part of the transaction with the rest withheld.
public struct StoredSeal: Sendable, Hashable {
    public var transaction: Dot
    public var signature: Data
    /// All group digests, sorted.
    public var groups: [Data]

    public init(transaction: Dot, signature: Data, groups: [Data]) {
        self.transaction = transaction
        self.signature = signature
        self.groups = groups.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The seal to send with `changes` (this transaction's changes being sent): the groups not
    /// among them go as withheld digests.
    public func wire(sending changes: [Change]) -> OriginSeal { wire(sending: changes, legacy: LegacyAreas.none)! }

    /// The same for a store that may hold transactions sealed before region ids were codes: their
    /// groups are the digests of the changes as then written, which `legacy` gives. Nil when the
    /// changes as they are do not match the groups and `legacy` is nil: call again with it.
    public func wire(sending changes: [Change], legacy: LegacyAreas?) -> OriginSeal? {
        var sent = Set(OriginSeal.groups(changes).values)
        if !sent.isSubset(of: groups) {
            guard let legacy else { return nil }
            if let signed = legacy.signedGroups(of: changes) { sent = Set(signed) }
        }
        return OriginSeal(transaction: transaction, signature: signature, withheld: groups.filter { !sent.contains($0) })
    }

    /// The groups as one blob (32 bytes each), for a database column.
    public var packedGroups: Data { groups.reduce(into: Data()) { $0.append($1) } }

    public static func unpack(_ blob: Data) -> [Data] {
        stride(from: 0, to: blob.count - blob.count % 32, by: 32).map { Data(blob[blob.startIndex + $0 ..< blob.startIndex + $0 + 32]) }
    }
}

/// Signs this device's transactions with its Ed25519 key.
public struct OriginSigner: Sendable {
    public let key: Curve25519.Signing.PrivateKey

    public init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    public var publicKey: Data { key.publicKey.rawRepresentation }

    /// The seal of one whole local transaction.
    public func seal(_ transaction: [Change]) throws -> StoredSeal {
        guard let first = transaction.min(by: { $0.dot < $1.dot }) else {
            throw Refusal(.badTransaction, LocalizedText(id: "Transaksi kosong tidak dapat disegel.", en: "An empty transaction cannot be sealed."))
        }
        let groups = Array(OriginSeal.groups(transaction).values)
        let signature = try key.signature(for: OriginSeal.message(transaction: first.transaction, groups: groups))
        return StoredSeal(transaction: first.transaction, signature: signature, groups: groups)
    }
}
