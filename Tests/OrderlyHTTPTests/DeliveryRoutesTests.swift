import Foundation
import Testing

@Suite("Deliveries and admin order moves")
struct DeliveryRoutesTests {
    /// A confirmed order, an admin token, a courier and its token.
    private func setUp(_ api: TestAPI, method: String = #"{"type":"card","token":"tok_visa"}"#) async throws
        -> (admin: String, customer: String, order: String, courierID: String, courier: String)
    {
        let admin = try await api.adminToken()
        let milk = try await api.product(stock: 10, admin: admin)
        let (customer, _) = try await api.customer()
        let order = try #require(try await api.order(milk, method: method, token: customer).string("orderId"))
        let created = try await api.call(
            .post, "/v1/admin/users",
            json:
                #"{"email":"rider\#(UInt16.random(in: 0...9999))@example.com","password":"password-123","name":"Rider","role":"courier"}"#,
            token: admin)
        let courierID = try #require(created.string("userId"))
        let courier = try await api.login(try #require(created.string("email")), "password-123")
        return (admin, customer, order, courierID, courier)
    }

    @Test("packed, assigned, picked up, in transit, delivered: the order follows and cash is captured")
    func fullRound() async throws {
        try await withAPI { api in
            let (admin, customer, order, courierID, courier) = try await setUp(api, method: #"{"type":"cash"}"#)
            let packed = try await api.call(
                .patch, "/v1/admin/orders/\(order)", json: #"{"status":"PACKED"}"#, token: admin)
            #expect(packed.string("status") == "PACKED")
            let assigned = try await api.call(
                .post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)","courierId":"\#(courierID)"}"#,
                token: admin)
            #expect(assigned.status == 201)
            #expect(assigned.string("status") == "ASSIGNED")
            let delivery = try #require(assigned.string("deliveryId"))

            for (status, orderStatus) in [
                ("PICKED_UP", "OUT_FOR_DELIVERY"), ("IN_TRANSIT", "OUT_FOR_DELIVERY"), ("DELIVERED", "DELIVERED"),
            ] {
                let moved = try await api.call(
                    .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"\#(status)","note":"ok"}"#, token: courier)
                #expect(moved.string("status") == status)
                #expect(
                    try await api.call(.get, "/v1/orders/\(order)", token: customer).string("status") == orderStatus)
            }
            let tracked = try await api.call(.get, "/v1/orders/\(order)/delivery", token: customer)
            #expect(
                (tracked["history"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == [
                    "ASSIGNED", "PICKED_UP", "IN_TRANSIT", "DELIVERED",
                ])
            #expect(tracked.string("trackingUrl") == "/v1/orders/\(order)/delivery")
            #expect(
                try await api.call(.get, "/v1/orders/\(order)", token: customer).string("paymentStatus") == "SUCCESS")
            #expect(
                ((try await api.call(.get, "/v1/payments", token: customer)["items"] as? [[String: Any]])?.first?[
                    "status"] as? String) == "SUCCESS")

            try await api.dispatch()
            let updates =
                (try await api.call(.get, "/v1/notifications", token: customer)["items"] as? [[String: Any]] ?? [])
                .filter { $0["type"] as? String == "DELIVERY_UPDATE" }
            #expect(updates.count == 4)
            let events = try await api.call(.get, "/v1/admin/events?type=DeliveryUpdated", token: admin)
            #expect((events["items"] as? [[String: Any]])?.count == 4)
            #expect((events["items"] as? [[String: Any]])?.first?["detail-type"] as? String == "DeliveryUpdated")

            #expect(
                try await api.call(.post, "/v1/orders/\(order)/cancel", token: customer).code == "invalid_transition")
            #expect(
                try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"RETURNED"}"#, token: admin)
                    .string("status") == "RETURNED")
        }
    }

    @Test("illegal moves and other people's deliveries are refused")
    func refusals() async throws {
        try await withAPI { api in
            let (admin, customer, order, courierID, courier) = try await setUp(api)
            let early = try await api.call(
                .post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)"}"#, token: admin)
            #expect(early.status == 409)
            #expect(early.code == "invalid_transition")
            #expect(
                try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"DELIVERED"}"#, token: admin)
                    .status == 409)
            #expect(
                try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"RETURNED"}"#, token: admin)
                    .status == 409)
            #expect(
                try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"LOST"}"#, token: admin)
                    .errorFields == ["status"])
            #expect(
                try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"PACKED"}"#, token: customer)
                    .status == 403)
            _ = try await api.call(.patch, "/v1/admin/orders/\(order)", json: #"{"status":"PACKED"}"#, token: admin)
            #expect(
                try await api.call(
                    .post, "/v1/admin/deliveries",
                    json: #"{"orderId":"\#(order)","courierId":"\#(try await api.customer().userID)"}"#, token: admin
                ).errorFields == ["courierId"])

            let delivery = try #require(
                try await api.call(.post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)"}"#, token: admin)
                    .string("deliveryId"))
            #expect(
                try await api.call(.post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)"}"#, token: admin).code
                    == "conflict")
            // Unassigned: the courier cannot see it; the customer may not move it.
            #expect(
                try await api.call(
                    .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"PICKED_UP"}"#, token: courier
                ).status == 404)
            #expect(
                try await api.call(
                    .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"PICKED_UP"}"#, token: customer
                ).status == 403)
            #expect(try await api.call(.get, "/v1/deliveries", token: customer).status == 403)
            #expect((try await api.call(.get, "/v1/deliveries", token: courier)["items"] as? [Any])?.isEmpty == true)
            #expect(
                (try await api.call(.get, "/v1/deliveries?status=ASSIGNED", token: admin)["items"] as? [Any])?.count
                    == 1)

            let skipped = try await api.call(
                .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"DELIVERED"}"#, token: admin)
            #expect(skipped.status == 409)
            #expect(skipped.code == "invalid_transition")
            #expect(
                try await api.call(
                    .patch, "/v1/deliveries/\(delivery)", json: #"{"status":"CANCELLED","note":"rain"}"#, token: admin
                ).string("status") == "CANCELLED")
            #expect(
                try await api.call(.patch, "/v1/deliveries/\(delivery)", json: #"{"status":"PICKED_UP"}"#, token: admin)
                    .status == 409)
            // A new delivery may follow a cancelled one, to a courier this time.
            let second = try await api.call(
                .post, "/v1/admin/deliveries", json: #"{"orderId":"\#(order)","courierId":"\#(courierID)"}"#,
                token: admin)
            #expect(second.status == 201)
            #expect((try await api.call(.get, "/v1/deliveries", token: courier)["items"] as? [Any])?.count == 1)
            #expect(try await api.call(.get, "/v1/orders/\(order)/delivery", token: courier).status == 200)

            // Cancelling a packed order refunds it and cancels its delivery, which the courier can no longer move.
            let cancelled = try await api.call(
                .patch, "/v1/admin/orders/\(order)", json: #"{"status":"CANCELLED","note":"customer moved"}"#,
                token: admin)
            #expect(cancelled.string("status") == "CANCELLED")
            #expect(cancelled.string("paymentStatus") == "REFUNDED")
            #expect(
                try await api.call(.get, "/v1/orders/\(order)/delivery", token: customer).string("status")
                    == "CANCELLED")
            let secondID = try #require(second.string("deliveryId"))
            #expect(
                try await api.call(
                    .patch, "/v1/deliveries/\(secondID)", json: #"{"status":"PICKED_UP"}"#, token: courier
                ).status == 409)
        }
    }
}
