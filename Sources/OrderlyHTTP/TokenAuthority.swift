import Foundation
import JWTKit
import OrderlyModel
import OrderlyPorts
import OrderlyServices

/// Signs and checks the bearer tokens: HS256 JWTs with `sub` (the user id), `role`, `gen` (the user's token
/// generation), `iat` and `exp`. A verified token is then checked against the user (``AccountService/actor(for:)``):
/// a deleted user, a changed role or a changed password ends it.
public struct TokenAuthority: Sendable {
    private let keys: JWTKeyCollection
    private let clock: any WallClock
    /// How long a token is valid.
    public let lifetime: TimeInterval
    /// Tokens whose signature was checked, with what they say: a client sends the same token with every request,
    /// and checking it (an HMAC, base64 and a JSON decoder) every time was a fiftieth of a checkout. Keyed by the
    /// whole token, signature and all; expiry is still checked at every use.
    private let verified = VerifiedTokens()

    /// - Parameters:
    ///   - secret: the signing key; at least 32 bytes.
    ///   - lifetime: seconds a token stays valid.
    ///   - clock: the time used for `iat`, `exp` and expiry checks.
    public init(secret: String, lifetime: TimeInterval, clock: any WallClock) async throws {
        guard secret.utf8.count >= 32 else {
            throw OrderlyError(.internal, "The JWT secret must be at least 32 bytes long.")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.clock = clock
        self.lifetime = lifetime
    }

    /// A new token for `user` and the time it expires.
    public func issue(for user: User) async throws -> (token: String, expiresAt: Date) {
        let now = clock.now()
        let expiresAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down))
        let claims = Claims(
            sub: SubjectClaim(value: user.id.rawValue), exp: ExpirationClaim(value: expiresAt),
            iat: IssuedAtClaim(value: now), role: user.role.rawValue, gen: user.tokenGeneration)
        return (try await keys.sign(claims), expiresAt)
    }

    /// What a token says, once its signature and expiry are checked.
    /// - Throws: `unauthenticated` for a token that is malformed, forged, expired or names an unknown role.
    public func verify(_ token: String) async throws -> TokenClaims {
        if let (claims, expiresAt) = verified[token] {
            guard clock.now() < expiresAt else { throw OrderlyError(.unauthenticated, "The token has expired.") }
            return claims
        }
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch {
            throw OrderlyError(.unauthenticated, "The token is not valid.", underlying: error)
        }
        guard clock.now() < claims.exp.value else { throw OrderlyError(.unauthenticated, "The token has expired.") }
        guard let userID = User.ID(validating: claims.sub.value), let role = Role(rawValue: claims.role) else {
            throw OrderlyError(.unauthenticated, "The token is not valid.")
        }
        let checked = TokenClaims(actor: Actor(userID: userID, role: role), generation: claims.gen ?? 0)
        verified[token] = (checked, claims.exp.value)
        return checked
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var role: String
        var gen: Int?

        /// Expiry is checked against the injected clock in ``TokenAuthority/verify(_:)``, not the system's.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}

/// A verified token's claims: who it was issued to, with which role and token generation.
public struct TokenClaims: Hashable, Sendable {
    public var actor: Actor
    public var generation: Int
}

/// Verified tokens by their text, a few thousand at most (past that the cache starts over).
private final class VerifiedTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: (claims: TokenClaims, expiresAt: Date)] = [:]
    private let capacity = 4096

    subscript(token: String) -> (claims: TokenClaims, expiresAt: Date)? {
        get { lock.withLock { tokens[token] } }
        set {
            lock.withLock {
                if tokens.count >= capacity { tokens.removeAll(keepingCapacity: true) }
                tokens[token] = newValue
            }
        }
    }
}
