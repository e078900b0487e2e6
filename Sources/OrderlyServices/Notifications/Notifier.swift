import Foundation
import OrderlyModel
import OrderlyPorts

/// Records a notification for a user and sends it by email, once per dedupe key.
public struct Notifier: Sendable {
    let notifications: any NotificationStore
    let users: any UserStore
    let mailer: any Mailer
    let env: ServiceEnvironment

    public init(notifications: any NotificationStore, users: any UserStore, mailer: any Mailer, env: ServiceEnvironment)
    {
        self.notifications = notifications
        self.users = users
        self.mailer = mailer
        self.env = env
    }

    /// Records the notification and emails it, unless one with `dedupeKey` was recorded before (then nothing).
    public func notify(userID: User.ID, type: String, subject: String, message: String, dedupeKey: String) async throws
    {
        guard let user = try await users.user(id: userID) else { return }
        let notification = UserNotification(
            id: env.ids.next(UserNotification.self), userID: userID, type: type, channel: "EMAIL", subject: subject,
            message: message, status: "SENT", createdAt: env.clock.now())
        // Send first, then record: a crash in between sends again (at least once) rather than never. The mail's
        // message id is the dedupe key, so a second send of the same message overwrites the first file.
        try await mailer.send(
            to: user.email.value, subject: subject, body: "Hello \(user.name),\n\n\(message)\n\n— Orderly\n",
            messageID: dedupeKey)
        _ = try await notifications.insertNotification(notification, dedupeKey: dedupeKey)
    }

    /// A user's notifications, newest first.
    public func list(for actor: Actor, page: PageRequest) async throws -> Page<UserNotification> {
        try await notifications.notifications(userID: actor.userID, page: page)
    }
}
