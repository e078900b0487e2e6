import Foundation
import OrderlyModel

/// Where users live. Every method is one atomic write or one read.
public protocol UserStore: Sendable {
    /// Stores a new user and its events in one write.
    /// - Throws: `email_taken` when another user has the same email (compared case-insensitively).
    func insertUser(_ user: User, events: [EventEnvelope]) async throws

    /// The user with this id, if any.
    func user(id: User.ID) async throws -> User?

    /// The user with this email (compared case-insensitively), if any.
    func user(email: EmailAddress) async throws -> User?

    /// The accounts of one staff role (`courier` or `admin`), newest first. Customers are not listed this way.
    func staff(role: Role, page: PageRequest) async throws -> Page<User>

    /// Applies `patch` to the user in one write and returns the result.
    /// - Throws: `not_found` when there is no such user.
    func updateUser(id: User.ID, patch: UserPatch, at time: Date, events: [EventEnvelope]) async throws -> User
}

/// A change to a user's profile. `nil` leaves a field; for `phone` and `address`, `.some(nil)` clears it.
public struct UserPatch: Sendable, Hashable {
    public var name: String?
    public var phone: String??
    public var address: Address??
    /// A new password's hash; setting it also revokes every token issued before.
    public var passwordHash: String?

    public init(name: String? = nil, phone: String?? = nil, address: Address?? = nil, passwordHash: String? = nil) {
        self.name = name
        self.phone = phone
        self.address = address
        self.passwordHash = passwordHash
    }

    /// `user` with the patch applied at `time`; a new password bumps the token generation. Pure.
    public func applied(to user: User, at time: Date) -> User {
        var user = user
        if let name { user.name = name }
        if let phone { user.phone = phone }
        if let address { user.address = address }
        if let passwordHash {
            user.passwordHash = passwordHash
            user.tokenGeneration += 1
        }
        user.updatedAt = time
        return user
    }
}

/// One limit on sign-in attempts: at most `limit` within `window` for `key` (an email, a client address, or all).
public struct LoginLimit: Hashable, Sendable {
    /// What the limit counts, e.g. `email:ann@example.com`, `address:203.0.113.7`, `all`. Short and bounded.
    public var key: String
    public var limit: Int
    public var window: TimeInterval

    public init(key: String, limit: Int, window: TimeInterval) {
        self.key = key
        self.limit = limit
        self.window = window
    }
}

/// Whether a sign-in attempt may go ahead.
public enum LoginAttemptDecision: Hashable, Sendable {
    /// It was counted against every limit; forget it with ``LoginAttemptStore/forgetLoginAttempt(_:clearing:)``
    /// if it succeeds.
    case allowed(attemptID: Int64)
    /// A limit is reached; try again after this time.
    case refused(retryAt: Date)
}

/// Counts sign-in attempts so that guessing passwords is throttled. An attempt is counted before the password is
/// checked, in one atomic step with the check of every limit, so parallel guesses cannot all slip under a limit.
public protocol LoginAttemptStore: Sendable {
    /// Counts an attempt at `time` against every limit, unless one of them is already reached (then nothing is
    /// counted). Attempts older than the longest window are forgotten.
    func takeLoginAttempt(limits: [LoginLimit], at time: Date) async throws -> LoginAttemptDecision

    /// Forgets a successful attempt, and every earlier attempt counted for `key` (its failures).
    func forgetLoginAttempt(_ attemptID: Int64, clearing key: String) async throws
}
