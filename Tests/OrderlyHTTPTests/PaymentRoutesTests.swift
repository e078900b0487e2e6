import Crypto
import Foundation
import Testing

@Suite("Payments, refunds and the webhook")
struct PaymentRoutesTests {
    @Test("admins refund part, then the rest; never more than was captured")
    func partialRefunds() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let ghee = try await api.product(name: "Ghee", price: 1000, stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let order = try await api.order(ghee, quantity: 2, token: token)
            let id = try #require(order.string("orderId"))

            let first = try await api.call(
                .post, "/v1/admin/orders/\(id)/refunds",
                json: #"{"amount":{"amount":500,"currency":"USD"},"reason":"one jar broke"}"#,
                token: admin, headers: ["Idempotency-Key": "r1"])
            #expect(first.status == 201)
            #expect((first["amount"] as? [String: Any])?["amount"] as? Int == 500)
            #expect(
                try await api.call(.get, "/v1/orders/\(id)", token: token).string("paymentStatus")
                    == "PARTIALLY_REFUNDED")

            let replay = try await api.call(
                .post, "/v1/admin/orders/\(id)/refunds",
                json: #"{"amount":{"amount":500,"currency":"USD"},"reason":"one jar broke"}"#,
                token: admin, headers: ["Idempotency-Key": "r1"])
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.body == first.body)

            let tooMuch = try await api.call(
                .post, "/v1/admin/orders/\(id)/refunds",
                json: #"{"amount":{"amount":1501,"currency":"USD"},"reason":"x"}"#, token: admin)
            #expect(tooMuch.status == 409)
            #expect(tooMuch.errorFields == ["amount"])

            let rest = try await api.call(
                .post, "/v1/admin/orders/\(id)/refunds", json: #"{"reason":"all of it"}"#, token: admin)
            #expect((rest["amount"] as? [String: Any])?["amount"] as? Int == 1500)
            #expect(try await api.call(.get, "/v1/orders/\(id)", token: token).string("paymentStatus") == "REFUNDED")
            #expect(
                try await api.call(.post, "/v1/admin/orders/\(id)/refunds", json: #"{"reason":"again"}"#, token: admin)
                    .status == 409)

            let payment = (try await api.call(.get, "/v1/payments", token: token)["items"] as? [[String: Any]])?.first
            #expect(
                (payment?["refunds"] as? [[String: Any]])?.compactMap {
                    ($0["amount"] as? [String: Any])?["amount"] as? Int
                } == [500, 1500])
            #expect(
                try await api.call(.post, "/v1/admin/orders/\(id)/refunds", json: #"{"reason":"x"}"#, token: token)
                    .status == 403)
            #expect(
                try await api.call(
                    .post, "/v1/admin/orders/\(id)/refunds",
                    json: #"{"amount":{"amount":-1,"currency":"USD"},"reason":"x"}"#, token: admin
                ).errorFields == ["amount.amount"])
            #expect(
                try await api.call(
                    .post, "/v1/admin/orders/ord_missing/refunds", json: #"{"reason":"x"}"#, token: admin
                ).status == 404)
        }
    }

    private func sign(_ body: String, secret: String, at time: Int) -> String {
        var message = Data("\(time).".utf8)
        message.append(Data(body.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(time),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    @Test("the webhook accepts a signed event once, and refuses a bad, missing or stale signature")
    func webhook() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let milk = try await api.product(price: 300, stock: 5, admin: admin)
            let (token, _) = try await api.customer()
            let id = try #require(try await api.order(milk, token: token).string("orderId"))
            let secret = api.composition.webhookSecret
            let now = Int(api.clock.now().timeIntervalSince1970)
            let body =
                #"{"id":"evt_gw_1","type":"charge.refunded","data":{"orderId":"\#(id)","amount":100,"refundId":"re_gw_1"}}"#

            let accepted = try await api.call(
                .post, "/v1/payments/webhook", json: body,
                headers: ["Orderly-Signature": sign(body, secret: secret, at: now)])
            #expect(accepted.status == 200)
            #expect(accepted["duplicate"] as? Bool == false)
            let replayed = try await api.call(
                .post, "/v1/payments/webhook", json: body,
                headers: ["Orderly-Signature": sign(body, secret: secret, at: now)])
            #expect(replayed["duplicate"] as? Bool == true)
            let payment = (try await api.call(.get, "/v1/payments", token: token)["items"] as? [[String: Any]])?.first
            #expect((payment?["refunds"] as? [Any])?.count == 1)
            #expect(payment?["status"] as? String == "PARTIALLY_REFUNDED")

            let forged = try await api.call(
                .post, "/v1/payments/webhook", json: body,
                headers: ["Orderly-Signature": sign(body, secret: "wrong", at: now)])
            #expect(forged.status == 400)
            #expect(forged.errorFields == ["Orderly-Signature"])
            #expect(try await api.call(.post, "/v1/payments/webhook", json: body).status == 400)
            let stale = try await api.call(
                .post, "/v1/payments/webhook", json: body,
                headers: ["Orderly-Signature": sign(body, secret: secret, at: now - 3600)])
            #expect(stale.status == 400)
            let tampered = body.replacingOccurrences(of: "100", with: "300")
            #expect(
                try await api.call(
                    .post, "/v1/payments/webhook", json: tampered,
                    headers: ["Orderly-Signature": sign(body, secret: secret, at: now)]
                ).status == 400)
            let garbage = "{nope"
            #expect(
                try await api.call(
                    .post, "/v1/payments/webhook", json: garbage,
                    headers: ["Orderly-Signature": sign(garbage, secret: secret, at: now)]
                ).code == "malformed_json")
        }
    }
}
