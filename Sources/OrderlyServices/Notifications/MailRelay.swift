import Foundation
import Logging
import OrderlyModel
import OrderlyPorts

/// Sends the mail of notifications recorded `QUEUED` (the embedded store's outbox of mail), then marks them `SENT`.
///
/// A notification is recorded in one write with nothing sent; the relay sends its mail once a sync covers that
/// write, so no customer is told of anything a power loss could take back, and no step waits for a sync of its own
/// before it goes on (a checkout's answer makes the sync anyway). A pass takes what is queued, makes it durable (one
/// sync for the batch, none when the answers' syncs already covered it), sends each message and marks the batch
/// sent in one write. Delivery is at least once: a crash between the send and the mark sends again at the next start.
public final class MailRelay: Sendable {
    let store: any QueuedMailStore
    let users: any UserStore
    let mailer: any Mailer
    let durability: any StorageDurability
    let logger: Logger
    /// How long queued mail gathers after a wake-up before a pass: a pass costs a read, a sync when the answers' own
    /// did not cover it, and a write, whatever its size. At 20 ms a lone buyer's server made a sync a checkout more
    /// every dozen checkouts, each one delaying the commits queued behind it; as with the event dispatcher, mail lags
    /// what caused it by 100 ms at most on a server that keeps up.
    let gathering: Duration
    /// The most notifications one pass takes.
    let batchLimit = 100
    private let wakeUps: AsyncStream<Void>
    private let waker: AsyncStream<Void>.Continuation

    public init(
        store: any QueuedMailStore, users: any UserStore, mailer: any Mailer, durability: any StorageDurability,
        logger: Logger, gathering: Duration = .milliseconds(100)
    ) {
        self.store = store
        self.users = users
        self.mailer = mailer
        self.durability = durability
        self.logger = logger
        self.gathering = gathering
        (wakeUps, waker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the relay that mail was queued.
    public func wake() { waker.yield() }

    /// Sends what was queued before the start (a stop or a crash left it), then whatever is queued after each
    /// wake-up, until cancelled; then what is still queued, so a graceful stop leaves none.
    public func run() async {
        await sendQueuedLogging()
        for await _ in wakeUps {
            try? await Task.sleep(for: gathering)
            if Task.isCancelled { break }
            // A pass that failed (the mailbox or the disk) is tried again a second later, woken or not.
            while await !sendQueuedLogging(), !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await sendQueuedLogging()
    }

    /// Sends every queued notification's mail. Returns how many were sent.
    @discardableResult
    public func sendQueued() async throws -> Int {
        var sent = 0
        while true {
            let batch = try await store.queuedNotifications(limit: batchLimit)
            guard !batch.isEmpty else { return sent }
            try await durability.makeDurable()
            var done: [UserNotification.ID] = []
            do {
                for notification in batch {
                    // A user no longer there has no address: the notification is marked, with nothing sent.
                    if let user = try await users.user(id: notification.userID) {
                        try await mailer.send(
                            to: user.email.value, subject: notification.subject,
                            body: Notifier.body(name: user.name, message: notification.message),
                            messageID: notification.id.rawValue)
                    }
                    done.append(notification.id)
                }
            } catch {
                try await store.markSent(done)
                throw error
            }
            try await store.markSent(done)
            sent += done.count
            if batch.count < batchLimit { return sent }
        }
    }

    @discardableResult
    private func sendQueuedLogging() async -> Bool {
        do {
            try await sendQueued()
            return true
        } catch {
            logger.error("sending queued mail failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
