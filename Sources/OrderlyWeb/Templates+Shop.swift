import Foundation

extension Views {
    /// The storefront's pages: catalog, product, sign in and up, cart, checkout, orders, subscriptions,
    /// notifications, and the error page.
    static let shopTemplates: [String: String] = [
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
        <p>{{price}} · {{stock}}</p>
        {{#canBuy}}{{#available}}
        <form method="post" action="/cart/items">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="productId" value="{{id}}">
        <label for="qty-{{id}}">Quantity</label>
        <input id="qty-{{id}}" name="quantity" type="number" min="1" max="99" value="1">
        <button type="submit" aria-label="Add {{name}} to cart">Add to cart</button>
        </form>
        {{/available}}{{/canBuy}}
        </li>
        {{/products}}
        </ul>
        {{^products}}<p>No products match.</p>{{/products}}
        {{#next}}<p><a href="/?q={{query}}&amp;category={{category}}&amp;cursor={{next}}">More products</a></p>{{/next}}
        """,
        "product": """
        <h1>{{name}}</h1>
        <p>{{description}}</p>
        <p><strong>{{price}}</strong> · <span id="stock">{{stock}}</span> · {{category}}</p>
        {{#canBuy}}{{#available}}
        <form method="post" action="/cart/items">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="productId" value="{{id}}">
        <label for="quantity">Quantity</label>
        <input id="quantity" name="quantity" type="number" min="1" max="99" value="1">
        <button type="submit">Add to cart</button>
        </form>
        {{/available}}{{/canBuy}}
        {{^signedIn}}<p><a href="/signin">Sign in</a> to buy.</p>{{/signedIn}}
        """,
        "signin": """
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/signin">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#next}}<input type="hidden" name="next" value="{{next}}">{{/next}}
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
        {{#methods}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/methods}}
        </select>
        <label for="slot">Delivery slot</label>
        <select id="slot" name="deliverySlot">
        <option value="">Any time</option>
        {{#slots}}<option value="{{slot}}"{{#selected}} selected{{/selected}}>{{slot}}</option>{{/slots}}
        </select>
        <fieldset>
        <legend>Delivery address</legend>
        <label for="line1">Address line 1</label>
        <input id="line1" name="line1" autocomplete="address-line1" value="{{line1}}">
        <label for="line2">Address line 2</label>
        <input id="line2" name="line2" autocomplete="address-line2" value="{{line2}}">
        <label for="city">City</label>
        <input id="city" name="city" autocomplete="address-level2" value="{{city}}">
        <label for="postalCode">Postal code</label>
        <input id="postalCode" name="postalCode" autocomplete="postal-code" value="{{postalCode}}">
        <label for="country">Country</label>
        <input id="country" name="country" autocomplete="country" maxlength="2" placeholder="US" value="{{country}}">
        </fieldset>
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
        {{#next}}<p><a href="/orders?cursor={{next}}">Older orders</a></p>{{/next}}
        """,
        "order": """
        <h1>Order {{id}}</h1>
        <p>Status: <span class="status" id="order-status">{{status}}</span>{{#running}} (updating…){{/running}}</p>
        {{#failure}}<p class="error" role="alert">{{failure}}</p>{{/failure}}
        <p>Payment: <span class="status">{{paymentStatus}}</span> · Total: <strong>{{total}}</strong></p>
        <p>Delivery slot: {{#slot}}{{slot}}{{/slot}}{{^slot}}any time{{/slot}}{{#address}} · To: {{address}}{{/address}}</p>
        <table>
        <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Price</th></tr></thead>
        <tbody>{{#lines}}<tr><td>{{name}}</td><td>{{quantity}}</td><td>{{total}}</td></tr>{{/lines}}</tbody>
        </table>
        {{#hasRefunds}}<h2>Refunds</h2>
        <ul>{{#refunds}}<li>{{amount}}: {{reason}} (<span class="status">{{status}}</span>, {{at}})</li>{{/refunds}}</ul>{{/hasRefunds}}
        <h2>Delivery</h2>
        {{#delivery}}
        <p>Delivery {{id}}: <span class="status" id="delivery-status">{{status}}</span> · slot {{slot}}</p>
        <ol>{{#history}}<li><span class="status">{{status}}</span> at {{at}}{{#note}} — {{note}}{{/note}}</li>{{/history}}</ol>
        {{/delivery}}
        {{^delivery}}<p>Not out for delivery yet.</p>{{/delivery}}
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
        {{#canSubscribe}}
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
        {{/canSubscribe}}
        """,
        "notifications": """
        <h1>Notifications</h1>
        <ul>
        {{#notifications}}<li><strong>{{subject}}</strong> ({{channel}}, {{at}}): {{message}}</li>{{/notifications}}
        </ul>
        {{^notifications}}<p>No notifications.</p>{{/notifications}}
        {{#next}}<p><a href="/notifications?cursor={{next}}">Older notifications</a></p>{{/next}}
        """,
        "error": """
        <h1>{{heading}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/">Back to the shop</a></p>
        """,
    ]
}
