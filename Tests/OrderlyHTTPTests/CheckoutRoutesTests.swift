import Foundation
import Testing

@Suite("Checkout")
struct CheckoutRoutesTests {
    private func stock(_ api: TestAPI, _ product: String) async throws -> (Int, Int) {
        let reply = try await api.call(.get, "/v1/products/\(product)")
        let stock = reply["stock"] as? [String: Any]
        return (stock?["available"] as? Int ?? -1, stock?["reserved"] as? Int ?? -1)
    }

    @Test("checking out the cart confirms the order, charges once, commits stock, empties the cart, stores a receipt")
    func happyPath() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(name: #"Milk <b> & \"Co\""#, price: 129, stock: 10, admin: admin)
            let (token, userID) = try await api.customer()
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":3}"#, token: token)

            let reply = try await api.call(
                .post, "/v1/checkout?wait=true", json: #"{"paymentMethod":{"type":"card","token":"tok_visa"}}"#,
                token: token)
            #expect(reply.status == 200)
            #expect(reply.string("status") == "CONFIRMED")
            #expect(reply.string("paymentStatus") == "SUCCESS")
            #expect(reply.string("userId") == userID)
            #expect((reply["total"] as? [String: Any])?["amount"] as? Int == 387)
            #expect(
                (reply["timeline"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == [
                    "CREATED", "CONFIRMED",
                ])
            let orderID = try #require(reply.string("orderId"))

            #expect(try await stock(api, milk) == (7, 0))
            #expect(try await api.ledger(milk).holds)
            #expect(try await api.ledger(milk).sold == 3)
            let cart = try await api.call(.get, "/v1/cart", token: token)
            #expect((cart["items"] as? [Any])?.isEmpty == true)

            let receipt = try await api.call(.get, "/v1/orders/\(orderID)/receipt", token: token)
            #expect(receipt.status == 200)
            #expect(receipt.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(receipt.text.contains(orderID) && receipt.text.contains("USD 3.87"))
            #expect(receipt.text.contains("Milk &lt;b&gt; &amp; &quot;Co&quot;") && !receipt.text.contains("<b>"))

            let payments = try await api.call(.get, "/v1/payments", token: token)
            let payment = try #require((payments["items"] as? [[String: Any]])?.first)
            #expect(payment["status"] as? String == "SUCCESS")
            #expect((payment["transactionId"] as? String)?.hasPrefix("txn_") == true)
            #expect((payment["method"] as? [String: Any])?["token"] == nil)

            let notifications = try await api.call(.get, "/v1/notifications", token: token)
            #expect(
                (notifications["items"] as? [[String: Any]])?.contains { $0["type"] as? String == "ORDER_CONFIRMED" }
                    == true)

            let executionID = try #require(reply.string("executionId"))
            let encoded = executionID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? executionID
            let execution = try await api.call(.get, "/v1/admin/executions/\(encoded)", token: admin)
            #expect(execution.string("status") == "SUCCEEDED")
            let types = (execution["history"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(types.first == "ExecutionStarted" && types.last == "ExecutionSucceeded")
            #expect(types.contains("ParallelStateSucceeded"))
            #expect(try await api.call(.get, "/v1/admin/executions/\(encoded)", token: token).status == 403)

            let metrics = try await api.call(.get, "/metrics").text
            #expect(metrics.contains(#"workflow_executions_total{workflow="checkout",status="SUCCEEDED",error=""} 1"#))
            #expect(metrics.contains(#"workflow_state_transitions_total{workflow="checkout"}"#))

            try await api.dispatch()
            let events = try await api.composition.store.loggedEvents(type: nil, page: .init(limit: 100)).items.map(
                \.detailType)
            for name in ["OrderCreated", "InventoryReserved", "PaymentSucceeded", "OrderConfirmed", "OrderCompleted"] {
                #expect(events.contains(name), "\(name) was not published")
            }
        }
    }

    @Test("a declined card cancels the order, restores the stock and keeps the cart")
    func declined() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            _ = try await api.call(
                .post, "/v1/cart/items", json: #"{"productId":"\#(milk)","quantity":2}"#, token: token)
            let reply = try await api.call(
                .post, "/v1/checkout?wait=true",
                json: #"{"paymentMethod":{"type":"card","token":"tok_chargeDeclined"}}"#,
                token: token)
            #expect(reply.string("status") == "CANCELLED")
            #expect(reply.string("failureReason") == "payment_declined")
            #expect(reply.string("paymentStatus") == "FAILED")
            #expect(try await stock(api, milk) == (5, 0))
            #expect(try await api.ledger(milk).holds)
            let cart = try await api.call(.get, "/v1/cart", token: token)
            #expect((cart["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)

            try await api.dispatch()
            let types = (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["type"] as? String }
            #expect(types.contains("PAYMENT_FAILED") && types.contains("ORDER_CANCELLED"))
        }
    }

