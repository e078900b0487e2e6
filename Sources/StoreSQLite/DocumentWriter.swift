import Foundation
import OrderlyModel

/// The JSON text of the documents a checkout writes on every step (orders, payments, reservations), written by hand:
/// the same text Foundation's `JSONEncoder` writes with sorted keys (a test holds them equal), at a fraction of the
/// cost. Encoding the order with `JSONEncoder` inside the writer's transaction was a quarter of each commit.
///
/// Keys are written in sorted order; a nil optional is left out, as the synthesized `Encodable` does.
struct DocumentWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// An object whose members `body` writes with ``member(_:_:)`` in sorted order.
    mutating func object(_ body: (inout Members) -> Void) {
        // The bytes move to the members and back: emptied here, they are not copied when the members append.
        var members = Members(writer: self)
        bytes = []
        members.writer.bytes.append(UInt8(ascii: "{"))
        body(&members)
        members.writer.bytes.append(UInt8(ascii: "}"))
        self = members.writer
    }

    mutating func array<S: Sequence>(_ elements: S, _ element: (inout DocumentWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for value in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The members of an object being written.
    struct Members {
        fileprivate var writer: DocumentWriter
        private var first = true

        fileprivate init(writer: DocumentWriter) { self.writer = writer }

        /// A member; its key must sort after the one before.
        mutating func member(_ key: StaticString, _ value: (inout DocumentWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { writer.bytes.append(contentsOf: $0) }
            writer.bytes.append(contentsOf: "\":".utf8)
            value(&writer)
        }

        mutating func member(_ key: StaticString, _ value: String) { member(key) { $0.string(value) } }
        mutating func member(_ key: StaticString, _ value: Int) { member(key) { $0.int(value) } }
        mutating func member(_ key: StaticString, _ value: Bool) { member(key) { $0.bool(value) } }
        mutating func member(_ key: StaticString, _ value: Date) { member(key) { $0.date(value) } }
        mutating func member(_ key: StaticString, _ value: Money) { member(key) { $0.money(value) } }

        /// A member left out when nil.
        mutating func member(_ key: StaticString, _ value: String?) {
            if let value { member(key, value) }
        }
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "/"): bytes.append(contentsOf: #"\/"#.utf8)
            case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
            case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    /// A date as `Date`'s own `Encodable` gives it: seconds since 2001-01-01, a whole number without a fraction.
    mutating func date(_ value: Date) {
        let seconds = value.timeIntervalSinceReferenceDate
        var text = seconds.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func money(_ value: Money) {
        object {
            $0.member("amount", value.amount)
            $0.member("currency", value.currency.rawValue)
        }
    }
}

extension DocumentWriter {
    static func text(of order: Order) -> String {
        var writer = DocumentWriter()
        writer.object { m in
            if let address = order.address { m.member("address") { $0.address(address) } }
            m.member("createdAt", order.createdAt)
            m.member("deliverySlot", order.deliverySlot)
            m.member("executionID", order.executionID)
            m.member("failureReason", order.failureReason)
            m.member("fromCart", order.fromCart)
            m.member("id", order.id.rawValue)
            m.member("idempotencyKey", order.idempotencyKey)
            m.member("lines") { $0.array(order.lines) { $0.pricedLine($1) } }
            m.member("paymentMethod") { $0.paymentMethod(order.paymentMethod) }
            m.member("paymentStatus", order.paymentStatus.rawValue)
            m.member("status", order.status.rawValue)
            m.member("subscriptionID", order.subscriptionID)
            m.member("timeline") {
                $0.array(order.timeline) { writer, entry in
                    writer.object { m in
                        m.member("at", entry.at)
                        m.member("note", entry.note)
                        m.member("status", entry.status.rawValue)
                    }
                }
            }
            m.member("total", order.total)
            m.member("updatedAt", order.updatedAt)
            m.member("userID", order.userID.rawValue)
        }
        return writer.text
    }

    static func text(of payment: Payment) -> String {
        var writer = DocumentWriter()
        writer.object { m in
            m.member("amount", payment.amount)
            m.member("createdAt", payment.createdAt)
            m.member("failureCode", payment.failureCode)
            m.member("gatewayKey", payment.gatewayKey)
            m.member("id", payment.id.rawValue)
            m.member("method") { $0.paymentMethod(payment.method) }
            m.member("orderID", payment.orderID.rawValue)
            m.member("refunds") {
                $0.array(payment.refunds) { writer, refund in
                    writer.object { m in
                        m.member("amount", refund.amount)
                        m.member("createdAt", refund.createdAt)
                        m.member("gatewayRefundID", refund.gatewayRefundID)
                        m.member("id", refund.id.rawValue)
                        m.member("reason", refund.reason)
                        m.member("status", refund.status.rawValue)
                    }
                }
            }
            m.member("status", payment.status.rawValue)
            m.member("transactionID", payment.transactionID)
            m.member("updatedAt", payment.updatedAt)
            m.member("userID", payment.userID.rawValue)
        }
        return writer.text
    }

    static func text(of reservation: Reservation) -> String {
        var writer = DocumentWriter()
        writer.object { m in
            m.member("createdAt", reservation.createdAt)
            m.member("expiresAt", reservation.expiresAt)
            m.member("id", reservation.id)
            m.member("lines") {
                $0.array(reservation.lines) { writer, line in
                    writer.object { m in
                        m.member("productID", line.productID.rawValue)
                        m.member("quantity", line.quantity)
                    }
                }
            }
            m.member("orderID", reservation.orderID.rawValue)
            m.member("status", reservation.status.rawValue)
            m.member("updatedAt", reservation.updatedAt)
        }
        return writer.text
    }

    private mutating func address(_ address: Address) {
        object { m in
            m.member("city", address.city)
            m.member("country", address.country)
            m.member("line1", address.line1)
            m.member("line2", address.line2)
            m.member("postalCode", address.postalCode)
        }
    }

    private mutating func paymentMethod(_ method: PaymentMethod) {
        object { m in
            switch method {
            case .card(let token): m.member("token", token)
            case .upi, .cash: break
            }
            m.member("type", method.type)
            if case .upi(let vpa) = method { m.member("vpa", vpa) }
        }
    }

    private mutating func pricedLine(_ line: PricedLine) {
        object { m in
            m.member("lineTotal", line.lineTotal)
            m.member("name", line.name)
            m.member("productID", line.productID.rawValue)
            m.member("quantity", line.quantity)
            m.member("unitPrice", line.unitPrice)
        }
    }
}
