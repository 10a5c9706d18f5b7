import Crypto
import Foundation

/// The authority's statement of what an agent may hold: its scope (a kelurahan, a kecamatan,
/// a list of PKH families, or all), as the server knew it at `issuedAt`. The server hands a
/// fresh grant with every enrolment and session; a laptop passes its newest one along in
/// every bundle and peer exchange, so another laptop answers it with exactly that scope and
/// never with a wider one the sender merely claims.
public struct ScopeGrant: Sendable, Hashable, Codable {
    public var agent: String
    public var scope: SyncScope
    /// Milliseconds since 1970, by the server's clock: among two grants of one agent, the
    /// later one holds.
    public var issuedAt: Int64
    /// The authority's Ed25519 signature over `message`.
    public var signature: Data

    public init(agent: String, scope: SyncScope, issuedAt: Int64, signature: Data) {
        self.agent = agent
        self.scope = scope
        self.issuedAt = issuedAt
        self.signature = signature
    }

    /// The bytes the authority signs.
    public var message: Data {
        var out: [UInt8] = Array("FIELDSYNC-SCOPE-1\n".utf8)
        Canonical.append(agent, to: &out)
        Canonical.append(scope.kind.rawValue, to: &out)
        Canonical.append(scope.area, to: &out)
        Canonical.append(UInt64(scope.families.count), to: &out)
        for family in scope.families { Canonical.append(family, to: &out) }
        Canonical.append(UInt64(bitPattern: issuedAt), to: &out)
        return Data(out)
    }

    /// The scope an answer to `agent` may carry, who showed `grant`: the grant's, when
    /// `authority` issued it to that agent; otherwise nothing.
    public static func scope(of grant: ScopeGrant?, to agent: String, authority: Data) -> SyncScope {
        guard let grant, grant.isIssued(by: authority, to: agent) else { return nothing }
        return grant.scope
    }

    /// Whether the authority whose public key is `authority` issued this grant to `agent`.
    public func isIssued(by authority: Data, to agent: String) -> Bool {
        self.agent == agent && SignatureCheck.isValid(signature, for: message, publicKey: authority)
    }

    /// The scope that admits nothing: what a sender without a valid grant is answered with.
    public static let nothing = SyncScope(kind: .families, families: [])
}

extension CertificateAuthority {
    public func grant(agent: String, scope: SyncScope, issuedAt: Int64) throws -> ScopeGrant {
        var grant = ScopeGrant(agent: agent, scope: scope, issuedAt: issuedAt, signature: Data())
        grant.signature = try key.signature(for: grant.message)
        return grant
    }
}