    @Test("UPI: fail@upi is declined, other addresses pay; insufficient funds is declined too")
    func otherMethods() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            #expect(
                try await api.order(milk, method: #"{"type":"upi","vpa":"fail@upi"}"#, token: token).string(
                    "failureReason") == "payment_declined")
            #expect(
                try await api.order(milk, method: #"{"type":"upi","vpa":"ann@okbank"}"#, token: token).string("status")
                    == "CONFIRMED")
            #expect(
                try await api.order(milk, method: #"{"type":"card","token":"tok_insufficientFunds"}"#, token: token)
                    .string("status") == "CANCELLED")
            let cash = try await api.order(milk, method: #"{"type":"cash"}"#, token: token)
            #expect(cash.string("status") == "CONFIRMED")
            #expect(cash.string("paymentStatus") == "PENDING")
            #expect(try await api.ledger(milk).sold == 2)
        }
    }

    @Test("not enough stock cancels the order with insufficient_stock and touches no stock")
    func insufficientStock() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 2, admin: admin)
            let butter = try await api.product(name: "Butter", stock: 9, admin: admin)
            let (token, _) = try await api.customer()
            let reply = try await api.call(
                .post, "/v1/orders?wait=true",
                json:
                    #"{"items":[{"productId":"\#(butter)","quantity":4},{"productId":"\#(milk)","quantity":3}],"paymentMethod":{"type":"card","token":"tok_visa"}}"#,
                token: token)
            #expect(reply.string("status") == "CANCELLED")
            #expect(reply.string("failureReason") == "insufficient_stock")
            #expect(try await stock(api, milk) == (2, 0))
            #expect(try await stock(api, butter) == (9, 0))
            #expect(try await api.call(.get, "/v1/payments", token: token)["items"] as? [Any] != nil)
            #expect((try await api.call(.get, "/v1/payments", token: token)["items"] as? [Any])?.isEmpty == true)
        }
    }

    /// Places an order without waiting, then moves the engine's clock a second at a time (letting the work between
    /// ticks finish) until its checkout has ended.
    private func orderDrivingTime(
        _ api: TestAPI, _ clock: ManualEngineClock, _ product: String, card: String, token: String
    ) async throws -> Reply {
        let placed = try await api.call(
            .post, "/v1/orders",
            json:
                #"{"items":[{"productId":"\#(product)","quantity":1}],"paymentMethod":{"type":"card","token":"\#(card)"}}"#,
            token: token)
        let id = try #require(placed.string("orderId"), "\(placed.text)")
        for _ in 0..<600 {
            let order = try await api.call(.get, "/v1/orders/\(id)", token: token)
            if order.string("status") != "CREATED" { return order }
            try await Task.sleep(for: .milliseconds(20))
            clock.advance(seconds: 1)
        }
        Issue.record("the checkout of \(id) did not end")
        return try await api.call(.get, "/v1/orders/\(id)", token: token)
    }

    @Test("a transient gateway error is retried and charges once; a gateway that never answers times out")
    func transientAndTimeout() async throws {
        let engineClock = ManualEngineClock()
        try await withAPI(engineClock: engineClock) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let flaky = try await orderDrivingTime(api, engineClock, milk, card: "tok_processingError", token: token)
            #expect(flaky.string("status") == "CONFIRMED")
            let flakyID = try #require(flaky.string("executionId"))
            let execution = try await api.composition.workflows?.snapshot(executionID: flakyID)
            let history = try #require(execution).history
            #expect(history.filter { $0.type == "TaskFailed" }.count == 1)
            #expect(
                history.filter {
                    $0.type == "TaskScheduled"
                        && $0.details["resource"]?.stringValue?.hasSuffix("ProcessPayment") == true
                }.count == 2)
            let payments = try await api.call(.get, "/v1/payments", token: token)["items"] as? [[String: Any]] ?? []
            #expect(payments.count == 1)

            #expect(api.composition.gateway.capturesMade.count == 1)
            let hung = try await orderDrivingTime(api, engineClock, milk, card: "tok_timeout", token: token)
            #expect(hung.string("status") == "CANCELLED")
            #expect(hung.string("failureReason") == "payment_unavailable")
            let hungID = try #require(hung.string("executionId"))
            let timedOut = try #require(try await api.composition.workflows?.snapshot(executionID: hungID))
            #expect(timedOut.history.filter { $0.type == "TaskTimedOut" }.count == 4)
            #expect(try await stock(api, milk) == (4, 0))
        }
    }

    @Test("cancelling an order still CREATED cancels it at once; its checkout then compensates and charges nothing")
    func cancelWhileCreated() async throws {
        let engineClock = ManualEngineClock()
        try await withAPI(engineClock: engineClock) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            // Given a checkout waiting to retry its first, failed charge (the engine's clock stands still)
            let placed = try await api.call(
                .post, "/v1/orders",
                json:
                    #"{"items":[{"productId":"\#(milk)","quantity":2}],"paymentMethod":{"type":"card","token":"tok_processingError"}}"#,
                token: token)
            let id = try #require(placed.string("orderId"))
            let deadline = ContinuousClock.now + .seconds(10)
            while try await stock(api, milk) != (3, 2), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }

            // When the customer cancels it
            let cancelled = try await api.call(.post, "/v1/orders/\(id)/cancel", json: "{}", token: token)
            #expect(cancelled.status == 200 && cancelled.string("status") == "CANCELLED")

            // Then, once time moves, the checkout sees it, charges nothing and gives the stock back
            for _ in 0..<60 where try await stock(api, milk) != (5, 0) {
                engineClock.advance(seconds: 1)
                try await Task.sleep(for: .milliseconds(20))
            }
            let order = try await api.call(.get, "/v1/orders/\(id)", token: token)
            #expect(order.string("status") == "CANCELLED")
            #expect(try await stock(api, milk) == (5, 0))
            #expect(api.composition.gateway.capturesMade.isEmpty)
            let execution = try #require(order.string("executionId"))
            for _ in 0..<60
            where try await api.composition.workflows?.snapshot(executionID: execution)?.status == .running {
                engineClock.advance(seconds: 1)
                try await Task.sleep(for: .milliseconds(20))
            }
            try await api.expectInvariants()
        }
    }

    @Test("cancelling a confirmed order refunds the payment and puts the stock back")
    func cancelConfirmed() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let order = try await api.order(milk, quantity: 2, token: token)
            let id = try #require(order.string("orderId"))
            let cancelled = try await api.call(
                .post, "/v1/orders/\(id)/cancel", json: #"{"reason":"changed my mind"}"#, token: token)
            #expect(cancelled.status == 200)
            #expect(cancelled.string("status") == "CANCELLED")
            #expect(cancelled.string("paymentStatus") == "REFUNDED")
            #expect(cancelled.string("failureReason") == nil)
            #expect((cancelled["timeline"] as? [[String: Any]])?.last?["note"] as? String == "changed my mind")
            #expect(try await stock(api, milk) == (5, 0))
            #expect(try await api.ledger(milk).holds)
            let payment = (try await api.call(.get, "/v1/payments", token: token)["items"] as? [[String: Any]])?.first
            #expect((payment?["refunds"] as? [[String: Any]])?.count == 1)

            let again = try await api.call(.post, "/v1/orders/\(id)/cancel", token: token)
            #expect(again.status == 409)
            #expect(again.code == "invalid_transition")
            try await api.dispatch()
            let types = (try await api.call(.get, "/v1/notifications", token: token)["items"] as? [[String: Any]] ?? [])
                .compactMap { $0["type"] as? String }
            #expect(types.contains("REFUND_ISSUED") && types.contains("ORDER_CANCELLED"))
        }
    }

    @Test("bad checkout requests: empty cart, bad payment method, unknown product, another's order")
    func badRequests() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let empty = try await api.call(
                .post, "/v1/checkout", json: #"{"paymentMethod":{"type":"cash"}}"#, token: token)
            #expect(empty.status == 409)
            #expect(empty.code == "cart_empty")
            #expect(
                try await api.call(
                    .post, "/v1/checkout", json: #"{"paymentMethod":{"type":"card","token":"4242"}}"#, token: token
                ).errorFields == ["paymentMethod.token"])
            #expect(
                try await api.call(.post, "/v1/checkout", json: #"{"paymentMethod":{"type":"bitcoin"}}"#, token: token)
                    .errorFields == ["paymentMethod.type"])
            #expect(
                try await api.call(
                    .post, "/v1/checkout", json: #"{"paymentMethod":{"type":"cash"},"coupon":"X"}"#, token: token
                ).errorFields == ["coupon"])
            #expect(
                try await api.call(
                    .post, "/v1/orders", json: #"{"items":[],"paymentMethod":{"type":"cash"}}"#, token: token
                ).errorFields == ["items"])
            #expect(
                try await api.call(
                    .post, "/v1/orders",
                    json: #"{"items":[{"productId":"prd_nope","quantity":1}],"paymentMethod":{"type":"cash"}}"#,
                    token: token
                ).status == 404)
            #expect(
                try await api.call(
                    .post, "/v1/orders",
                    json: #"{"items":[{"productId":"\#(milk)","quantity":1,"x":1}],"paymentMethod":{"type":"cash"}}"#,
                    token: token
                ).errorFields == ["items[0].x"])
            #expect(
                try await api.call(
                    .post, "/v1/orders",
                    json:
                        #"{"items":[{"productId":"\#(milk)","quantity":1}],"paymentMethod":{"type":"cash"},"deliverySlot":"tomorrow"}"#,
                    token: token
                ).errorFields == ["deliverySlot"])
            #expect(
                try await api.call(.post, "/v1/checkout", json: #"{"paymentMethod":{"type":"cash"}}"#, token: admin)
                    .status == 403)

            let order = try await api.order(milk, token: token)
            let id = try #require(order.string("orderId"))
            let (other, _) = try await api.customer()
            #expect(try await api.call(.get, "/v1/orders/\(id)", token: other).status == 404)
            #expect(try await api.call(.post, "/v1/orders/\(id)/cancel", token: other).status == 404)
            #expect(try await api.call(.get, "/v1/orders/\(id)/receipt", token: other).status == 404)
            #expect(try await api.call(.get, "/v1/orders/\(id)", token: admin).status == 200)
            let mine = try await api.call(.get, "/v1/orders?status=CONFIRMED", token: token)
            #expect((mine["items"] as? [[String: Any]])?.map { $0["orderId"] as? String } == [id])
            #expect(try await api.call(.get, "/v1/orders?status=LOST", token: token).errorFields == ["status"])
        }
    }
}
