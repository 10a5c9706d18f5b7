import Crypto
import Foundation

/// What bundle files (`FSB2`) and peer messages (`FSP1`) share: a 4-byte magic, a 16-byte salt
/// and the scrypt cost (log2 N) as a header, then AES-GCM under a key derived from the bundle
/// passphrase, the header authenticated with the content. A lost USB stick, a chat server or a
/// stranger on the Wi-Fi holds nothing readable.
enum PassphraseBox {
    enum Failure: Error { case damaged, wrongPassphrase }

    /// `inner` sealed under `key` (derived with `salt` and `logN`), after its header.
    static func seal(_ inner: Data, magic: Data, salt: Data, logN: Int, key: SymmetricKey) throws -> Data {
        let header = magic + salt + Data([UInt8(logN)])
        return header + (try AES.GCM.seal(inner, using: key, authenticating: header)).combined!
    }

    /// The content of a box and its salt; `key` derives the key from the header's salt and cost.
    /// `damaged` when it is no box of this kind, `wrongPassphrase` when the key does not open it.
    static func open(_ data: Data, magic: Data, key: (_ salt: Data, _ logN: Int) throws -> SymmetricKey) throws -> (inner: Data, salt: Data) {
        let bytes = [UInt8](data)
        guard bytes.count > 21 + 28, Data(bytes[0..<4]) == magic, (10...20).contains(Int(bytes[20])) else { throw Failure.damaged }
        let header = Data(bytes[0..<21]), salt = Data(bytes[4..<20])
        let key = try key(salt, Int(bytes[20]))
        do {
            return (try AES.GCM.open(AES.GCM.SealedBox(combined: Data(bytes[21...])), using: key, authenticating: header), salt)
        } catch {
            throw Failure.wrongPassphrase
        }
    }
}
