import Foundation
import HTTPTypes
import OrderlyApp
import OrderlyHTTP
import OrderlyModel
import Testing

/// The route table is the one place that says who may call what; these tests prove the router enforces it.
@Suite struct AccessTests {
    @Test("every route refuses callers without a token and the roles it does not name, and admits the ones it does")
    func routeTableIsEnforced() async throws {
        try await withAPI { api in
            // Given a token of every role
            let admin = try await api.adminToken()
            let (customer, _) = try await api.customer()
            let created = try await api.call(
                .post, "/v1/admin/users",
                json: #"{"email":"courier@example.com","password":"password-123","name":"Cole","role":"courier"}"#,
                token: admin)
            try #require(created.status == 201, "courier not created: \(created.text)")
            let tokens: [Role: String] = [
                .admin: admin, .customer: customer,
                .courier: try await api.login("courier@example.com", "password-123"),
            ]
            let table = RouteTable()
            _ = try api.composition.router(recordingInto: table)
            #expect(table.specs.count > 30)

            for spec in table.specs where spec.access != .anyone {
                // When each is called with a placeholder for every path parameter and an empty body
                let path = spec.path.split(separator: "/").map { $0.hasPrefix("{") ? "x_1" : String($0) }
                    .joined(separator: "/")
                let body = [.post, .patch, .put].contains(spec.method) ? "{}" : nil
                let route = "\(spec.method.rawValue) \(spec.path)"

                // Then no token is 401, a role the route does not name is 403, and a role it names gets past the door
                let anonymous = try await api.call(spec.method, "/" + path, json: body)
                #expect(anonymous.status == 401, "\(route) without a token: \(anonymous.status)")
                #expect(anonymous.code == "unauthenticated", "\(route)")
                for role in Role.allCases {
                    let reply = try await api.call(spec.method, "/" + path, json: body, token: tokens[role])
                    if spec.access.admits(role) {
                        #expect(
                            ![401, 403].contains(reply.status), "\(route) as \(role): \(reply.status) \(reply.text)")
                    } else {
                        #expect(reply.status == 403, "\(route) as \(role): \(reply.status)")
                        #expect(reply.code == "forbidden", "\(route) as \(role)")
                    }
                }
            }
        }
    }

    @Test("routes open to anyone answer without a token")
    func openRoutes() async throws {
        try await withAPI { api in
            let table = RouteTable()
            _ = try api.composition.router(recordingInto: table)
            let open = table.specs.filter { $0.access == .anyone && $0.method == .get && !$0.path.contains("{") }
            #expect(open.map(\.path).contains("/v1/products"))
            for spec in open {
                #expect(try await api.call(.get, spec.path).status == 200, "\(spec.path)")
            }
        }
    }
}
