import Foundation
import OrderlyModel
import Testing

@testable import StoreSQLite

/// The hand-written document texts are exactly what `JSONEncoder` with sorted keys writes, for every field filled or
/// left out, odd characters and odd instants: a field added to a model and not to the writer fails here.
@Suite("Document writer")
struct DocumentWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func reference<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let instants: [Date] = [
        Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: 0.1 + 0.2),
        Date(timeIntervalSince1970: 1_796_000_000.123456789), Date(timeIntervalSince1970: 1_796_000_000),
        Date(timeIntervalSinceReferenceDate: -12.5), Date(timeIntervalSinceReferenceDate: 1e16),
        Date(timeIntervalSinceReferenceDate: 1.5e-7),
    ]

    static let texts = [
        "", "Milk \u{1F95B} \"fresh\"", "a/b\\c", "line\nbreak\r\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "é ü ✓",
        "</script>",
    ]

    static func orders() throws -> [Order] {
        var orders: [Order] = []
        let methods: [PaymentMethod] = [.card(token: "tok_visa"), .upi(vpa: "name@bank"), .cash]
        for (index, instant) in instants.enumerated() {
            let text = texts[index % texts.count]
            let product = Product(
                id: .init(rawValue: "prd_\(index)"), name: text, description: "",
                price: Money(amount: 129, currency: .usd),
                category: "dairy", active: true, stock: StockLevel(available: 1, reserved: 0), createdAt: instant,
                updatedAt: instant)
            var order = Order(
                id: .init(rawValue: "ord_\(index)"), userID: .init(rawValue: "usr_\(index)"),
                lines: [try PricedLine(product: product, quantity: index + 1)],
                total: Money(amount: -index, currency: .usd), paymentMethod: methods[index % methods.count],
                deliverySlot: index.isMultiple(of: 2) ? nil : text,
                address: index.isMultiple(of: 3)
                    ? nil
                    : Address(
                        line1: text, line2: index.isMultiple(of: 2) ? text : nil, city: "Pune",
                        postalCode: "411001", country: "IN"),
                subscriptionID: index.isMultiple(of: 2) ? "sub_\(index)" : nil, fromCart: index.isMultiple(of: 2),
                at: instant)
            orders.append(order)
            try order.move(to: .confirmed, at: instant.addingTimeInterval(0.001), note: text)
            order.executionID = "arn:aws:states:local:000000000000:execution:checkout:ord_\(index)"
            order.idempotencyKey = text
            order.failureReason = "payment_declined"
            order.paymentStatus = .partiallyRefunded
            orders.append(order)
        }
        return orders
    }

    @Test("an order's text is JSONEncoder's")
    func orderText() throws {
        for order in try Self.orders() {
            #expect(DocumentWriter.text(of: order) == (try Self.reference(order)))
        }
    }

    @Test("a payment's text, refunds and all, is JSONEncoder's")
    func paymentText() throws {
        for (index, order) in try Self.orders().enumerated() {
            var payment = Payment(
                id: .init(rawValue: "pay_\(index)"), orderID: order.id, userID: order.userID, amount: order.total,
                method: order.paymentMethod, status: .success, transactionID: index.isMultiple(of: 2) ? nil : "txn",
                gatewayKey: index.isMultiple(of: 3) ? nil : Self.texts[index % Self.texts.count],
                failureCode: index.isMultiple(of: 4) ? "card_declined" : nil, at: order.createdAt)
            #expect(DocumentWriter.text(of: payment) == (try Self.reference(payment)))
            payment.refunds = [
                Refund(
                    id: .init(rawValue: "ref_1"), amount: order.total, reason: Self.texts[index % 7],
                    createdAt: order.updatedAt),
                Refund(
                    id: .init(rawValue: "ref_2"), amount: order.total, reason: "", status: .succeeded,
                    gatewayRefundID: "gw_1", createdAt: order.createdAt),
            ]
            #expect(DocumentWriter.text(of: payment) == (try Self.reference(payment)))
        }
    }

    @Test("a reservation's text is JSONEncoder's")
    func reservationText() throws {
        for (index, instant) in Self.instants.enumerated() {
            var reservation = Reservation(
                id: "rsv_\(index)", orderID: .init(rawValue: "ord_\(index)"),
                lines: (0..<index).map { Cart.Line(productID: .init(rawValue: "prd_\($0)"), quantity: $0 + 1) },
                expiresAt: instant.addingTimeInterval(900), at: instant)
            #expect(DocumentWriter.text(of: reservation) == (try Self.reference(reservation)))
            reservation.status = .committed
            reservation.updatedAt = instant.addingTimeInterval(1.25)
            #expect(DocumentWriter.text(of: reservation) == (try Self.reference(reservation)))
        }
    }

    @Test("a written document reads back equal, and is remembered as what it reads back as")
    func readsBack() throws {
        for order in try Self.orders() {
            let text = try JSONColumn.encode(order)
            #expect(try JSONDecoder().decode(Order.self, from: Data(text.utf8)) == order)
            #expect(try JSONColumn.decode(Order.self, from: text) == order)
        }
    }
}
