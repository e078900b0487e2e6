import Foundation
import Hummingbird
import Mustache

/// The pages' Mustache templates, parsed once. Every value is escaped (`{{name}}`); only the page body, rendered by
/// these same templates, goes into the layout unescaped (`{{{body}}}`).
///
/// Plain HTML forms do every flow; there is no script. Labels name every control, the focus outline is kept, the
/// colours pass WCAG AA contrast, and the layout holds down to a phone's width.
struct Views: Sendable {
    let library: MustacheLibrary

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Self.sources { templates[name] = try MustacheTemplate(string: text) }
        library = MustacheLibrary(templates: templates)
    }

    /// A whole page: `template` rendered with `values`, inside the layout with the session's navigation.
    /// - Parameter refresh: the page reloads itself every two seconds (an order whose checkout runs).
    func page(
        _ template: String, title: String, values: [String: Any], session: WebSession,
        status: HTTPResponse.Status = .ok,
        refresh: Bool = false
    ) -> Response {
        // Mustache shows a section for an empty string: a missing message or cursor is `false` instead.
        var values = values.mapValues { ($0 as? String)?.isEmpty == true ? false : $0 }
        values["csrf"] = session.csrf
        let body = library.render(values, withTemplate: template) ?? ""
        let layout: [String: Any] = [
            "title": title, "body": body, "csrf": session.csrf, "signedIn": session.actor != nil,
            "name": session.name ?? "", "refresh": refresh,
        ]
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: library.render(layout, withTemplate: "layout") ?? "")))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static let sources: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Orderly</title>
        {{#refresh}}<meta http-equiv="refresh" content="2">{{/refresh}}
        <style>
        body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
        header{background:#0b3d2e;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
        header a,header button{color:#fff}
        nav{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        a{color:#0b4f8a}
        button,.button{background:#0b4f8a;color:#fff;border:0;padding:.5rem .9rem;border-radius:.3rem;font-size:1rem;cursor:pointer;text-decoration:none;display:inline-block}
        header form button{background:transparent;border:1px solid #fff}
        input,select{font-size:1rem;padding:.4rem;border:1px solid #555;border-radius:.3rem;max-width:100%}
        label{display:block;font-weight:600;margin-top:.6rem}
        :focus{outline:3px solid #e8a300;outline-offset:2px}
        .products{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}
        .products li,.card{border:1px solid #767676;border-radius:.4rem;padding:.8rem}
        .error{background:#fde8e8;color:#8a1111;border:1px solid #8a1111;padding:.6rem;border-radius:.3rem}
        .status{font-weight:700;font-family:ui-monospace,monospace}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}
        .inline{display:inline}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        </style>
        </head>
        <body>
        <header>
        <a href="/"><strong>Orderly</strong></a>
        <nav aria-label="Main">
        <a href="/">Shop</a>
        {{#signedIn}}
        <a href="/cart">Cart</a>
        <a href="/orders">Orders</a>
        <a href="/subscriptions">Subscriptions</a>
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
        <main>
        {{{body}}}
        </main>
        </body>
        </html>
        """,
        "catalog": """
        <h1>Shop</h1>
        <form method="get" action="/" role="search">
        <label for="q">Search</label>
        <input id="q" name="q" type="search" value="{{query}}">
        <label for="category">Category</label>
        <select id="category" name="category">
        <option value="">All categories</option>
        {{#categories}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/categories}}
        </select>
        <button type="submit">Search</button>
        </form>
        {{#message}}<p role="status">{{message}}</p>{{/message}}
        <ul class="products">
        {{#products}}
        <li>
        <h2><a href="/products/{{id}}">{{name}}</a></h2>
        <p>{{price}} · {{available}} in stock</p>
        {{#signedIn}}{{#available}}
        <form method="post" action="/cart/items">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="productId" value="{{id}}">
        <label for="qty-{{id}}">Quantity</label>
        <input id="qty-{{id}}" name="quantity" type="number" min="1" max="99" value="1">
        <button type="submit" aria-label="Add {{name}} to cart">Add to cart</button>
        </form>
        {{/available}}{{/signedIn}}
        </li>
        {{/products}}
        </ul>
        {{^products}}<p>No products match.</p>{{/products}}
        {{#next}}<p><a href="/?q={{query}}&amp;category={{category}}&amp;cursor={{next}}">More products</a></p>{{/next}}
        """,
        "product": """
        <h1>{{name}}</h1>
        <p>{{description}}</p>
        <p><strong>{{price}}</strong> · <span>{{available}} in stock</span> · {{category}}</p>
        {{#signedIn}}{{#available}}
        <form method="post" action="/cart/items">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="productId" value="{{id}}">
        <label for="quantity">Quantity</label>
        <input id="quantity" name="quantity" type="number" min="1" max="99" value="1">
        <button type="submit">Add to cart</button>
        </form>
        {{/available}}{{/signedIn}}
        {{^signedIn}}<p><a href="/signin">Sign in</a> to buy.</p>{{/signedIn}}
        """,
        "signin": """
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/signin">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <p><button type="submit">Sign in</button></p>
        </form>
        <p>New here? <a href="/register">Create account</a></p>
        """,
        "register": """
        <h1>Create account</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/register">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="name">Name</label>
        <input id="name" name="name" autocomplete="name" required value="{{name}}">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
        <p><button type="submit">Create account</button></p>
        </form>
        """,
        "cart": """
        <h1>Cart</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#hasLines}}
        <table>
        <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
        <tbody>
        {{#lines}}
        <tr><td>{{name}}</td><td>{{quantity}}</td><td>{{total}}</td>
        <td><form method="post" action="/cart/items/{{id}}/remove"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" aria-label="Remove {{name}}">Remove</button></form></td></tr>
        {{/lines}}
        </tbody>
        </table>
        <p>Total: <strong>{{total}}</strong></p>
        <p><a class="button" href="/checkout">Check out</a></p>
        {{/hasLines}}
        {{^hasLines}}<p>Your cart is empty. <a href="/">Shop</a></p>{{/hasLines}}
        """,
        "checkout": """
        <h1>Check out</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <p>Total: <strong>{{total}}</strong></p>
        <form method="post" action="/checkout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="idempotencyKey" value="{{idempotencyKey}}">
        <label for="payment">Payment method</label>
        <select id="payment" name="payment">
        {{#methods}}<option value="{{value}}">{{label}}</option>{{/methods}}
        </select>
        <label for="slot">Delivery slot</label>
        <select id="slot" name="deliverySlot">
        <option value="">Any time</option>
        {{#slots}}<option value="{{.}}">{{.}}</option>{{/slots}}
        </select>
        <p><button type="submit">Place order</button></p>
        </form>
        """,
        "orders": """
        <h1>Orders</h1>
        <table>
        <thead><tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Total</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#orders}}<tr><td><a href="/orders/{{id}}">{{id}}</a></td><td>{{placed}}</td><td>{{total}}</td><td class="status">{{status}}</td></tr>{{/orders}}
        </tbody>
        </table>
        {{^orders}}<p>No orders yet.</p>{{/orders}}
        """,
        "order": """
        <h1>Order {{id}}</h1>
        <p>Status: <span class="status" id="order-status">{{status}}</span>{{#running}} (updating…){{/running}}</p>
        {{#failure}}<p class="error" role="alert">{{failure}}</p>{{/failure}}
        <p>Payment: <span class="status">{{paymentStatus}}</span> · Total: <strong>{{total}}</strong></p>
        <table>
        <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Price</th></tr></thead>
        <tbody>{{#lines}}<tr><td>{{name}}</td><td>{{quantity}}</td><td>{{total}}</td></tr>{{/lines}}</tbody>
        </table>
        <h2>Timeline</h2>
        <ol>{{#timeline}}<li><span class="status">{{status}}</span> at {{at}}{{#note}} — {{note}}{{/note}}</li>{{/timeline}}</ol>
        {{#cancellable}}
        <form method="post" action="/orders/{{id}}/cancel"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Cancel order</button></form>
        {{/cancellable}}
        """,
        "subscriptions": """
        <h1>Subscriptions</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <table>
        <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Every</th><th scope="col">At (UTC)</th><th scope="col">Status</th><th scope="col">Next order</th><th scope="col"><span class="visually-hidden">Change</span></th></tr></thead>
        <tbody>
        {{#subscriptions}}
        <tr><td>{{product}}</td><td>{{quantity}}</td><td>{{frequency}}</td><td>{{time}}</td><td class="status">{{status}}</td><td>{{next}}</td>
        <td>{{#moves}}<form class="inline" method="post" action="/subscriptions/{{id}}/{{move}}"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{label}}</button></form> {{/moves}}</td></tr>
        {{/subscriptions}}
        </tbody>
        </table>
        {{^subscriptions}}<p>No subscriptions yet.</p>{{/subscriptions}}
        <h2>Subscribe</h2>
        <form method="post" action="/subscriptions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="sub-product">Product</label>
        <select id="sub-product" name="productId">{{#products}}<option value="{{id}}">{{name}} ({{price}})</option>{{/products}}</select>
        <label for="sub-quantity">Quantity</label>
        <input id="sub-quantity" name="quantity" type="number" min="1" max="99" value="{{quantity}}">
        <label for="sub-frequency">Frequency</label>
        <select id="sub-frequency" name="frequency"><option value="DAILY">Daily</option><option value="WEEKLY">Weekly</option></select>
        <label for="sub-start">Start date</label>
        <input id="sub-start" name="startDate" type="date" value="{{today}}">
        <label for="sub-time">Delivery time (UTC)</label>
        <input id="sub-time" name="deliveryTime" type="time" value="{{deliveryTime}}">
        <label for="sub-payment">Payment method</label>
        <select id="sub-payment" name="payment">{{#methods}}<option value="{{value}}">{{label}}</option>{{/methods}}</select>
        <p><button type="submit">Subscribe</button></p>
        </form>
        """,
        "notifications": """
        <h1>Notifications</h1>
        <ul>
        {{#notifications}}<li><strong>{{subject}}</strong> ({{channel}}, {{at}}): {{message}}</li>{{/notifications}}
        </ul>
        {{^notifications}}<p>No notifications.</p>{{/notifications}}
        """,
        "error": """
        <h1>{{heading}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/">Back to the shop</a></p>
        """,
    ]
}
