import Foundation
import HTTPTypes
import Testing

/// The storefront's pages through the real router: sessions in cookies, CSRF on every form, escaping, and the
/// same rules as the API. (`scripts/browser-test.py` drives them in a real browser.)
@Suite("Web storefront")
struct WebTests {
    @Test("a visitor registers, is signed in by an HttpOnly SameSite cookie, and a form without its token is refused")
    func sessionAndCSRF() async throws {
        try await withAPI { api in
            let browser = WebBrowser(api)
            let home = try await browser.get("/")
            #expect(home.status == 200 && home.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(
                home.headers[values: .setCookie].contains { $0.contains("orderly_csrf=") && $0.contains("HttpOnly") })
            #expect(home.text.contains(#"<label for="q">Search</label>"#))
            #expect(!home.text.contains("role=\"status\"") && !home.text.contains("More products"))

            // No token, or another's: refused, and nothing is made.
            let forged = try await browser.post(
                "/register", ["name": "Eve", "email": "eve@example.com", "password": "password-123"], csrf: false)
            #expect(forged.status == 403)
            #expect(
                try await api.call(
                    .post, "/v1/auth/login", json: #"{"email":"eve@example.com","password":"password-123"}"#
                ).status == 401)

            let registered = try await browser.post(
                "/register", ["name": "Asha", "email": "asha@example.com", "password": "password-123"])
            #expect(registered.status == 303 && registered.header("Location") == "/")
            let session = try #require(
                registered.headers[values: .setCookie].first { $0.hasPrefix("orderly_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Max-Age="))
            #expect(try await browser.get("/").text.contains("Signed in as Asha"))

            try await browser.post("/signout", [:])
            #expect(try await browser.get("/").text.contains("Sign in"))
            #expect(try await browser.get("/cart").header("Location") == "/signin?next=%2Fcart")
        }
    }

    @Test("what a shop stores is escaped in its pages; a bad sign-in says why and stays on the form")
    func escapingAndErrors() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            _ = try await api.product(name: "<script>alert(1)</script> Milk", admin: admin)
            let browser = WebBrowser(api)
            let page = try await browser.get("/?q=milk")
            #expect(!page.text.contains("<script>alert(1)</script>"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Milk"))
            _ = try await browser.get("/signin")
            let wrong = try await browser.post(
                "/signin", ["email": "nobody@example.com", "password": "wrong-password"])
            #expect(wrong.status == 401 && wrong.text.contains(#"role="alert""#))
            #expect(wrong.text.contains(#"value="nobody@example.com""#))
            // A form past its size limit is refused as such, with a page, not an error of ours.
            let huge = try await browser.post("/signin", ["email": String(repeating: "a", count: 70_000)])
            #expect(huge.status == 413 && huge.header("Content-Type")?.hasPrefix("text/html") == true)
        }
    }

    @Test("a cart checked out with tok_visa places one order however often the form is posted")
    func checkoutOnce() async throws {
        try await withAPI { api in
            let admin = try await api.adminToken()
            let product = try await api.product(admin: admin)
            let browser = WebBrowser(api)
            _ = try await browser.get("/")
            try await browser.post(
                "/register", ["name": "Ann", "email": "ann@example.com", "password": "password-123"])
            let added = try await browser.post("/cart/items", ["productId": product, "quantity": "2"])
            #expect(added.status == 303)
            #expect(try await browser.get("/cart").text.contains("Check out"))
            let form = try await browser.get("/checkout")
            #expect(form.text.contains(#"<label for="payment">Payment method</label>"#))
            #expect(!form.text.contains(#"class="error""#))
            let key = try #require(form.text.firstMatch(of: /name="idempotencyKey" value="([^"]+)"/)?.1)
            let fields = ["payment": "tok_visa", "idempotencyKey": String(key), "deliverySlot": ""]
            let first = try await browser.post("/checkout", fields)
            let second = try await browser.post("/checkout", fields)
            #expect(first.status == 303 && first.header("Location") == second.header("Location"))
            let orderPath = try #require(first.header("Location"))
            // The checkout runs in the background: wait for its execution to end, then read the page.
            let order = try #require(
                try await api.composition.store.order(
                    id: .init(rawValue: String(orderPath.dropFirst("/orders/".count)))))
            let execution = try #require(order.executionID)
            #expect(await api.composition.runtime.waitForEnd(executionID: execution, timeout: .seconds(10)))
            let page = try await browser.get(orderPath)
            #expect(page.text.contains(#"id="order-status">CONFIRMED</span>"#))
            #expect(try await browser.get("/orders").text.components(separatedBy: "/orders/ord_").count == 2)
        }
    }
}
