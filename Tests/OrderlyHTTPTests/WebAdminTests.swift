import Foundation
import HTTPTypes
import OrderlyHTTP
import OrderlyModel
import OrderlyPorts
import OrderlyServices
import OrderlyWeb
import Testing

/// The admin side and the couriers' pages through the real router: the door of every page, products and stock,
/// the order board, packing, deliveries, refunds, the reports' charts, the workflows and the execution viewer.
@Suite("Web admin")
struct WebAdminTests {
    /// A browser signed in as the configured admin, a courier made through the staff form, and one signed-in
    /// customer; the courier's browser.
    func staffBrowsers(_ api: TestAPI) async throws -> (admin: WebBrowser, courier: WebBrowser, customer: WebBrowser) {
        let admin = WebBrowser(api)
        let landing = try await admin.signIn(TestAPI.adminEmail, TestAPI.adminPassword)
        #expect(landing.header("Location") == "/admin")
        let created = try await admin.post(
            "/admin/staff",
            ["name": "Cole", "email": "cole@example.com", "password": "password-123", "role": "courier"])
        #expect(created.status == 303, "\(created.text)")
        #expect(try await admin.get("/admin/staff").text.contains("Cole (cole@example.com)"))
        let courier = WebBrowser(api)
        #expect(try await courier.signIn("cole@example.com", "password-123").header("Location") == "/deliveries")
        let customer = WebBrowser(api)
        _ = try await customer.get("/register")
        let registered = try await customer.post(
            "/register", ["name": "Asha", "email": "asha@example.com", "password": "password-123"])
        try #require(registered.status == 303)
        return (admin, courier, customer)
    }

