import Foundation
import OrderlyModel
import Testing

@Suite("Money")
struct MoneyTests {
    let usd = Currency.usd

    @Test("adds and multiplies in integer minor units")
    func arithmetic() throws {
        let price = Money(amount: 129, currency: usd)
        #expect(try price.multiplied(by: 3) == Money(amount: 387, currency: usd))
        #expect(try price.adding(Money(amount: 1, currency: usd)).amount == 130)
        #expect(try [PricedLine]().total(in: usd) == .zero(usd))
    }

    @Test(
        "reads an amount typed as a decimal in the currency's minor units, and nothing else",
        arguments: [
            ("2.49", "USD", 249), ("2.5", "USD", 250), ("2", "USD", 200), ("0.05", "USD", 5), ("500", "JPY", 500),
            ("2.499", "USD", nil), ("2.", "USD", nil), (".5", "USD", nil), ("-1", "USD", nil), ("1e3", "USD", nil),
            (" 2", "USD", nil), ("", "USD", nil), ("1.5", "JPY", nil), ("١٢", "USD", nil),
            ("99999999999999", "USD", nil),
        ] as [(String, String, Int?)])
    func decimal(text: String, currency: String, minor: Int?) throws {
        let currency = try #require(Currency(rawValue: currency))
        let money = Money(decimal: text, currency: currency)
        #expect(money?.amount == minor)
        if let money { #expect(Money(decimal: money.decimalText, currency: currency) == money) }
    }

    @Test("refuses mixing currencies and overflowing")
    func refusals() throws {
        let inr = try #require(Currency(rawValue: "INR"))
        #expect(throws: OrderlyError.self) {
            try Money(amount: 1, currency: usd).adding(Money(amount: 1, currency: inr))
        }
        #expect(throws: OrderlyError.self) { try Money(amount: Money.maximumAmount, currency: usd).multiplied(by: 2) }
        #expect(throws: OrderlyError.self) { try Money(amount: Int.max, currency: usd).multiplied(by: 2) }
    }

    @Test(
        "formats with the currency's minor digits",
        arguments: [
            (129, "USD", "USD 1.29"), (5, "USD", "USD 0.05"), (-5, "USD", "-USD 0.05"), (500, "JPY", "JPY 500"),
            (1234, "KWD", "KWD 1.234"), (100_000, "INR", "INR 1000.00"),
        ])
    func formatting(amount: Int, code: String, expected: String) throws {
        #expect(Money(amount: amount, currency: try #require(Currency(rawValue: code))).formatted == expected)
    }

    @Test("currencies are three upper-case letters")
    func currencies() {
        #expect(Currency(rawValue: "USD") != nil)
        #expect(Currency(rawValue: "usd") == nil)
        #expect(Currency(rawValue: "US") == nil)
        #expect(Currency(rawValue: "ÜSD") == nil)
    }

    @Test("decoding rejects fractions and unknown fields")
    func decoding() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(Money.self, from: Data(#"{"amount":12,"currency":"USD"}"#.utf8)).amount == 12)
        #expect(throws: DecodingError.self) {
            try decoder.decode(Money.self, from: Data(#"{"amount":1.5,"currency":"USD"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Money.self, from: Data(#"{"amount":1,"currency":"USD","x":1}"#.utf8))
        }
    }

    @Test("a price is validated against the store currency and bounds")
    func priceValidation() {
        #expect(Money(amount: 0, currency: usd).validatePrice(field: "price", storeCurrency: usd).isEmpty)
        #expect(
            Money(amount: -1, currency: usd).validatePrice(field: "price", storeCurrency: usd).map(\.field) == [
                "price.amount"
            ])
        let inr = Currency(rawValue: "INR")!
        #expect(
            Money(amount: 1, currency: inr).validatePrice(field: "price", storeCurrency: usd).map(\.field) == [
                "price.currency"
            ])
    }
}
