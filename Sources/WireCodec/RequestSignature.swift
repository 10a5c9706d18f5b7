import Crypto
import Foundation

/// How a device signs each request with its Ed25519 key, and how the server checks it.
///
/// The signature covers the method, the path, the device id and the SHA-256 of the body as
/// sent before compression, so a relay or proxy can neither alter a batch nor pass it off as
/// another device's.
///
/// ```swift
/// let headers = try RequestSignature.headers(method: "POST", path: "/v1/push", device: id, body: json, key: key)
/// ```
public enum RequestSignature {
    public static let deviceHeader = "X-Field-Device"
    public static let signatureHeader = "X-Field-Signature"

    /// The exact bytes signed.
    public static func message(method: String, path: String, device: String, body: Data) -> Data {
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        return Data("FIELDSYNC-1\n\(method.uppercased())\n\(path)\n\(device)\n\(digest)".utf8)
    }

    /// The two headers to add to a request.
    public static func headers(method: String, path: String, device: String, body: Data,
                               key: Curve25519.Signing.PrivateKey) throws -> [String: String] {
        let signature = try key.signature(for: message(method: method, path: path, device: device, body: body))
        return [deviceHeader: device, signatureHeader: signature.base64EncodedString()]
    }

    /// Whether `signature` (base64) is the device's signature of this request.
    public static func verify(method: String, path: String, device: String, body: Data,
                              signature: String, publicKey: String) -> Bool {
        guard let signatureBytes = Data(base64Encoded: signature), let keyBytes = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: message(method: method, path: path, device: device, body: body))
    }
}
