import Foundation
import OrderlyModel
import OrderlyPorts

/// Sends the customer the messages that follow business events: welcome, cancelled, payment failed, refund issued,
/// delivery moves and subscription changes. (The order-confirmed message is sent by the checkout workflow itself.)
public struct NotificationConsumer: EventConsumer {
    public static let name = "notifications"
    public var name: String { Self.name }
    public var pattern: EventPattern { Self.pattern }
    public static let pattern = EventPattern(detailTypes: [
        UserRegistered.self, OrderCancelled.self, PaymentFailed.self, RefundIssued.self, DeliveryUpdated.self,
        SubscriptionCreated.self, SubscriptionResumed.self, SubscriptionPaused.self, SubscriptionCancelled.self,
        SubscriptionRunFailed.self,
    ])
    let notifier: Notifier

    public init(notifier: Notifier) {
        self.notifier = notifier
    }

    /// One message to one customer.
    struct Message {
        var userID: User.ID
        var type: String
        var subject: String
        var text: String
    }

    public func handle(_ event: EventEnvelope) async throws {
        guard let message = try Self.message(for: event) else { return }
        try await notifier.notify(
            userID: message.userID, type: message.type, subject: message.subject, message: message.text,
            dedupeKey: event.id.rawValue)
    }

    /// The message an event calls for, or nil when it calls for none.
    /// - Throws: when the event's detail does not decode as the event it names.
    static func message(for event: EventEnvelope) throws -> Message? {
        switch event.name {
        case .userRegistered:
            let user = try event.decode(UserRegistered.self)
            return Message(
                userID: user.userId, type: "WELCOME_EMAIL", subject: "Welcome to Orderly",
                text: "Your account is ready. Happy shopping!")
        case .orderCancelled:
            let cancelled = try event.decode(OrderCancelled.self)
            return Message(
                userID: cancelled.userId, type: "ORDER_CANCELLED", subject: "Your order was cancelled",
                text: "Order \(cancelled.orderId) was cancelled (\(cancelled.reason)).")
        case .paymentFailed:
            let failed = try event.decode(PaymentFailed.self)
            return Message(
                userID: failed.userId, type: "PAYMENT_FAILED", subject: "Your payment did not go through",
                text: "The payment for order \(failed.orderId) failed (\(failed.reason)).")
        case .refundIssued:
            let refund = try event.decode(RefundIssued.self)
            return Message(
                userID: refund.userId, type: "REFUND_ISSUED", subject: "Your refund is on its way",
                text: "We refunded \(refund.amount.formatted) for order \(refund.orderId).")
        case .deliveryUpdated:
            let delivery = try event.decode(DeliveryUpdated.self)
            let status = delivery.status.rawValue.replacingOccurrences(of: "_", with: " ").lowercased()
            return Message(
                userID: delivery.userId, type: "DELIVERY_UPDATE", subject: "Delivery update",
                text: "The delivery of order \(delivery.orderId) is now \(status).")
        case .subscriptionCreated:
            return Message(
                userID: try event.decode(SubscriptionCreated.self).userId, type: "SUBSCRIPTION_ACTIVE",
                subject: "Your subscription is active", text: "Your recurring order is active.")
        case .subscriptionResumed:
            return Message(
                userID: try event.decode(SubscriptionResumed.self).userId, type: "SUBSCRIPTION_ACTIVE",
                subject: "Your subscription is active", text: "Your recurring order is active.")
        case .subscriptionPaused:
            return Message(
                userID: try event.decode(SubscriptionPaused.self).userId, type: "SUBSCRIPTION_PAUSED",
                subject: "Your subscription is paused", text: "No orders are placed until you resume it.")
        case .subscriptionCancelled:
            return Message(
                userID: try event.decode(SubscriptionCancelled.self).userId, type: "SUBSCRIPTION_CANCELLED",
                subject: "Your subscription has ended", text: "No more recurring orders will be placed.")
        case .subscriptionRunFailed:
            let failed = try event.decode(SubscriptionRunFailed.self)
            return Message(
                userID: failed.userId, type: "ORDER_CANCELLED", subject: "Your scheduled order was not placed",
                text: "Today's recurring order was not placed: \(failed.reason)")
        default:
            return nil
        }
    }
}

/// Keeps every event in the analytics event log.
public struct AnalyticsConsumer: BatchEventConsumer {
    public static let name = "analytics"
    public var name: String { Self.name }
    public var pattern: EventPattern { Self.pattern }
    public static let pattern = EventPattern([:])
    let log: any EventLogStore

    public init(log: any EventLogStore) {
        self.log = log
    }

    public func handle(_ event: EventEnvelope) async throws {
        try await log.log(event)
    }

    public func handle(batch events: [EventEnvelope]) async throws {
        try await log.log(events)
    }

    /// The event log holds each event id once.
    public var keepsItsOwnRecord: Bool { true }
}

/// Starts the refund and restock of every order cancelled after its checkout confirmed it. The request that cancels
/// starts them too; this consumer is what makes them happen when that process stopped in between, since the
/// `OrderCancelled` event is recorded in the same write as the cancellation.
public struct CancellationConsumer: EventConsumer {
    public static let name = "cancellations"
    public var name: String { Self.name }
    public var pattern: EventPattern { Self.pattern }
    public static let pattern = EventPattern(detailTypes: [OrderCancelled.self])
    let orders: OrderService

    public init(orders: OrderService) {
        self.orders = orders
    }

    public func handle(_ event: EventEnvelope) async throws {
        let cancelled = try event.decode(OrderCancelled.self)
        // A CREATED order's own checkout compensates; only a confirmed one needs the cancel-order workflow.
        guard cancelled.from == .confirmed || cancelled.from == .packed else { return }
        try await orders.startCompensation(of: cancelled.orderId, reason: cancelled.reason)
    }
}
