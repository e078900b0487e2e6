/// An ISO 4217 currency code, such as `USD` or `INR`.
public struct Currency: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts three upper-case ASCII letters; anything else is `nil`.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 3, rawValue.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else { return nil }
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let currency = Currency(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an ISO 4217 code like USD")
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// How many digits the minor unit has: 2 for USD (cents), 0 for JPY, 3 for KWD.
    public var minorUnitDigits: Int {
        switch rawValue {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
            "XOF", "XPF":
            return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            return 3
        default:
            return 2
        }
    }

    public var description: String { rawValue }

    public static let usd = Currency(rawValue: "USD")!
}

/// An amount of money in integer minor units (cents for USD) with its currency. Never a floating-point number.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The amount in minor units; may be negative only for differences, never for a price.
    public var amount: Int
    public var currency: Currency

    /// The largest amount Orderly accepts for one price or total: 10^12 minor units, far from `Int.max`.
    public static let maximumAmount = 1_000_000_000_000

    public init(amount: Int, currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case amount, currency }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decode(Int.self, forKey: .amount)
        currency = try container.decode(Currency.self, forKey: .currency)
    }

    /// Zero in the given currency.
    public static func zero(_ currency: Currency) -> Money { Money(amount: 0, currency: currency) }

    /// Adds two amounts of the same currency.
    /// - Throws: ``OrderlyError`` `validation_failed` on a currency mismatch or an amount past ``maximumAmount``.
    public func adding(_ other: Money) throws -> Money {
        guard currency == other.currency else {
            throw OrderlyError.validation(field: "currency", "currencies \(currency) and \(other.currency) differ")
        }
        let (sum, overflow) = amount.addingReportingOverflow(other.amount)
        guard !overflow, sum.magnitude <= Money.maximumAmount.magnitude else {
            throw OrderlyError.validation(field: "amount", "amount exceeds \(Money.maximumAmount)")
        }
        return Money(amount: sum, currency: currency)
    }

    /// Multiplies by a quantity (a line total).
    /// - Throws: ``OrderlyError`` `validation_failed` when the result passes ``maximumAmount``.
    public func multiplied(by quantity: Int) throws -> Money {
        let (product, overflow) = amount.multipliedReportingOverflow(by: quantity)
        guard !overflow, product.magnitude <= Money.maximumAmount.magnitude else {
            throw OrderlyError.validation(field: "amount", "amount exceeds \(Money.maximumAmount)")
        }
        return Money(amount: product, currency: currency)
    }

    /// The amount written with its currency's minor digits: `USD 12.99`, `JPY 500`, `-USD 0.05`.
    public var formatted: String { (amount < 0 ? "-" : "") + "\(currency.rawValue) \(magnitudeText)" }

    /// The amount as a person types it, without the currency: `12.99`, `500`, `-0.05` (what
    /// ``init(decimal:currency:)`` reads back).
    public var decimalText: String { (amount < 0 ? "-" : "") + magnitudeText }

    private var magnitudeText: String {
        let digits = currency.minorUnitDigits
        let magnitude = amount.magnitude
        guard digits > 0 else { return String(magnitude) }
        var scale: UInt = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        return "\(magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    public var description: String { formatted }

    /// An amount typed as a decimal (`12.99`, `12.9`, `12`) in `currency`'s minor units; `nil` for anything else
    /// (a sign, spaces, more decimals than the currency has, letters, more digits than any amount).
    public init?(decimal text: String, currency: Currency) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits = currency.minorUnitDigits
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 13,
            whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber)
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber),
            parts.count == 1 || !fraction.isEmpty
        else { return nil }
        fraction += String(repeating: "0", count: digits - fraction.count)
        guard let minor = Int(whole + fraction), minor <= Money.maximumAmount else { return nil }
        self.init(amount: minor, currency: currency)
    }

    /// Checks that this is a valid price in the store currency: not negative, within bounds, right currency.
    /// - Parameters:
    ///   - field: the request field to name in the error, such as `price`.
    ///   - storeCurrency: the one currency the store sells in.
    public func validatePrice(field: String, storeCurrency: Currency) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if currency != storeCurrency {
            issues.append(
                FieldIssue(field: "\(field).currency", message: "must be the store currency \(storeCurrency)"))
        }
        if amount < 0 || amount > ProductRules.maximumPrice {
            issues.append(
                FieldIssue(field: "\(field).amount", message: "must be between 0 and \(ProductRules.maximumPrice)"))
        }
        return issues
    }
}
