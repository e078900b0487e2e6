import Foundation
import OrderlyModel
import Testing

@testable import OrderlyHTTP

/// The order as the API answers it is written by hand: byte for byte what `JSONResponse`'s encoder writes, for every
/// field filled or left out, odd characters and odd instants (a field added to the body and not to the writer fails
/// here).
@Suite("Order body")
struct OrderBodyTests {
    static let instants: [Date] = [
        Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_796_000_000.999),
        Date(timeIntervalSince1970: 1_796_000_000.000001), Date(timeIntervalSince1970: 1e10),
        Date(timeIntervalSince1970: -12.5), Date(timeIntervalSince1970: 253_402_300_799.5),
        Date(timeIntervalSinceReferenceDate: 0.1 + 0.2), Date(timeIntervalSince1970: 951_782_400),
    ]

    static let texts = [
        "", "Milk \u{1F95B} \"fresh\"", "a/b\\c", "line\nbreak\r\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "é ü ✓",
        "</script>",
    ]

    @Test("an order's body is the encoder's, whatever it holds")
    func sameBytes() throws {
        let methods: [PaymentMethod] = [.card(token: "tok_visa"), .upi(vpa: "name/bank"), .cash]
        for (index, instant) in Self.instants.enumerated() {
            let text = Self.texts[index % Self.texts.count]
            let product = Product(
                id: .init(rawValue: "prd_\(index)"), name: text, description: "",
                price: Money(amount: 129, currency: .usd), category: "dairy", active: true,
                stock: StockLevel(available: 1, reserved: 0), createdAt: instant, updatedAt: instant)
            var order = Order(
                id: .init(rawValue: "ord_\(index)"), userID: .init(rawValue: "usr_\(index)"),
                lines: [try PricedLine(product: product, quantity: index + 1)],
                total: Money(amount: -index, currency: .usd), paymentMethod: methods[index % methods.count],
                deliverySlot: index.isMultiple(of: 2) ? nil : text,
                address: index.isMultiple(of: 3)
                    ? nil
                    : Address(
                        line1: text, line2: index.isMultiple(of: 2) ? text : nil, city: "Pune/East",
                        postalCode: "411001", country: "IN"),
                subscriptionID: index.isMultiple(of: 2) ? "sub_\(index)" : nil, fromCart: index.isMultiple(of: 2),
                at: instant)
            #expect(OrderBody(order: order).json == (try JSONResponse.encoder.encode(OrderBody(order: order))))
            try order.move(
                to: .confirmed, at: instant.addingTimeInterval(0.5), note: index.isMultiple(of: 2) ? text : nil)
            order.executionID = "arn:aws:states:local:000000000000:execution:checkout:ord_\(index)"
            order.failureReason = text
            order.paymentStatus = .partiallyRefunded
            let body = OrderBody(order: order)
            #expect(
                String(decoding: body.json, as: UTF8.self)
                    == String(decoding: try JSONResponse.encoder.encode(body), as: UTF8.self))
        }
    }
}
