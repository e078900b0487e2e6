import Foundation
import OrderlyModel
import OrderlyPorts

/// Records a notification for a user and sends it by email, once per dedupe key.
///
/// With a ``MailRelay`` (the embedded store) the notification is recorded `QUEUED` and the relay sends it once a sync
/// covers it; without one (SNS, whose publish is durable) the mail is sent first and the notification recorded
/// `SENT`.
public struct Notifier: Sendable {
    let notifications: any NotificationStore
    let users: any UserStore
    let mailer: any Mailer
    let relay: MailRelay?
    let env: ServiceEnvironment

    public init(
        notifications: any NotificationStore, users: any UserStore, mailer: any Mailer, relay: MailRelay? = nil,
        env: ServiceEnvironment
    ) {
        self.notifications = notifications
        self.users = users
        self.mailer = mailer
        self.relay = relay
        self.env = env
    }

    /// Records the notification and emails it, unless one with `dedupeKey` was recorded before (then nothing).
    public func notify(userID: User.ID, type: String, subject: String, message: String, dedupeKey: String) async throws
    {
        guard let user = try await users.user(id: userID) else { return }
        var notification = UserNotification(
            id: env.ids.next(UserNotification.self), userID: userID, type: type, channel: "EMAIL", subject: subject,
            message: message, status: "SENT", createdAt: env.clock.now())
        if let relay {
            notification.status = "QUEUED"
            _ = try await notifications.insertNotification(notification, dedupeKey: dedupeKey)
            relay.wake()
            return
        }
        // Send first, then record: a crash in between sends again (at least once) rather than never. The mail's
        // message id is the dedupe key, so a second send of the same message carries the same id.
        try await mailer.send(
            to: user.email.value, subject: subject, body: Self.body(name: user.name, message: message),
            messageID: dedupeKey)
        _ = try await notifications.insertNotification(notification, dedupeKey: dedupeKey)
    }

    /// A notification's mail, as the user reads it.
    static func body(name: String, message: String) -> String {
        "Hello \(name),\n\n\(message)\n\n— Orderly\n"
    }

    /// A user's notifications, newest first.
    public func list(for actor: Actor, page: PageRequest) async throws -> Page<UserNotification> {
        try await notifications.notifications(userID: actor.userID, page: page)
    }
}
