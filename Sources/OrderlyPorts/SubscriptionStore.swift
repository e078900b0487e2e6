import Foundation
import OrderlyModel

/// Where subscriptions and their runs live.
public protocol SubscriptionStore: Sendable {
    func insertSubscription(_ subscription: Subscription, events: [EventEnvelope]) async throws
    func subscription(id: Subscription.ID) async throws -> Subscription?
    /// A user's subscriptions, newest first.
    func subscriptions(userID: User.ID, page: PageRequest) async throws -> Page<Subscription>

    /// Reads, applies `change` (which returns the events) and stores both, atomically.
    func updateSubscription(
        id: Subscription.ID, change: @escaping @Sendable (inout Subscription) throws -> [EventEnvelope]
    ) async throws -> Subscription

    /// Active subscriptions whose next run is due.
    func dueSubscriptions(at time: Date, limit: Int) async throws -> [Subscription]

    /// Claims the run at `runAt` of a subscription, only if its next run is still `runAt` (so two schedulers racing
    /// claim it once): records the run with the order it will place, and moves the next run on to `next` (or ends
    /// the subscription when `next` is nil), with the events, atomically.
    /// - Returns: false when the run was claimed already.
    func claimRun(
        subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, next: Date?, at time: Date,
        events: [EventEnvelope]
    ) async throws -> Bool

    /// Records what became of a claimed run.
    func markRun(subscriptionID: Subscription.ID, runAt: Date, status: SubscriptionRun.Status, note: String?)
        async throws

    /// Runs claimed but not yet placed (a crash between the two).
    func unplacedRuns(limit: Int) async throws -> [SubscriptionRun]

    /// Every run of a subscription, oldest first.
    func runs(subscriptionID: Subscription.ID) async throws -> [SubscriptionRun]
}
