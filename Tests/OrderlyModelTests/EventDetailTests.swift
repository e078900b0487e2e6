import Foundation
import OrderlyModel
import Testing

/// The events every checkout publishes have their detail written by hand: it must be the text the envelope's encoder
/// writes for the same event (a field added to an event and not to its writer fails here).
@Suite("Event details written by hand")
struct EventDetailTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let texts = ["plain", "", "Milk \u{1F95B} \"fresh\"", "a/b\\c", "line\nbreak\t\u{1}", "é ✓ </script>"]

    static func check<Event: DomainEvent>(_ event: Event) throws {
        let written = try #require(event.writtenDetail, "\(Event.self) has no written detail")
        #expect(written == String(decoding: try encoder.encode(event), as: UTF8.self), "\(Event.self)")
        #expect(try EventEnvelope(id: .init(rawValue: "evt_1"), time: Date(), event: event).detail == written)
    }

    @Test("each checkout event's detail is the encoder's, whatever its values")
    func sameText() throws {
        for (index, text) in Self.texts.enumerated() {
            let product = Product(
                id: .init(rawValue: "prd_\(index)"), name: text, description: "",
                price: Money(
                    amount: 129 * index, currency: index.isMultiple(of: 2) ? .usd : Currency(rawValue: "JPY")!),
                category: "dairy",
                active: true, stock: StockLevel(available: 1, reserved: 0), createdAt: Date(), updatedAt: Date())
            let lines = try (0..<index).map { try PricedLine(product: product, quantity: $0 + 1) }
            let order = Order(
                id: .init(rawValue: "ord_\(index)"), userID: .init(rawValue: "usr_\(index)"), lines: lines,
                total: Money(amount: -index, currency: .usd),
                paymentMethod: [.card(token: "tok_visa"), .upi(vpa: text), .cash][index % 3], deliverySlot: nil,
                address: nil, subscriptionID: index.isMultiple(of: 2) ? nil : text, fromCart: false, at: Date())
            try Self.check(OrderCreated(order: order))
            try Self.check(OrderConfirmed(order: order))
            try Self.check(InventoryReserved(order: order, reservationId: text))
            try Self.check(InventoryCommitted(order: order))
            try Self.check(
                PaymentSucceeded(order: order, paymentId: .init(rawValue: "pay_\(index)"), transactionId: text))
        }
    }
}
