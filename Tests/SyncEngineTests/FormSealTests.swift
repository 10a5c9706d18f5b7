import Crypto
import FieldModels
import Foundation
import SyncEngine
import Testing

/// The server's signature on a questionnaire version covers every part a laptop relies on.
@Suite struct FormSealTests {
    static let form = FormDefinition(
        formID: "uji", version: "3", title: LocalizedText(id: "Uji", en: "Test"),
        items: [FormItem(kind: .text, name: "nama", row: 2, label: LocalizedText(id: "Nama", en: "Name"))], choices: [:])

    @Test func signedByTheAuthorityOnly() throws {
        let authority = Curve25519.Signing.PrivateKey(), stranger = Curve25519.Signing.PrivateKey()
        var record = FormRecord(definition: Self.form, audience: "33.74", roles: [.psm])
        #expect(!FormSeal.verify(record, authority: authority.publicKey.rawRepresentation), "unsigned")
        record.signature = try FormSeal.sign(record, key: authority)
        #expect(FormSeal.verify(record, authority: authority.publicKey.rawRepresentation))
        #expect(!FormSeal.verify(record, authority: stranger.publicKey.rawRepresentation))
        var forged = record
        forged.signature = try FormSeal.sign(record, key: stranger)
        #expect(!FormSeal.verify(forged, authority: authority.publicKey.rawRepresentation))
        // Read back from its fields (as a laptop holds it), it still verifies.
        #expect(FormSeal.verify(FormRecord(id: record.id, fields: record.fields), authority: authority.publicKey.rawRepresentation))
    }

    @Test func anyChangeBreaksIt() throws {
        let authority = Curve25519.Signing.PrivateKey()
        var record = FormRecord(definition: Self.form, audience: "33.74", roles: [])
        record.signature = try FormSeal.sign(record, key: authority)
        let key = authority.publicKey.rawRepresentation
        var label = record
        label.definition = label.definition.replacingOccurrences(of: "\"Nama\"", with: "\"Nama lengkap\"")
        #expect(label.definition != record.definition && !FormSeal.verify(label, authority: key), "one label changed")
        var audience = record
        audience.audience = "33.74.11"
        #expect(!FormSeal.verify(audience, authority: key))
        var roles = record
        roles.roles = [.tksk]
        #expect(!FormSeal.verify(roles, authority: key))
        var version = record
        version.version = "4"
        #expect(!FormSeal.verify(version, authority: key))
        var garbage = record
        garbage.signature = String(repeating: "z", count: 128)
        #expect(!FormSeal.verify(garbage, authority: key))
    }
}
