import Foundation
import OrderlyModel
import Testing

@testable import StoreSQLite

/// Documents decoded from the database are remembered by their text; the value remembered when a document is
/// written must be the one reading it back would give.
@Suite("Document cache")
struct DocumentCacheTests {
    @Test("an order with its timeline, address and odd instants reads back equal to what was written")
    func roundTrip() throws {
        let product = Product(
            id: .init(rawValue: "prd_rt1"), name: "Milk \u{1F95B} \"fresh\"", description: "Fresh",
            price: Money(amount: 129, currency: .usd), category: "dairy", active: true,
            stock: StockLevel(available: 1, reserved: 0), createdAt: Date(), updatedAt: Date())
        var order = Order(
            id: .init(rawValue: "ord_rt1"), userID: .init(rawValue: "usr_rt1"),
            lines: [try PricedLine(product: product, quantity: 3)], total: Money(amount: 387, currency: .usd),
            paymentMethod: .card(token: "tok_visa"), deliverySlot: "2026-12-02T07:00:00Z/2026-12-02T09:00:00Z",
            address: Address(line1: "1 Lane", city: "Pune", postalCode: "411001", country: "IN"), fromCart: true,
            at: Date(timeIntervalSince1970: 1_796_000_000.123456789))
        try order.move(to: .confirmed, at: Date(timeIntervalSinceReferenceDate: 0.1 + 0.2), note: "paid")
        order.executionID = "arn:aws:states:local:000000000000:execution:checkout:ord_rt1"
        let text = try JSONColumn.encode(order)
        // Read back by a decoder that has never seen it:
        let fresh = try JSONDecoder().decode(Order.self, from: Data(text.utf8))
        #expect(fresh == order)
        #expect(try JSONColumn.decode(Order.self, from: text) == order)
        #expect(try JSONColumn.encode(fresh) == text)
    }
}
