import Foundation

/// A message to a user.
public struct UserNotification: Hashable, Sendable, IdentifiedByPrefix {
    public typealias ID = Identifier<UserNotification>
    public static let idPrefix = "ntf_"

    public var id: ID
    public var userID: User.ID
    /// `WELCOME_EMAIL`, `ORDER_CONFIRMED`, ...
    public var type: String
    /// `EMAIL` or `SMS`.
    public var channel: String
    public var subject: String
    public var message: String
    public var status: String
    public var createdAt: Date

    public init(
        id: ID, userID: User.ID, type: String, channel: String, subject: String, message: String, status: String,
        createdAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.type = type
        self.channel = channel
        self.subject = subject
        self.message = message
        self.status = status
        self.createdAt = createdAt
    }
}
