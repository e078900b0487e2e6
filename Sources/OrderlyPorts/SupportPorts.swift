import Foundation
import OrderlyModel

/// What an idempotent request found when it began.
public enum IdempotencyBegin: Sendable, Hashable {
    /// No earlier request with this key: go ahead, then ``IdempotencyStore/complete(scope:key:response:at:)``.
    case proceed
    /// The same request finished before: answer this again.
    case replay(StoredResponse)
    /// The same key is still being worked on.
    case inProgress
    /// The key was used with a different request.
    case mismatch
}

/// An answer kept to replay byte for byte.
public struct StoredResponse: Hashable, Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data

    public init(status: Int, contentType: String, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// `Idempotency-Key` records: per user, for 24 hours.
public protocol IdempotencyStore: Sendable {
    /// Claims `key` in `scope` for a request with this `fingerprint`, or reports what happened to it before.
    /// A claim older than `lease` whose request never completed (its process died) is taken over. Records older
    /// than 24 hours no longer count and are removed.
    func begin(
        scope: String, key: String, fingerprint: String, at time: Date, lease: TimeInterval
    ) async throws -> IdempotencyBegin

    /// Stores the answer to replay.
    func complete(scope: String, key: String, response: StoredResponse, at time: Date) async throws

    /// Forgets a claim whose request failed in a way worth retrying.
    func abandon(scope: String, key: String) async throws
}

/// Where notifications are recorded.
public protocol NotificationStore: Sendable {
    /// Records a notification unless one with the same `dedupeKey` exists. Returns whether it was new.
    func insertNotification(_ notification: UserNotification, dedupeKey: String) async throws -> Bool

    /// A user's notifications, newest first.
    func notifications(userID: User.ID, page: PageRequest) async throws -> Page<UserNotification>
}

/// Notifications whose mail waits to be sent (the embedded store): a notification is recorded `QUEUED` in one write,
/// and the mail relay sends its mail once a sync covers that write, then marks it `SENT`.
public protocol QueuedMailStore: Sendable {
    /// Notifications still `QUEUED`, oldest first.
    func queuedNotifications(limit: Int) async throws -> [UserNotification]

    /// Marks these notifications `SENT` (those not `QUEUED` are left as they are).
    func markSent(_ ids: [UserNotification.ID]) async throws
}

/// Sends email. The embedded adapter appends each message to the day's mailbox (mbox) in the mail folder.
public protocol Mailer: Sendable {
    func send(to address: String, subject: String, body: String, messageID: String) async throws
}

/// Stores files such as receipts. The embedded adapter writes under the data folder; on AWS, S3.
public protocol BlobStore: Sendable {
    func put(_ data: Data, key: String, contentType: String) async throws
    func get(key: String) async throws -> Data?
}
