import Crypto
import Foundation

/// How a device signs each request with its Ed25519 key, and how the server checks it.
///
/// The signature covers the method, the path, the device id, a nonce the server issued and the
/// SHA-256 of the body as sent before compression, so a relay or proxy can neither alter a batch
/// nor pass it off as another device's, and a recorded request cannot be sent again.
///
/// ```swift
/// let headers = try RequestSignature.headers(method: "POST", path: "/v1/push", device: id, nonce: nonce, body: json, key: key)
/// ```
public enum RequestSignature {
    public static let deviceHeader = "X-Field-Device"
    public static let signatureHeader = "X-Field-Signature"
    /// The nonce the request uses up (from `/v1/nonce`, or the last answer's `nextNonceHeader`).
    public static let nonceHeader = "X-Field-Nonce"
    /// A fresh nonce for the next request, on every answer to a signed request.
    public static let nextNonceHeader = "X-Field-Next-Nonce"

    /// The exact bytes signed.
    public static func message(method: String, path: String, device: String, nonce: String, body: Data) -> Data {
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        return Data("FIELDSYNC-2\n\(method.uppercased())\n\(path)\n\(device)\n\(nonce)\n\(digest)".utf8)
    }

    /// The three headers to add to a request.
    public static func headers(method: String, path: String, device: String, nonce: String, body: Data,
                               key: Curve25519.Signing.PrivateKey) throws -> [String: String] {
        let signature = try key.signature(for: message(method: method, path: path, device: device, nonce: nonce, body: body))
        return [deviceHeader: device, nonceHeader: nonce, signatureHeader: signature.base64EncodedString()]
    }

    /// Whether `signature` (base64) is the device's signature of this request.
    public static func verify(method: String, path: String, device: String, nonce: String, body: Data,
                              signature: String, publicKey: String) -> Bool {
        guard let signatureBytes = Data(base64Encoded: signature), let keyBytes = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: message(method: method, path: path, device: device, nonce: nonce, body: body))
    }
}