    @Test("every page refuses visitors who are not signed in and the roles it does not name, and admits the rest")
    func everyPageHasItsDoor() async throws {
        try await withAPI { api in
            let (admin, courier, customer) = try await staffBrowsers(api)
            let browsers: [Role: WebBrowser] = [.admin: admin, .courier: courier, .customer: customer]
            let table = WebRoutes.routeTable
            #expect(table.count > 30)
            for route in table where route.access != .anyone {
                let path = route.path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix("{") ? "x_1" : String($0) }.joined(separator: "/")
                let name = "\(route.method.rawValue) \(route.path)"
                // A visitor with no session is sent to sign in.
                let visitor = WebBrowser(api)
                _ = try await visitor.get("/")
                let anonymous =
                    route.method == .get ? try await visitor.get(path) : try await visitor.post(path, [:])
                #expect(anonymous.status == 303, "\(name) anonymous: \(anonymous.status)")
                #expect(anonymous.header("Location")?.hasPrefix("/signin") == true, "\(name)")
                for role in Role.allCases {
                    let browser = browsers[role]!
                    let reply = route.method == .get ? try await browser.get(path) : try await browser.post(path, [:])
                    if route.access.admits(role) {
                        #expect(reply.status != 403, "\(name) as \(role): \(reply.status)")
                        #expect(reply.header("Location")?.hasPrefix("/signin") != true, "\(name) as \(role)")
                        #expect(reply.status < 500, "\(name) as \(role): \(reply.status) \(reply.text)")
                    } else {
                        #expect(reply.status == 403, "\(name) as \(role): \(reply.status)")
                    }
                }
            }
        }
    }

    @Test("an admin adds a product, edits it and adjusts its stock with a reason; bad input is shown on the form")
    func productsAndStock() async throws {
        try await withAPI { api in
            let (admin, _, _) = try await staffBrowsers(api)
            let bad = try await admin.post(
                "/admin/products",
                ["name": "Butter", "description": "Salted", "price": "2.499", "category": "dairy", "stock": "5"])
            #expect(bad.status == 400 && bad.text.contains("price: must be an amount such as 2.49"))
            #expect(bad.text.contains(#"value="Butter""#))
            let created = try await admin.post(
                "/admin/products",
                ["name": "Butter", "description": "Salted", "price": "2.49", "category": "dairy", "stock": "5"])
            let location = try #require(created.header("Location"))
            #expect(created.status == 303 && location.hasPrefix("/admin/products/prd_"))
            let path = String(location.prefix { $0 != "?" })
            let id = String(path.dropFirst("/admin/products/".count))
            let product = try await api.call(.get, "/v1/products/\(id)")
            #expect((product.object["price"] as? [String: Any])?["amount"] as? Int == 249)

            let edited = try await admin.post(
                path, ["name": "Butter 250g", "description": "Salted", "price": "2.75", "category": "dairy"])
            #expect(edited.status == 303)
            let page = try await admin.get(path)
            #expect(page.text.contains(#"value="Butter 250g""#) && page.text.contains(#"value="2.75""#))
            // Not ticked "On sale": the product left the shop.
            #expect(try await api.call(.get, "/v1/products/\(id)").status == 404)

            #expect(try await admin.post(path + "/stock", ["delta": "12", "reason": "farm delivery"]).status == 303)
            #expect(try await admin.get(path).text.contains(#"<strong id="stock-available">17</strong>"#))
            let tooMuch = try await admin.post(path + "/stock", ["delta": "-40", "reason": "counted"])
            #expect(tooMuch.status == 409 && tooMuch.text.contains(#"role="alert""#))
            let noReason = try await admin.post(path + "/stock", ["delta": "3"])
            #expect(noReason.status == 400 && noReason.text.contains("reason"))
            #expect(try await api.ledger(id).available == 17)
        }
    }

    @Test("an order is packed on the board, given to a courier, moved by the courier to DELIVERED and refunded")
    func orderToDoorstep() async throws {
        try await withAPI { api in
            let (admin, courier, _) = try await staffBrowsers(api)
            let adminToken = try await api.adminToken()
            let product = try await api.product(name: "Farm Milk", price: 300, admin: adminToken)
            let (customer, _) = try await api.customer()
            let placed = try await api.order(product, quantity: 2, token: customer)
            let order = try #require(placed.string("orderId"))
            #expect(placed.string("status") == "CONFIRMED")

            // The board lists it among the CONFIRMED, with the moves an admin can make.
            let board = try await admin.get("/admin/orders")
            #expect(board.text.contains(#"aria-label="Pack \#(order)""#))
            #expect(try await admin.post("/admin/orders/\(order)/status", ["status": "PACKED"]).status == 303)
            let packed = try await admin.get("/admin/orders/\(order)")
            #expect(packed.text.contains(#"id="order-status">PACKED</span>"#))
            #expect(packed.text.contains("Checkout execution graph"))
            let courierID = try #require(packed.text.firstMatch(of: /<option value="(usr_[^"]+)">Cole<\/option>/)?.1)

            #expect(
                try await admin.post("/admin/orders/\(order)/delivery", ["courierId": String(courierID)]).status == 303)
            // An illegal move is refused on the order's page, which says why.
            let illegal = try await admin.post("/admin/orders/\(order)/status", ["status": "RETURNED"])
            #expect(illegal.status == 409 && illegal.text.contains(#"role="alert""#))

            let deliveries = try await courier.get("/deliveries")
            #expect(deliveries.text.contains(order) && deliveries.text.contains(">Picked up</button>"))
            let delivery = try #require(deliveries.text.firstMatch(of: /action="\/deliveries\/(dlv_[^"]+)"/)?.1)
            for status in ["PICKED_UP", "IN_TRANSIT", "DELIVERED"] {
                let moved = try await courier.post(
                    "/deliveries/\(delivery)", ["status": status, "note": "step \(status)", "back": "/deliveries"])
                #expect(moved.status == 303 && moved.header("Location") == "/deliveries")
            }
            #expect(try await courier.get("/deliveries").text.contains("step DELIVERED"))
            let done = try await api.call(.get, "/v1/orders/\(order)", token: customer)
            #expect(done.string("status") == "DELIVERED")

            // A refund of part, then one for more than is left: refused with the reason, nothing moved.
            let form = try await admin.get("/admin/orders/\(order)")
            let key = try #require(form.text.firstMatch(of: /name="idempotencyKey" value="([^"]+)"/)?.1)
            let refunded = try await admin.post(
                "/admin/orders/\(order)/refunds", ["amount": "2.50", "reason": "spilt", "idempotencyKey": String(key)])
            #expect(refunded.status == 303)
            let again = try await admin.post(
                "/admin/orders/\(order)/refunds", ["amount": "2.50", "reason": "spilt", "idempotencyKey": String(key)])
            #expect(again.status == 303)
            let tooMuch = try await admin.post(
                "/admin/orders/\(order)/refunds", ["amount": "9.00", "reason": "all of it", "idempotencyKey": "1-2"])
            #expect(tooMuch.status == 409 && tooMuch.text.contains(#"role="alert""#))
            let payments = try await api.call(.get, "/v1/payments", token: customer)
            let refunds = (payments.object["items"] as? [[String: Any]])?.first?["refunds"] as? [[String: Any]]
            #expect(refunds?.count == 1)
            #expect(
                try await api.call(.get, "/v1/orders/\(order)", token: customer).string("paymentStatus")
                    == "PARTIALLY_REFUNDED")
            let customerPage = try await api.call(.get, "/v1/orders/\(order)/delivery", token: customer)
            #expect(customerPage.string("status") == "DELIVERED")
            try await api.expectInvariants()
        }
    }

    /// A consumer that fails until it is mended.
    final class Mendable: EventConsumer, @unchecked Sendable {
        let name = "mendable"
        let pattern = EventPattern(["detail-type": ["UserRegistered"]])
        let lock = NSLock()
        var broken = true
        var handled: [String] = []
        func handle(_ event: EventEnvelope) async throws {
            try lock.withLock {
                if broken { throw OrderlyError(.internal, "the <mail> relay is down") }
                handled.append(event.id.rawValue)
            }
        }
    }

    @Test("a dead letter is shown with its error and, once its consumer is mended, replayed from the page")
    func deadLetterReplay() async throws {
        let consumer = Mendable()
        try await withAPI(extraConsumers: [consumer]) { api in
            let admin = WebBrowser(api)
            try await admin.signIn(TestAPI.adminEmail, TestAPI.adminPassword)
            _ = try await api.customer()
            try await api.dispatch()
            let page = try await admin.get("/admin/dead-letters")
            #expect(page.text.contains("UserRegistered to mendable"))
            #expect(page.text.contains("the &lt;mail&gt; relay is down"))
            let replay = /action="\/admin\/dead-letters\/([^"\/]+)\/replay"/
            let letters = page.text.matches(of: replay).map { String($0.1) }
            // The configured admin's and the customer's registrations.
            #expect(letters.count == 2)

            consumer.lock.withLock { consumer.broken = false }
            let replayed = try await admin.post("/admin/dead-letters/\(try #require(letters.first))/replay", [:])
            #expect(replayed.status == 303 && replayed.header("Location") == "/admin/dead-letters?replayed=1")
            let after = try await admin.get("/admin/dead-letters?replayed=1")
            #expect(after.text.contains("Delivered again."))
            let left = after.text.matches(of: replay).map { String($0.1) }
            #expect(left == [letters[1]])
            #expect(consumer.lock.withLock { consumer.handled.count } == 1)
        }
    }

    @Test("the sales report draws revenue by day and the top products; the execution viewer colours each state")
    func reportsAndExecutionGraph() async throws {
        try await withAPI { api in
            let (admin, _, _) = try await staffBrowsers(api)
            let adminToken = try await api.adminToken()
            let product = try await api.product(name: "Farm Milk", price: 300, admin: adminToken)
            let sneaky = try await api.product(name: "<b>Sneaky</b> Cheese", price: 100, admin: adminToken)
            let (customer, _) = try await api.customer()
            let paid = try await api.order(product, token: customer)
            _ = try await api.order(sneaky, token: customer)
            let declined = try await api.order(
                product, method: #"{"type":"card","token":"tok_chargeDeclined"}"#, token: customer)
            #expect(declined.string("status") == "CANCELLED")
            try await api.dispatch()

            let report = try await admin.get("/admin/reports")
            #expect(
                report.status == 200 && report.text.contains(#"<svg xmlns="http://www.w3.org/2000/svg" class="chart""#))
            #expect(report.text.contains("Farm Milk: USD 3.00"))
            #expect(report.text.contains("&lt;b&gt;Sneaky&lt;/b&gt; Cheese") && !report.text.contains("<b>Sneaky"))
            let badRange = try await admin.get("/admin/reports?from=2026-13-01")
            #expect(badRange.status == 400 && badRange.text.contains("from: must be a date"))

            let workflows = try await admin.get("/admin/workflows")
            #expect(workflows.text.contains("ValidateOrder") && workflows.text.contains("NotifyAndReceipt"))

            let execution = try #require(paid.string("executionId"))
            let link = execution.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let viewer = try await admin.get("/admin/executions?id=\(link)")
            #expect(viewer.status == 200)
            #expect(viewer.text.contains(#"id="execution-status">SUCCEEDED</span>"#))
            // The happy path succeeded, the compensation never ran, the branches of the Parallel ran inside it.
            #expect(viewer.text.contains(#"<g class="state succeeded"><title>ProcessPayment: Task · Succeeded"#))
            #expect(viewer.text.contains(#"<g class="state succeeded"><title>GenerateReceipt: Task · Succeeded"#))
            #expect(viewer.text.contains(#"<g class="state not-run"><title>RefundPayment: Task · Not run"#))
            #expect(viewer.text.contains(#"<tr id="state-ProcessPayment" class="succeeded">"#))

            let failed = try #require(declined.string("executionId"))
            let failedViewer = try await admin.get(
                "/admin/executions?id=\(failed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(failedViewer.text.contains(#"<g class="state succeeded"><title>ReleaseInventoryAfterDecline"#))
            #expect(failedViewer.text.contains(#"<g class="state failed"><title>PaymentWasDeclined: Fail · Failed"#))
            #expect(failedViewer.text.contains(#"<g class="state not-run"><title>CommitInventory"#))
            #expect(try await admin.get("/admin/executions?id=nope").status == 404)
        }
    }
}
