import Foundation

extension Views {
    /// The admin's pages (named `admin-…`, which shows the admin navigation) and the deliveries page that couriers
    /// and admins share.
    static let adminTemplates: [String: String] = [
        "admin-overview": """
        <h1>Admin</h1>
        <ul class="figures">
        <li><a href="/admin/orders?status=CREATED">Checking out</a><strong>{{checkingOut}}</strong></li>
        <li><a href="/admin/orders?status=CONFIRMED">To pack</a><strong>{{toPack}}</strong></li>
        <li><a href="/admin/orders?status=PACKED">Packed, awaiting a courier</a><strong>{{packed}}</strong></li>
        <li><a href="/admin/orders?status=OUT_FOR_DELIVERY">Out for delivery</a><strong>{{outForDelivery}}</strong></li>
        <li><a href="/admin/dead-letters">Dead letters</a><strong>{{deadLetters}}</strong></li>
        <li><a href="/admin/reports">Revenue today</a><strong>{{revenueToday}}</strong> {{ordersToday}} orders</li>
        </ul>
        """,
        "admin-products": """
        <h1>Products</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="get" action="/admin/products" role="search">
        <label for="q">Search products</label>
        <input id="q" name="q" type="search" value="{{query}}">
        <button type="submit">Search</button>
        </form>
        <div class="table"><table>
        <thead><tr><th scope="col">Product</th><th scope="col">Category</th><th scope="col">Price</th><th scope="col">Available</th><th scope="col">Reserved</th><th scope="col">State</th></tr></thead>
        <tbody>
        {{#products}}<tr><td><a href="/admin/products/{{id}}">{{name}}</a></td><td>{{category}}</td><td>{{price}}</td><td>{{available}}</td><td>{{reserved}}</td><td>{{state}}</td></tr>{{/products}}
        </tbody>
        </table></div>
        {{^products}}<p>No products.</p>{{/products}}
        {{#next}}<p><a href="/admin/products?q={{query}}&amp;cursor={{next}}">More products</a></p>{{/next}}
        <h2>New product</h2>
        <form method="post" action="/admin/products">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="new-name">Name</label>
        <input id="new-name" name="name" required maxlength="200" value="{{name}}">
        <label for="new-description">Description</label>
        <textarea id="new-description" name="description" rows="3" maxlength="2000">{{description}}</textarea>
        <label for="new-price">Price ({{currency}})</label>
        <input id="new-price" name="price" required inputmode="decimal" placeholder="2.49" value="{{price}}">
        <label for="new-category">Category</label>
        <input id="new-category" name="category" required maxlength="50" value="{{category}}">
        <label for="new-stock">Stock</label>
        <input id="new-stock" name="stock" type="number" min="0" required value="{{stock}}">
        <p><button type="submit">Add product</button></p>
        </form>
        """,
        "admin-product": """
        <h1>{{name}}</h1>
        {{#message}}<p class="notice" role="status">{{message}}</p>{{/message}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <p>Stock: <strong id="stock-available">{{available}}</strong> available, {{reserved}} held by checkouts. <a href="/products/{{id}}">See it in the shop</a></p>
        <h2>Details</h2>
        <form method="post" action="/admin/products/{{id}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="name">Name</label>
        <input id="name" name="name" required maxlength="200" value="{{name}}">
        <label for="description">Description</label>
        <textarea id="description" name="description" rows="3" maxlength="2000">{{description}}</textarea>
        <label for="price">Price ({{currency}})</label>
        <input id="price" name="price" required inputmode="decimal" value="{{price}}">
        <label for="category">Category</label>
        <input id="category" name="category" required maxlength="50" value="{{category}}">
        <label class="check" for="active"><input id="active" name="active" type="checkbox"{{#active}} checked{{/active}}> On sale</label>
        <p><button type="submit">Save changes</button></p>
        </form>
        <h2>Adjust stock</h2>
        <form method="post" action="/admin/products/{{id}}/stock">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="delta">Change in stock</label>
        <input id="delta" name="delta" type="number" required placeholder="12 or -3" value="{{delta}}">
        <label for="reason">Reason</label>
        <input id="reason" name="reason" required maxlength="200" placeholder="delivery from the farm" value="{{reason}}">
        <p><button type="submit">Adjust stock</button></p>
        </form>
        """,
        "admin-staff": """
        <h1>Staff</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <h2>Couriers</h2>
        <ul>{{#couriers}}<li>{{name}} ({{email}})</li>{{/couriers}}</ul>
        {{^couriers}}<p>No couriers yet.</p>{{/couriers}}
        <h2>Admins</h2>
        <ul>{{#admins}}<li>{{name}} ({{email}})</li>{{/admins}}</ul>
        <h2>New staff account</h2>
        <form method="post" action="/admin/staff">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="staff-name">Name</label>
        <input id="staff-name" name="name" required value="{{name}}">
        <label for="staff-email">Email</label>
        <input id="staff-email" name="email" type="email" required value="{{email}}">
        <label for="staff-password">Password</label>
        <input id="staff-password" name="password" type="password" autocomplete="new-password" required minlength="8">
        <label for="staff-role">Role</label>
        <select id="staff-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select>
        <p><button type="submit">Create staff account</button></p>
        </form>
        """,
        "admin-orders": """
        <h1>Order board</h1>
        {{#one}}<p><a href="/admin/orders">Every status</a></p>{{/one}}
        <div class="board">
        {{#columns}}
        <section aria-labelledby="column-{{status}}">
        <h2 id="column-{{status}}"><a href="/admin/orders?status={{status}}">{{status}}</a></h2>
        {{#orders}}
        <div class="card">
        <a href="/admin/orders/{{id}}">{{id}}</a><br>{{total}} · {{placed}}<br>Payment <span class="status">{{paymentStatus}}</span>
        {{#moves}}<form method="post" action="/admin/orders/{{id}}/status"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="status" value="{{value}}"><button type="submit" aria-label="{{label}} {{id}}"{{#danger}} class="danger"{{/danger}}>{{label}}</button></form>{{/moves}}
        </div>
        {{/orders}}
        {{^orders}}<p>None.</p>{{/orders}}
        {{#more}}<p><a href="/admin/orders?status={{status}}&amp;cursor={{more}}">More {{status}} orders</a></p>{{/more}}
        </section>
        {{/columns}}
        </div>
        """,
        "admin-order": """
        <h1>Order {{id}}</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <p>Status: <span class="status" id="order-status">{{status}}</span> · Payment: <span class="status">{{paymentStatus}}</span> · Total: <strong>{{total}}</strong></p>
        {{#failure}}<p class="error">{{failure}}</p>{{/failure}}
        <p>Customer: {{customer}}</p>
        <p>Delivery slot: {{#slot}}{{slot}}{{/slot}}{{^slot}}any time{{/slot}}{{#address}} · To: {{address}}{{/address}}</p>
        {{#executionId}}<p><a href="/admin/executions?id={{executionLink}}">Checkout execution graph</a></p>{{/executionId}}
        <div class="table"><table>
        <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Unit price</th><th scope="col">Price</th></tr></thead>
        <tbody>{{#lines}}<tr><td>{{name}}</td><td>{{quantity}}</td><td>{{unitPrice}}</td><td>{{total}}</td></tr>{{/lines}}</tbody>
        </table></div>
        {{#hasMoves}}
        <h2>Move the order</h2>
        <form method="post" action="/admin/orders/{{id}}/status">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="move-note">Note</label>
        <input id="move-note" name="note" maxlength="500">
        <p>{{#moves}}<button type="submit" name="status" value="{{value}}"{{#danger}} class="danger"{{/danger}}>{{label}}</button> {{/moves}}</p>
        </form>
        {{/hasMoves}}
        {{#canAssign}}
        <h2>Send out for delivery</h2>
        <form method="post" action="/admin/orders/{{id}}/delivery">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="courier">Courier</label>
        <select id="courier" name="courierId"><option value="">Unassigned</option>{{#assign}}<option value="{{id}}">{{name}}</option>{{/assign}}</select>
        <p><button type="submit">Assign delivery</button></p>
        </form>
        {{/canAssign}}
        <h2>Delivery</h2>
        {{#delivery}}{{> delivery-card}}{{/delivery}}
        {{^delivery}}<p>No delivery yet.</p>{{/delivery}}
        <h2>Payment</h2>
        {{#payment}}
        <p>Status <span class="status">{{status}}</span> · captured {{captured}} · left to refund {{refundable}} · transaction {{transaction}}</p>
        {{/payment}}
        {{^payment}}<p>No payment recorded.</p>{{/payment}}
        <ul>{{#refunds}}<li>{{amount}}: {{reason}} (<span class="status">{{status}}</span>, {{at}})</li>{{/refunds}}</ul>
        {{#canRefund}}
        <h3>Refund</h3>
        <form method="post" action="/admin/orders/{{id}}/refunds">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="idempotencyKey" value="{{idempotencyKey}}">
        <label for="refund-amount">Amount (empty refunds all that is left, {{refundableText}})</label>
        <input id="refund-amount" name="amount" inputmode="decimal" placeholder="{{refundableText}}">
        <label for="refund-reason">Reason</label>
        <input id="refund-reason" name="reason" required maxlength="200">
        <p><button type="submit">Refund</button></p>
        </form>
        {{/canRefund}}
        <h2>Timeline</h2>
        <ol>{{#timeline}}<li><span class="status">{{status}}</span> at {{at}}{{#note}} — {{note}}{{/note}}</li>{{/timeline}}</ol>
        """,
        "deliveries": """
        <h1>Deliveries</h1>
        <form method="get" action="/deliveries">
        <label for="delivery-filter">Show</label>
        <select id="delivery-filter" name="status"><option value="">Every status</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}</select>
        <button type="submit">Show</button>
        </form>
        {{#deliveries}}{{> delivery-card}}{{/deliveries}}
        {{^deliveries}}<p>No deliveries.</p>{{/deliveries}}
        {{#next}}<p><a href="/deliveries?status={{status}}&amp;cursor={{next}}">More deliveries</a></p>{{/next}}
        """,
        "delivery-card": """
        <section class="card" aria-labelledby="delivery-{{id}}">
        <h3 id="delivery-{{id}}">Delivery {{id}}</h3>
        <p>Order {{#isAdmin}}<a href="/admin/orders/{{order}}">{{order}}</a>{{/isAdmin}}{{^isAdmin}}{{order}}{{/isAdmin}} · courier {{courier}} · slot {{slot}} · <span class="status delivery-status">{{status}}</span></p>
        <ol>{{#history}}<li><span class="status">{{status}}</span> at {{at}}{{#note}} — {{note}}{{/note}}</li>{{/history}}</ol>
        {{#hasMoves}}
        <form method="post" action="/deliveries/{{id}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{back}}">
        <label for="note-{{id}}">Note</label>
        <input id="note-{{id}}" name="note" maxlength="500">
        <p>{{#moves}}<button type="submit" name="status" value="{{value}}">{{label}}</button> {{/moves}}</p>
        </form>
        {{/hasMoves}}
        </section>
        """,
        "admin-dead-letters": """
        <h1>Dead letters</h1>
        {{#message}}<p class="notice" role="status">{{message}}</p>{{/message}}
        <p>Events a consumer failed to handle after its retries. Replaying one delivers it to that consumer again.</p>
        {{#letters}}
        <section class="card" aria-labelledby="letter-{{id}}">
        <h2 id="letter-{{id}}">{{type}} to {{consumer}}</h2>
        <p>Event {{event}} · {{attempts}} attempts · {{at}}</p>
        <p class="error">{{error}}</p>
        <details><summary>Detail</summary><pre>{{detail}}</pre></details>
        <form method="post" action="/admin/dead-letters/{{id}}/replay"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" aria-label="Replay {{type}} to {{consumer}}">Replay</button></form>
        </section>
        {{/letters}}
        {{^letters}}<p>No dead letters.</p>{{/letters}}
        {{#next}}<p><a href="/admin/dead-letters?cursor={{next}}">More dead letters</a></p>{{/next}}
        """,
        "admin-events": """
        <h1>Events</h1>
        <form method="get" action="/admin/events">
        <label for="event-type">Type</label>
        <select id="event-type" name="type"><option value="">Every type</option>{{#types}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/types}}</select>
        <button type="submit">Show</button>
        </form>
        <div class="table"><table>
        <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#events}}<tr><td>{{at}}</td><td>{{type}}</td><td>{{source}}</td><td><details><summary>{{id}}</summary><pre>{{detail}}</pre></details></td></tr>{{/events}}</tbody>
        </table></div>
        {{^events}}<p>No events.</p>{{/events}}
        {{#next}}<p><a href="/admin/events?type={{type}}&amp;cursor={{next}}">Older events</a></p>{{/next}}
        """,
        "admin-reports": """
        <h1>Sales</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="get" action="/admin/reports">
        <label for="from">From</label>
        <input id="from" name="from" type="date" value="{{from}}">
        <label for="to">To</label>
        <input id="to" name="to" type="date" value="{{to}}">
        <button type="submit">Show</button>
        </form>
        {{^error}}
        <ul class="figures">
        <li>Orders<strong>{{orders}}</strong></li>
        <li>Revenue<strong>{{revenue}}</strong></li>
        <li>Refunded<strong>{{refunded}}</strong></li>
        </ul>
        <h2>Revenue by day</h2>
        {{{revenueChart}}}
        <details><summary>Figures by day</summary>
        <div class="table"><table>
        <thead><tr><th scope="col">Day</th><th scope="col">Orders</th><th scope="col">Revenue</th><th scope="col">Refunded</th></tr></thead>
        <tbody>{{#days}}<tr><td>{{date}}</td><td>{{orders}}</td><td>{{revenue}}</td><td>{{refunded}}</td></tr>{{/days}}</tbody>
        </table></div></details>
        <h2>Top products</h2>
        {{{productsChart}}}
        <div class="table"><table>
        <thead><tr><th scope="col">Product</th><th scope="col">Sold</th><th scope="col">Revenue</th></tr></thead>
        <tbody>{{#products}}<tr><td>{{name}}</td><td>{{quantity}}</td><td>{{revenue}}</td></tr>{{/products}}</tbody>
        </table></div>
        {{^products}}<p>Nothing sold in these days.</p>{{/products}}
        {{/error}}
        """,
        "admin-workflows": """
        <h1>Workflows</h1>
        <p>The Amazon States Language definitions the checkout runs on, here and on AWS Step Functions alike.</p>
        <form method="get" action="/admin/workflows">
        <label for="execution-status">Executions</label>
        <select id="execution-status" name="status"><option value="">Every status</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}</select>
        <button type="submit">Show</button>
        </form>
        {{#workflows}}
        <section aria-labelledby="workflow-{{name}}">
        <h2 id="workflow-{{name}}">{{name}}</h2>
        <div class="scroll">{{{graph}}}</div>
        <h3>Newest executions</h3>
        <div class="table"><table>
        <thead><tr><th scope="col">Execution</th><th scope="col">Started</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#executions}}<tr><td><a href="{{link}}">{{name}}</a></td><td>{{started}}</td><td class="status">{{status}}</td></tr>{{/executions}}</tbody>
        </table></div>
        {{^executions}}<p>No executions.</p>{{/executions}}
        <details><summary>Definition</summary><pre>{{definition}}</pre></details>
        </section>
        {{/workflows}}
        """,
        "admin-execution": """
        <h1>Execution {{name}}</h1>
        <p>Workflow <a href="/admin/workflows">{{workflow}}</a> · started {{started}} · <span class="status" id="execution-status">{{status}}</span></p>
        <p><small>{{id}}</small></p>
        {{#error}}<p class="error" role="alert">{{error}}: {{cause}}</p>{{/error}}
        <ul class="legend" aria-label="Legend">
        <li class="succeeded"><span></span>Succeeded</li><li class="caught"><span></span>Caught error</li>
        <li class="failed"><span></span>Failed</li><li class="running"><span></span>In progress</li>
        <li class="not-run"><span></span>Not run</li>
        </ul>
        <div class="scroll">{{{graph}}}</div>
        <h2>States</h2>
        <div class="table"><table>
        <thead><tr><th scope="col">State</th><th scope="col">Status</th><th scope="col">Entered</th><th scope="col">Duration</th><th scope="col">Input and output</th></tr></thead>
        <tbody>
        {{#states}}
        <tr id="{{anchor}}" class="{{class}}"><td>{{name}}</td><td>{{status}}{{#retries}} ({{retries}} failed attempts){{/retries}}{{#stateError}}<br>{{stateError}}{{#stateCause}}: {{stateCause}}{{/stateCause}}{{/stateError}}</td><td>{{entered}}</td><td>{{duration}}</td>
        <td>{{#input}}<details><summary>Input</summary><pre>{{input}}</pre></details>{{/input}}{{#output}}<details><summary>Output</summary><pre>{{output}}</pre></details>{{/output}}</td></tr>
        {{/states}}
        </tbody>
        </table></div>
        <h2>Execution input</h2>
        <pre>{{input}}</pre>
        {{#output}}<h2>Execution output</h2><pre>{{output}}</pre>{{/output}}
        <details><summary>History ({{eventCount}} events)</summary>
        <ol>{{#events}}<li>{{at}} <strong>{{type}}</strong><pre>{{details}}</pre></li>{{/events}}</ol>
        </details>
        """,
    ]
}
