import Foundation
import OrderlyModel
import OrderlyPorts

/// HTML receipts, stored through the blob store under `receipts/<orderId>.html`.
public struct ReceiptService: Sendable {
    let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    static func key(_ orderID: Order.ID) -> String { "receipts/\(orderID.rawValue).html" }

    /// Renders and stores the receipt of a confirmed order; storing it again overwrites it with the same bytes.
    /// - Returns: the blob key.
    public func store(order: Order, payment: Payment?) async throws -> String {
        let key = Self.key(order.id)
        try await blobs.put(Data(Self.render(order: order, payment: payment).utf8), key: key, contentType: "text/html")
        return key
    }

    /// The stored receipt, if one was made.
    public func receipt(for orderID: Order.ID) async throws -> Data? {
        try await blobs.get(key: Self.key(orderID))
    }

    /// The receipt as a small, self-contained HTML page.
    static func render(order: Order, payment: Payment?) -> String {
        func escape(_ text: String) -> String {
            guard text.utf8.contains(where: { "&<>\"".utf8.contains($0) }) else { return text }
            var escaped = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
                case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
                case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
                case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
                default: escaped.append(scalar)
                }
            }
            return String(escaped)
        }
        let rows = order.lines.map { line in
            "<tr><td>\(escape(line.name))</td><td>\(line.quantity)</td><td>\(line.unitPrice.formatted)</td><td>\(line.lineTotal.formatted)</td></tr>"
        }.joined(separator: "\n")
        let paid: String
        switch order.paymentMethod {
        case .cash: paid = "Cash on delivery"
        case .card: paid = "Card" + (payment?.transactionID.map { " (transaction \(escape($0)))" } ?? "")
        case .upi(let vpa):
            paid = "UPI \(escape(vpa))" + (payment?.transactionID.map { " (transaction \(escape($0)))" } ?? "")
        }
        let date = order.createdAt.formatted(.iso8601)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Receipt \(order.id.rawValue)</title></head>
            <body>
            <h1>Receipt</h1>
            <p>Order <strong>\(order.id.rawValue)</strong>, placed \(date)</p>
            <table>
            <tr><th>Item</th><th>Quantity</th><th>Unit price</th><th>Total</th></tr>
            \(rows)
            <tr><td colspan="3"><strong>Total</strong></td><td><strong>\(order.total.formatted)</strong></td></tr>
            </table>
            <p>Paid by: \(paid)</p>
            </body></html>

            """
    }
}
