import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// Sends the customer the messages that follow business events: welcome, cancelled, payment failed, refund issued.
/// (The order-confirmed message is sent by the checkout workflow itself.)
public struct NotificationConsumer: EventConsumer {
    public let name = "notifications"
    public let pattern = EventPattern([
        "detail-type": [
            "UserRegistered", "OrderCancelled", "PaymentFailed", "RefundIssued", "DeliveryUpdated", "SubscriptionCreated",
            "SubscriptionResumed", "SubscriptionPaused", "SubscriptionCancelled", "SubscriptionRunFailed",
        ]
    ])
    let notifier: Notifier

    public init(notifier: Notifier) {
        self.notifier = notifier
    }

    public func handle(_ event: EventEnvelope) async throws {
        let detail = try JSON(parsing: event.detail)
        guard let userText = detail["userId"]?.stringValue, let userID = User.ID(validating: userText) else { return }
        let order = detail["orderId"]?.stringValue ?? ""
        let (type, subject, message): (String, String, String)
        switch event.detailType {
        case "UserRegistered":
            (type, subject, message) = ("WELCOME_EMAIL", "Welcome to Orderly", "Your account is ready. Happy shopping!")
        case "OrderCancelled":
            let reason = detail["reason"]?.stringValue ?? "cancelled"
            (type, subject, message) = ("ORDER_CANCELLED", "Your order was cancelled", "Order \(order) was cancelled (\(reason)).")
        case "PaymentFailed":
            let reason = detail["reason"]?.stringValue ?? "declined"
            (type, subject, message) = ("PAYMENT_FAILED", "Your payment did not go through", "The payment for order \(order) failed (\(reason)).")
        case "RefundIssued":
            let amount = detail["amount"].flatMap { try? JSONDecoder().decode(Money.self, from: Data($0.serialized().utf8)) }
            (type, subject, message) = (
                "REFUND_ISSUED", "Your refund is on its way",
                "We refunded \(amount?.formatted ?? "your payment") for order \(order)."
            )
        case "DeliveryUpdated":
            let status = (detail["status"]?.stringValue ?? "").replacingOccurrences(of: "_", with: " ").lowercased()
            (type, subject, message) = ("DELIVERY_UPDATE", "Delivery update", "The delivery of order \(order) is now \(status).")
        case "SubscriptionCreated", "SubscriptionResumed":
            (type, subject, message) = ("SUBSCRIPTION_ACTIVE", "Your subscription is active", "Your recurring order is active.")
        case "SubscriptionPaused":
            (type, subject, message) = ("SUBSCRIPTION_PAUSED", "Your subscription is paused", "No orders are placed until you resume it.")
        case "SubscriptionCancelled":
            (type, subject, message) = ("SUBSCRIPTION_CANCELLED", "Your subscription has ended", "No more recurring orders will be placed.")
        case "SubscriptionRunFailed":
            let reason = detail["reason"]?.stringValue ?? "it could not be placed"
            (type, subject, message) = ("ORDER_CANCELLED", "Your scheduled order was not placed", "Today's recurring order was not placed: \(reason)")
        default:
            return
        }
        try await notifier.notify(userID: userID, type: type, subject: subject, message: message, dedupeKey: event.id.rawValue)
    }
}

/// Keeps every event in the analytics event log.
public struct AnalyticsConsumer: EventConsumer {
    public let name = "analytics"
    public let pattern = EventPattern([:])
    let log: any EventLogStore

    public init(log: any EventLogStore) {
        self.log = log
    }

    public func handle(_ event: EventEnvelope) async throws {
        try await log.log(event)
    }
}
