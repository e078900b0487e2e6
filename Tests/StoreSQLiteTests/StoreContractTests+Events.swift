import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import StoreSQLite
import Testing

/// The outbox and what consumers did, subscription runs, payments and sales figures.
extension StoreContractTests {
    @Test(
        "outbox, ledger and dead letters: pending in order, delivered once, replay bookkeeping",
        arguments: Kind.available)
    func events(kind: Kind) async throws {
        let store = try await Self.make(kind)
        _ = try await Self.user(store)
        _ = try await Self.product(store, stock: 1)  // no events
        let published = Self.event("Published")
        try await store.publish(published)
        try await store.publish(published)
        let pending = try await store.pendingEvents(limit: 10)
        #expect(pending.map(\.detailType) == ["UserRegistered", "Published"])
        #expect(try await store.backlog().count == 2)
        try await store.markDispatched(pending.map(\.id), at: Self.now)
        #expect(try await store.pendingEvents(limit: 10).isEmpty)
        // Published again after delivery (a step re-run after a crash): refused, or delivered once more (SQLite keeps
        // no delivered events), which each consumer's ledger makes change nothing.
        try await store.publish(published)
        #expect(try await store.pendingEvents(limit: 10).map(\.id).allSatisfy { $0 == published.id })

        #expect(try await !store.isProcessed(consumer: "c", eventID: published.id))
        try await store.markProcessed(consumer: "c", eventID: published.id, at: Self.now)
        #expect(try await store.isProcessed(consumer: "c", eventID: published.id))

        for index in 0..<3 {
            try await store.deadLetter(
                consumer: "c\(index)", event: published, error: "boom", attempts: 4, at: Self.now + Double(index))
        }
        let first = try await store.deadLetters(page: PageRequest(limit: 2))
        #expect(first.items.map(\.consumer) == ["c2", "c1"])
        let second = try await store.deadLetters(page: PageRequest(limit: 2, after: first.nextAfter))
        #expect(second.items.map(\.consumer) == ["c0"] && second.nextAfter == nil)
        let letter = try #require(second.items.first)
        try await store.recordReplayFailure(id: letter.id, error: "again", at: Self.now)
        #expect(try await store.deadLetter(id: letter.id)?.attempts == 5)
        #expect(try await store.removeDeadLetter(id: letter.id)?.error == "again")
        #expect(try await store.deadLetter(id: letter.id) == nil)

        try await store.log(published)
        try await store.log(published)
        #expect(try await store.loggedEvents(type: "Published", page: PageRequest()).items.count == 1)

        // In batches: what a consumer handled among many, and many logged in order, each once.
        let batch = (0..<3).map { Self.event("Batched\($0)") }
        try await store.markProcessed(consumer: "b", eventIDs: [batch[0].id, batch[2].id], at: Self.now)
        #expect(try await store.processed(consumer: "b", among: batch.map(\.id)) == [batch[0].id, batch[2].id])
        #expect(try await store.processed(consumer: "c", among: batch.map(\.id)).isEmpty)
        try await store.log(batch + [batch[1], published])
        for event in batch {
            #expect(
                try await store.loggedEvents(type: event.detailType, page: PageRequest()).items.map(\.id) == [event.id])
        }
    }

    @Test("two schedulers claim a subscription run once", arguments: Kind.available)
    func subscriptionRuns(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 5)
        let subscription = Subscription(
            id: .init(rawValue: Self.ids.next("sub_")), userID: user.id, productID: product.id, quantity: 1,
            frequency: .daily, startDate: "2027-01-15", endDate: nil, deliveryTime: "07:00", paymentMethod: .cash,
            address: nil, at: Self.now)
        try await store.insertSubscription(subscription, events: [])
        let runAt = try #require(subscription.nextRunAt)
        #expect(try await store.dueSubscriptions(at: runAt - 1, limit: 10).isEmpty)
        #expect(try await store.dueSubscriptions(at: runAt, limit: 10).map(\.id) == [subscription.id])
        let claims = try await Self.successes(of: 4) { _ in
            guard
                try await store.claimRun(
                    subscriptionID: subscription.id, runAt: runAt, orderID: .init(rawValue: Self.ids.next("ord_")),
                    next: runAt + 86_400, at: runAt, events: [])
            else { throw OrderlyError(.conflict, "claimed already") }
        }
        #expect(claims == 1)
        #expect(try await store.unplacedRuns(limit: 10).map(\.subscriptionID) == [subscription.id])
        try await store.markRun(subscriptionID: subscription.id, runAt: runAt, status: .placed, note: nil)
        #expect(try await store.unplacedRuns(limit: 10).isEmpty)
        #expect(try await store.runs(subscriptionID: subscription.id).map(\.status) == [.placed])
        #expect(try await store.subscription(id: subscription.id)?.nextRunAt == runAt + 86_400)
    }

    @Test(
        "payments mirror onto the order; refunds in flight are found; sales facts count once", arguments: Kind.available
    )
    func paymentsAndSales(kind: Kind) async throws {
        let store = try await Self.make(kind)
        let user = try await Self.user(store)
        let product = try await Self.product(store, stock: 5)
        let order = try await Self.order(store, user: user, product: product)
        let payment = Payment(
            id: .init(rawValue: Self.ids.next("pay_")), orderID: order.id, userID: user.id, amount: order.total,
            method: .cash, status: .success, transactionID: "tx", at: Self.now)
        #expect(try await store.insertPayment(payment, events: []) == payment)
        #expect(try await store.order(id: order.id)?.paymentStatus == .success)
        #expect(try await store.insertPayment(payment, events: []) == payment)
        _ = try await store.updatePayment(orderID: order.id, at: Self.now) { payment in
            payment.refunds.append(
                Refund(
                    id: .init(rawValue: Self.ids.next("ref_")), amount: Money(amount: 50, currency: .usd), reason: "r",
                    status: .pending, createdAt: Self.now))
            return []
        }
        #expect(
            try await store.paymentsWithPendingRefunds(before: Self.now + 1, limit: 10).map(\.orderID) == [order.id])
        #expect(try await store.paymentsWithPendingRefunds(before: Self.now, limit: 10).isEmpty)
        #expect(try await store.payments(userID: user.id, page: PageRequest()).items.count == 1)

        let facts = [
            SaleFact(kind: .order, day: "2027-01-15", orderID: order.id.rawValue, amount: 300),
            SaleFact(
                kind: .line, day: "2027-01-15", orderID: order.id.rawValue, productID: product.id.rawValue,
                productName: "Milk", quantity: 3, amount: 300),
        ]
        let eventID = Self.event().id
        try await store.recordSaleFacts(eventID: eventID, facts: facts)
        try await store.recordSaleFacts(eventID: eventID, facts: facts)
        try await store.recordSaleFacts(
            eventID: Self.event().id,
            facts: [
                SaleFact(kind: .refund, day: "2027-01-16", orderID: order.id.rawValue, amount: 50)
            ])
        let figures = try await store.salesFigures(from: "2027-01-15", to: "2027-01-16")
        #expect(
            figures.days == [
                .init(date: "2027-01-15", orders: 1, revenue: 300, refunded: 0),
                .init(date: "2027-01-16", orders: 0, revenue: 0, refunded: 50),
            ])
        #expect(figures.topProducts == [.init(productID: product.id.rawValue, name: "Milk", quantity: 3, revenue: 300)])
        // A batch counts each of its events once, also one counted before and one given twice.
        let later = Self.event().id
        let refund = [SaleFact(kind: .refund, day: "2027-01-16", orderID: order.id.rawValue, amount: 7)]
        try await store.recordSaleFacts([(eventID, facts), (later, refund), (later, refund)])
        try await store.recordSaleFacts([(later, refund)])
        let batched = try await store.salesFigures(from: "2027-01-15", to: "2027-01-16")
        #expect(batched.days.map(\.orders) == [1, 0] && batched.days.map(\.refunded) == [0, 57])
    }
}
