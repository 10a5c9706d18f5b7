import Crypto
import FieldModels
import Foundation

/// The sync server's signature on a questionnaire version: Ed25519 with the authority key over
/// the record's id, audience, roles and definition. The change that carries a form is sealed
/// too (`OriginSeal`), but a laptop checks this signature again whenever it is about to show
/// a form, so a definition altered anywhere after the Dinas published it (a peer, a restored
/// disk) is never filled in.
///
/// ```swift
/// var record = FormRecord(definition: form, audience: "33.74", roles: [])
/// record.signature = try FormSeal.sign(record, key: authorityKey)
/// FormSeal.verify(record, authority: authorityPublicKey)   // true; false after any edit
/// ```
public enum FormSeal {
    /// What is signed: a domain tag, then each part on its own line (the definition last: it is
    /// JSON, on one line).
    public static func message(_ record: FormRecord) -> Data {
        Data(["fieldsync-form-v1", record.id, record.formID, record.version, record.audience,
              record.roles.map(\.rawValue).sorted().joined(separator: ","), record.definition].joined(separator: "\n").utf8)
    }

    /// The signature as hex (what the record's `signature` field holds).
    public static func sign(_ record: FormRecord, key: Curve25519.Signing.PrivateKey) throws -> String {
        try key.signature(for: message(record)).hex
    }

    /// Whether `record` carries a valid signature of `authority` (a raw Ed25519 public key).
    public static func verify(_ record: FormRecord, authority: Data) -> Bool {
        guard record.signature.utf8.count == 128, let signature = Data(hex: record.signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: authority) else { return false }
        return key.isValidSignature(signature, for: message(record))
    }
}
