import Foundation
import OrderlyModel
import OrderlyPorts
import Testing

@Suite("Ids, emails, addresses, carts")
struct ModelTests {
    @Test(
        "ids need their prefix and a plain body",
        arguments: [
            ("usr_01ABC", true), ("prd_01ABC", false), ("usr_", false), ("usr_a-b", false), ("usr_../../etc", false),
            ("USR_01ABC", false), ("usr_" + String(repeating: "a", count: 65), false),
            ("usr_" + String(repeating: "a", count: 64), true), ("usr_é", false),
        ])
    func ids(text: String, valid: Bool) {
        #expect((User.ID(validating: text) != nil) == valid)
    }

    @Test("generated ids are unique and sort by creation, even within one millisecond")
    func sortableIDs() {
        final class FixedClock: WallClock { func now() -> Date { Date(timeIntervalSince1970: 1_795_000_000) } }
        let generator = SortableIDGenerator(clock: FixedClock())
        let ids = (0..<1000).map { _ in generator.next(Product.self) }
        #expect(Set(ids).count == 1000)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { $0.rawValue.hasPrefix("prd_") && $0.rawValue.count == 30 })
        #expect(Product.ID(validating: ids[0].rawValue) != nil)
    }

    @Test("emails are validated and compared case-insensitively")
    func emails() throws {
        let email = try #require(EmailAddress("  Ann@Example.COM "))
        #expect(email.value == "Ann@Example.COM")
        #expect(email == EmailAddress("ann@example.com"))
        #expect(email.key == "ann@example.com")
        for bad in [
            "", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@@example.com", "ann@exa_mple.com",
        ] {
            #expect(EmailAddress(bad) == nil, "\(bad) should be refused")
        }
    }

    @Test("addresses name each bad field")
    func addresses() {
        let good = Address(line1: "1 Road", city: "Pune", postalCode: "411001", country: "IN")
        #expect(good.validate(field: "address").isEmpty)
        let bad = Address(
            line1: "", line2: "x\u{0007}", city: String(repeating: "c", count: 101), postalCode: "1", country: "in")
        #expect(
            bad.validate(field: "address").map(\.field) == [
                "address.line1", "address.line2", "address.city", "address.country",
            ])
    }

    @Test(
        "phone numbers",
        arguments: [
            ("+15551234567", true), ("020 7946 0958", true), ("12", false), ("call me", false),
            ("+1-555-123-4567-890-12", false),
        ])
    func phones(text: String, valid: Bool) {
        #expect(UserRules.phone(text).isEmpty == valid)
    }

    @Test("a cart line holds 1–99 units, a cart at most 50 lines, and 0 removes a line")
    func cartRules() throws {
        let now = Date(timeIntervalSince1970: 0)
        var cart = Cart(id: .init(rawValue: "crt_1"), userID: .init(rawValue: "usr_1"), lines: [], updatedAt: now)
        let milk = Product.ID(rawValue: "prd_milk")
        try cart.setQuantity(3, of: milk, at: now)
        #expect(cart.quantity(of: milk) == 3)
        #expect(throws: OrderlyError.self) { try cart.setQuantity(100, of: milk, at: now) }
        #expect(throws: OrderlyError.self) { try cart.setQuantity(-1, of: milk, at: now) }
        try cart.setQuantity(0, of: milk, at: now)
        #expect(cart.lines.isEmpty)
        for index in 0..<50 { try cart.setQuantity(1, of: Product.ID(rawValue: "prd_\(index)"), at: now) }
        #expect(throws: OrderlyError.self) { try cart.setQuantity(1, of: milk, at: now) }
        try cart.setQuantity(5, of: Product.ID(rawValue: "prd_7"), at: now)
        #expect(cart.lines.count == 50)
    }

    @Test("events carry the EventBridge envelope with a JSON detail")
    func events() throws {
        let adjusted = InventoryAdjusted(
            productId: .init(rawValue: "prd_1"), delta: -2, reason: "count", adjustedBy: .init(rawValue: "usr_1"))
        let event = try EventEnvelope(
            id: .init(rawValue: "evt_1"), time: Date(timeIntervalSince1970: 0), event: adjusted)
        #expect(event.detail == #"{"adjustedBy":"usr_1","delta":-2,"productId":"prd_1","reason":"count"}"#)
        #expect(event.source == "orderly.inventory" && event.aggregateID == "prd_1")
        let encoded = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        #expect(encoded.contains(#""detail-type":"InventoryAdjusted""#))
        #expect(try event.decode(InventoryAdjusted.self) == adjusted)
    }

    @Test("a detail that does not decode as the event it names is an error, never a default")
    func eventsDecodeStrictly() throws {
        var event = try EventEnvelope(
            id: .init(rawValue: "evt_2"), time: Date(timeIntervalSince1970: 0),
            event: OrderCompleted(orderId: .init(rawValue: "ord_1")))
        #expect(throws: OrderlyError.self) { try event.decode(OrderConfirmed.self) }
        event.detailType = OrderConfirmed.detailType.rawValue
        #expect(throws: OrderlyError.self) { try event.decode(OrderConfirmed.self) }
        event.detail = #"{"orderId":"ord_1","userId":"usr_1","total":{"amount":"lots","currency":"USD"},"lines":[]}"#
        #expect(throws: OrderlyError.self) { try event.decode(OrderConfirmed.self) }
    }
}
