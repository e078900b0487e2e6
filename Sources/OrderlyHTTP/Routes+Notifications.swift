import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addNotificationRoutes(to router: Router<AppRequestContext>) {
        let paging: [(name: String, schema: String)] = [
            ("limit", #"{"type":"integer","minimum":1,"maximum":100}"#), ("cursor", SchemaRule.cursor),
        ]
        router.add(
            RouteSpec(
                .get, "/v1/notifications", "The caller's notifications, newest first", access: .signedIn,
                query: paging, success: (200, "NotificationList")), in: table
        ) { request, context, actor in
            let page = try await services.notifications.list(for: actor, page: try QueryInput(request: request).page())
            return try JSONResponse.make(
                ListBody(items: page.items.map(NotificationBody.init), nextCursor: page.nextAfter.map(Cursor.encode)))
        }
    }
}
