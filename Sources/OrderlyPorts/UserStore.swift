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

    /// Applies `patch` to the user in one write and returns the result.
    /// - Throws: `not_found` when there is no such user.
    func updateUser(id: User.ID, patch: UserPatch, at time: Date, events: [EventEnvelope]) async throws -> User
}

/// A change to a user's profile. `nil` leaves a field; for `phone` and `address`, `.some(nil)` clears it.
public struct UserPatch: Sendable, Hashable {
    public var name: String?
    public var phone: String??
    public var address: Address??
    public var passwordHash: String?

    public init(name: String? = nil, phone: String?? = nil, address: Address?? = nil, passwordHash: String? = nil) {
        self.name = name
        self.phone = phone
        self.address = address
        self.passwordHash = passwordHash
    }
}

/// Counts failed sign-ins so that guessing passwords is throttled.
public protocol LoginAttemptStore: Sendable {
    /// Records one failed sign-in for `key` (a normalised email) at `time`.
    func recordFailedLogin(key: String, at time: Date) async throws

    /// The times of the failed sign-ins for `key` at or after `since`, oldest first.
    func failedLogins(key: String, since: Date) async throws -> [Date]

    /// Forgets the failures of `key` (after a successful sign-in).
    func clearFailedLogins(key: String) async throws
}
