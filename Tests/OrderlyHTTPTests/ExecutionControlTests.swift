import Foundation
import Testing
import WorkflowEngine

@Suite("Stopping executions and answering task tokens")
struct ExecutionControlTests {
    @Test("an admin stops a checkout stuck at the gateway: ABORTED; cancelling the order then releases its stock")
    func stopCheckout() async throws {
        try await withAPI(engineFactor: 1) { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(stock: 3, admin: admin)
            let token = try await api.customer().token
            // tok_timeout never answers: the checkout waits at ProcessPayment.
            let placed = try await api.call(
                .post, "/v1/orders",
                json:
                    #"{"items":[{"productId":"\#(milk)","quantity":1}],"paymentMethod":{"type":"card","token":"tok_timeout"}}"#,
                token: token)
            #expect(placed.status == 202)
            let orderID = try #require(placed.string("orderId"))
            var executionID: String?
            try await waitUntil("the checkout's execution") {
                executionID = try await api.call(.get, "/v1/orders/\(orderID)", token: token).string("executionId")
                return executionID != nil
            }
            let id = try #require(executionID).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await waitUntil("the unit reserved") { try await api.ledger(milk).reserved == 1 }
            #expect(try await api.call(.post, "/v1/admin/executions/\(id)/stop", token: token).status == 403)
            let stopped = try await api.call(
                .post, "/v1/admin/executions/\(id)/stop", json: #"{"error":"Operator","cause":"gateway hung"}"#,
                token: admin)
            #expect(stopped.status == 200)
            #expect(stopped.string("status") == "ABORTED")
            #expect(stopped.string("error") == "Operator" && stopped.string("cause") == "gateway hung")
            // Stopping it again changes nothing; an unknown execution is not found; a bad body is refused.
            #expect(
                try await api.call(.post, "/v1/admin/executions/\(id)/stop", token: admin).string("status") == "ABORTED"
            )
            #expect(try await api.call(.post, "/v1/admin/executions/nope/stop", token: admin).status == 404)
            #expect(
                try await api.call(
                    .post, "/v1/admin/executions/\(id)/stop", json: #"{"error":"a\u0001b"}"#, token: admin
                )
                .status == 400)
            // The order is still CREATED with its stock held; cancelling it now undoes the reservation.
            #expect(try await api.call(.get, "/v1/orders/\(orderID)", token: token).string("status") == "CREATED")
            let cancelled = try await api.call(.post, "/v1/orders/\(orderID)/cancel", json: "{}", token: token)
            #expect(cancelled.string("status") == "CANCELLED")
            let ledger = try await api.ledger(milk)
            #expect(ledger.reserved == 0 && ledger.available == 3)
            try await api.expectInvariants()
        }
    }

    @Test("task-token answers: a made-up token is refused, a token of no waiting task conflicts, fields are checked")
    func taskTokens() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let customer = try await api.customer().token
            let routes = ["success", "failure", "heartbeat"]
            for route in routes {
                #expect(
                    try await api.call(
                        .post, "/v1/admin/task-tokens/\(route)", json: #"{"taskToken":"x"}"#, token: customer
                    )
                    .status == 403)
                let madeUp = try await api.call(
                    .post, "/v1/admin/task-tokens/\(route)", json: #"{"taskToken":"not-a-token","output":"{}"}"#,
                    token: admin)
                #expect(madeUp.status == 400)
                #expect(madeUp.string("code") == "validation_failed")
            }
            // A token this engine would make, for a task that is not waiting.
            let stale = CallbackToken.make(
                executionID: "arn:aws:states:local:000000000000:execution:checkout:x", token: "0.A.1.0")
            for route in routes {
                let answer = try await api.call(
                    .post, "/v1/admin/task-tokens/\(route)", json: #"{"taskToken":"\#(stale)","output":"{}"}"#,
                    token: admin)
                #expect(answer.status == 409)
            }
            let notJSON = try await api.call(
                .post, "/v1/admin/task-tokens/success", json: #"{"taskToken":"\#(stale)","output":"{not json"}"#,
                token: admin)
            #expect(notJSON.status == 400)
            let missing = try await api.call(
                .post, "/v1/admin/task-tokens/success", json: #"{"taskToken":"\#(stale)"}"#, token: admin)
            #expect(missing.status == 400)
        }
    }
}
