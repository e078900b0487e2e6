import Foundation
import Hummingbird
import Mustache
import OrderlyModel

/// The pages' Mustache templates, parsed once. Every value is escaped (`{{name}}`); only what these templates or the
/// SVG drawers (which escape every text they place) made goes in unescaped (`{{{body}}}`, `{{{graph}}}`).
///
/// Plain HTML forms do every flow; there is no script. Labels name every control, the focus outline is kept, the
/// colours pass WCAG AA contrast, and the layout holds down to a phone's width.
struct Views: Sendable {
    let library: MustacheLibrary

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Self.shopTemplates.merging(Self.adminTemplates, uniquingKeysWith: { $1 }) {
            templates[name] = try MustacheTemplate(string: text)
        }
        templates["layout"] = try MustacheTemplate(string: Self.layout)
        library = MustacheLibrary(templates: templates)
    }

    /// A whole page: `template` rendered with `values`, inside the layout with the session's navigation.
    /// - Parameter refresh: the page reloads itself after this many seconds (an order whose checkout runs).
    func page(
        _ template: String, title: String, values: [String: Any], session: WebSession,
        status: HTTPResponse.Status = .ok, refresh: Int? = nil
    ) -> Response {
        var values = Self.withoutEmptyText(values)
        values["csrf"] = session.csrf
        values["isAdmin"] = values["isAdmin"] ?? (session.actor?.role == .admin)
        let body = library.render(values, withTemplate: template) ?? ""
        let role = session.actor?.role
        let layout: [String: Any] = [
            "title": title, "body": body, "csrf": session.csrf, "signedIn": session.actor != nil,
            "name": session.name ?? "", "refresh": refresh ?? false, "isCustomer": role == .customer,
            "isAdmin": role == .admin, "delivers": role == .admin || role == .courier,
            "inAdmin": template.hasPrefix("admin-"),
        ]
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: library.render(layout, withTemplate: "layout") ?? "")))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Mustache shows a section for an empty string: a missing message or cursor becomes ``Blank``, at every depth.
    static func withoutEmptyText(_ values: [String: Any]) -> [String: Any] {
        values.mapValues(withoutEmptyText)
    }

    /// Nothing: renders as no text, and a section over it is not shown.
    struct Blank: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
    }

    private static func withoutEmptyText(_ value: Any) -> Any {
        switch value {
        case let text as String: return text.isEmpty ? Blank() : text
        case let object as [String: Any]: return withoutEmptyText(object)
        case let list as [[String: Any]]: return list.map(withoutEmptyText)
        default: return value
        }
    }

    /// The frame of every page: the header with the visitor's navigation, and the styles. Colours are chosen for
    /// WCAG AA contrast (4.5:1 for text) on their backgrounds.
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Orderly</title>
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
        <style>
        body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
        header{background:#0b3d2e;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
        header a,header button{color:#fff}
        nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
        nav.admin{background:#e9f1ee;padding:.5rem 1rem}
        nav.admin a{color:#0b3d2e}
        main{max-width:72rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
        a{color:#0b4f8a}
        button,.button{background:#0b4f8a;color:#fff;border:0;padding:.5rem .9rem;border-radius:.3rem;font-size:1rem;cursor:pointer;text-decoration:none;display:inline-block;margin:.15rem 0}
        button.danger{background:#a71d2a}
        header form button{background:transparent;border:1px solid #fff}
        input,select,textarea{font-size:1rem;padding:.4rem;border:1px solid #555;border-radius:.3rem;max-width:100%;box-sizing:border-box}
        textarea{width:100%}
        label{display:block;font-weight:600;margin-top:.6rem}
        label.check{display:flex;gap:.5rem;align-items:center}
        :focus-visible{outline:3px solid #e8a300;outline-offset:2px}
        .products{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}
        .products li,.card{border:1px solid #767676;border-radius:.4rem;padding:.8rem;margin-bottom:.8rem}
        .error{background:#fde8e8;color:#8a1111;border:1px solid #8a1111;padding:.6rem;border-radius:.3rem}
        .notice{background:#e6f4ea;color:#14532d;border:1px solid #14532d;padding:.6rem;border-radius:.3rem}
        .status{font-weight:700;font-family:ui-monospace,monospace}
        .table{overflow-x:auto}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
        .inline{display:inline}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .board{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem}
        .board section{background:#f4f6f5;border-radius:.4rem;padding:.5rem}
        .board h2{font-size:1rem;margin:.2rem 0 .5rem}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:1rem;padding:0;list-style:none}
        .figures li{border:1px solid #767676;border-radius:.4rem;padding:.8rem}
        .figures strong{display:block;font-size:1.6rem}
        pre{background:#f4f6f5;padding:.6rem;overflow-x:auto;font-size:.85rem;max-height:24rem}
        .scroll{overflow-x:auto;border:1px solid #ccc;border-radius:.4rem;padding:.5rem;background:#fff}
        svg.chart{width:100%;height:auto;max-width:48rem}
        svg .bar{fill:#0b4f8a}svg .grid{stroke:#d0d0d0}svg .axis{font-size:12px;fill:#333}
        svg .edge{fill:none;stroke:#404040;stroke-width:1.5}svg .edge.caught{stroke:#a35200;stroke-dasharray:5 4}
        svg .state rect{stroke-width:2}svg .state text{text-anchor:middle;fill:#1a1a1a}
        svg .state .name{font-size:13px;font-weight:600}svg .state .meta{font-size:11px}
        svg .branch{fill:#f7f7f7;stroke:#9a9a9a;stroke-dasharray:3 3}
        svg a:focus-visible rect{stroke:#e8a300;stroke-width:4}
        .plain rect,.not-run rect{fill:#fff;stroke:#6c757d}
        .succeeded rect{fill:#d4edda;stroke:#1e7e34}.failed rect{fill:#f8d7da;stroke:#a71d2a}
        .caught rect{fill:#ffe8cc;stroke:#a35200}.running rect{fill:#cfe2ff;stroke:#0a58ca}
        .legend{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0}
        .legend span{display:inline-block;width:1rem;height:1rem;border:2px solid;vertical-align:middle;margin-right:.3rem}
        .legend .succeeded span{background:#d4edda;border-color:#1e7e34}.legend .failed span{background:#f8d7da;border-color:#a71d2a}
        .legend .caught span{background:#ffe8cc;border-color:#a35200}.legend .running span{background:#cfe2ff;border-color:#0a58ca}
        .legend .not-run span{background:#fff;border-color:#6c757d}
        tr.succeeded td:first-child{border-left:4px solid #1e7e34}tr.failed td:first-child{border-left:4px solid #a71d2a}
        tr.caught td:first-child{border-left:4px solid #a35200}tr.running td:first-child{border-left:4px solid #0a58ca}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#0b4f8a;padding:.4rem;z-index:1}
        </style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
        <a href="/"><strong>Orderly</strong></a>
        <nav aria-label="Main">
        <a href="/">Shop</a>
        {{#isCustomer}}
        <a href="/cart">Cart</a>
        <a href="/orders">Orders</a>
        <a href="/subscriptions">Subscriptions</a>
        {{/isCustomer}}
        {{#isAdmin}}<a href="/admin">Admin</a>{{/isAdmin}}
        {{#delivers}}<a href="/deliveries">Deliveries</a>{{/delivers}}
        {{#signedIn}}
        <a href="/notifications">Notifications</a>
        <span>Signed in as {{name}}</span>
        <form class="inline" method="post" action="/signout"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/signedIn}}
        {{^signedIn}}
        <a href="/signin">Sign in</a>
        <a href="/register">Create account</a>
        {{/signedIn}}
        </nav>
        </header>
        {{#inAdmin}}
        <nav class="admin" aria-label="Admin">
        <a href="/admin">Overview</a>
        <a href="/admin/orders">Order board</a>
        <a href="/admin/products">Products</a>
        <a href="/deliveries">Deliveries</a>
        <a href="/admin/reports">Sales</a>
        <a href="/admin/workflows">Workflows</a>
        <a href="/admin/dead-letters">Dead letters</a>
        <a href="/admin/events">Events</a>
        <a href="/admin/staff">Staff</a>
        </nav>
        {{/inAdmin}}
        <main id="main">
        {{{body}}}
        </main>
        </body>
        </html>
        """
}
