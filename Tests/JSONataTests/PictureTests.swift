import JSONata
import Testing

/// `$formatNumber`, `$formatInteger` and `$parseInteger`: the examples of JSONata's documentation and test suite.
@Suite("JSONata pictures")
struct PictureTests {
    @Test(
        "$formatNumber writes by an XPath decimal picture",
        arguments: [
            ("$formatNumber(12345.6, '#,###.00')", "12,345.60"),
            ("$formatNumber(1234.5678, '00.000e0')", "12.346e2"),
            ("$formatNumber(34.555, '#0.00;(#0.00)')", "34.56"),
            ("$formatNumber(-34.555, '#0.00;(#0.00)')", "(34.56)"),
            ("$formatNumber(0.14, '01%')", "14%"),
            ("$formatNumber(0.4857, '###.###\u{2030}')", "485.7\u{2030}"),
            ("$formatNumber(1234.5678, '①①.①①①e①', {'zero-digit': '\u{245F}'})", "①②.③④⑥e②"),
            ("$formatNumber(-6, '000')", "-006"),
            ("$formatNumber(1234567.891, '#,##0.00')", "1,234,567.89"),
            ("$formatNumber(0.5, '#,###.00')", ".50"),
            ("$formatNumber(0, '0.0')", "0.0"),
            ("$formatNumber(1234.5, '# ##0,00', {'decimal-separator': ',', 'grouping-separator': ' '})", "1 234,50"),
            ("$formatNumber(12345678, '#,##,##0')", "123,45,678"),
            ("$formatNumber(1999, 'Total: 0 items')", "Total: 1999 items"),
            ("$formatNumber(0.000123, '0.0e00')", "1.2e-04"),
            ("$formatNumber(2.5, '0')", "2"),
            ("$formatNumber(3.5, '0')", "4"),
        ])
    func formatNumber(expression: String, expected: String) throws {
        #expect(try evaluate(expression) == .string(expected), "\(expression)")
    }

    @Test("a picture $formatNumber cannot read is an error with F&O's code; nothing in, nothing out")
    func formatNumberErrors() throws {
        #expect(errorCode("$formatNumber(1, '#;#;#')") == "D3080")
        #expect(errorCode("$formatNumber(1, '0.0.0')") == "D3081")
        #expect(errorCode("$formatNumber(1, '0%%')") == "D3082")
        #expect(errorCode("$formatNumber(1, '0\u{2030}\u{2030}')") == "D3083")
        #expect(errorCode("$formatNumber(1, '0%\u{2030}')") == "D3084")
        #expect(errorCode("$formatNumber(1, 'abc')") == "D3085")
        #expect(errorCode("$formatNumber(1, '0x0')") == "D3086")
        #expect(errorCode("$formatNumber(1, '0,.0')") == "D3087")
        #expect(errorCode("$formatNumber(1, '0,')") == "D3088")
        #expect(errorCode("$formatNumber(1, '#,,##0')") == "D3089")
        #expect(errorCode("$formatNumber(1, '0#')") == "D3090")
        #expect(errorCode("$formatNumber(1, '0.#0')") == "D3091")
        #expect(errorCode("$formatNumber(1, '0%e0')") == "D3092")
        #expect(errorCode("$formatNumber(1, '0e#')") == "D3093")
        #expect(errorCode("$formatNumber('1', '0')") == "T0410")
        #expect(try evaluate("$formatNumber(nothing, '0')") == nil)
        #expect(errorCode("$formatNumber(1, '0', {'zero-digit': '\u{10FFFF}'})") == "T0410")
        #expect(errorCode("$formatInteger(12, 'Ⅻ')") == "D3130")
        #expect(errorCode("$formatNumber(1, '#', {'decimal-separator': '0'})") == "T0410")
        #expect(errorCode("$formatNumber(1, '#', {'grouping-separator': '.'})") == "T0410")
    }

    @Test(
        "$formatInteger writes digits, letters, Roman numerals and English words, cardinal or ordinal",
        arguments: [
            ("$formatInteger(123, '000')", "123"), ("$formatInteger(123, '0000')", "0123"),
            ("$formatInteger(-3, '0000')", "-0003"), ("$formatInteger(1234, '0;c')", "1234"),
            ("$formatInteger(12.6, '###0')", "12"), ("$formatInteger(123, '000;o')", "123rd"),
            ("$formatInteger(1, '0;o')", "1st"), ("$formatInteger(12, '###0;o')", "12th"),
            ("$formatInteger(12340, '###١')", "١٢٣٤٠"), ("$formatInteger(1200, '#,##0')", "1,200"),
            ("$formatInteger(1234567890, '#,##0')", "1,234,567,890"),
            ("$formatInteger(1234567890, '#:###,##0')", "1234:567,890"),
            ("$formatInteger(1234567890, '##,##,##0')", "12345,67,890"), ("$formatInteger(0, 'I')", ""),
            ("$formatInteger(1984, 'I')", "MCMLXXXIV"), ("$formatInteger(99, 'i')", "xcix"),
            ("$formatInteger(34, 'w')", "thirty-four"), ("$formatInteger(555, 'W')", "FIVE HUNDRED AND FIFTY-FIVE"),
            ("$formatInteger(555, 'Ww')", "Five Hundred and Fifty-Five"),
            ("$formatInteger(327730, 'w')", "three hundred and twenty-seven thousand, seven hundred and thirty"),
            ("$formatInteger(1000000000001, 'w')", "one trillion and one"),
            ("$formatInteger(1000000000000000, 'w')", "one thousand trillion"),
            ("$formatInteger(1e+46, 'w')", "ten billion trillion trillion trillion"),
            ("$formatInteger(20, 'w;o')", "twentieth"), ("$formatInteger(99, 'W;o')", "NINETY-NINTH"),
            ("$formatInteger(1000, 'w;o')", "one thousandth"),
            (
                "$formatInteger(4327732, 'w;o')",
                "four million, three hundred and twenty-seven thousand, seven hundred and thirty-second"
            ),
            ("$formatInteger(1000000000001, 'w;o')", "one trillion and first"), ("$formatInteger(27, 'a')", "aa"),
            ("$formatInteger(123456, 'A')", "FZPH"),
        ])
    func formatInteger(expression: String, expected: String) throws {
        #expect(try evaluate(expression) == .string(expected), "\(expression)")
    }

    @Test(
        "$parseInteger reads back what $formatInteger writes",
        arguments: [
            ("$parseInteger('0123', '0000')", 123.0), ("$parseInteger('123rd', '000;o')", 123),
            ("$parseInteger('١٢٣٤٠', '###١')", 12340), ("$parseInteger('12,345,678', '#,##0')", 12_345_678),
            ("$parseInteger('12345,67,890', '##,##,##0')", 1_234_567_890), ("$parseInteger('', 'I')", 0),
            ("$parseInteger('MCMLXXXIV', 'I')", 1984), ("$parseInteger('xcix', 'i')", 99),
            ("$parseInteger('FIVE HUNDRED AND FIFTY-FIVE', 'W')", 555),
            ("$parseInteger('Seven Hundred and Thirty-Third', 'Ww;o')", 733),
            (
                "$parseInteger('one trillion, two hundred and thirty-four billion, five hundred and sixty-seven million, eight hundred and ninety thousand, one hundred and twenty-three', 'w')",
                1_234_567_890_123
            ),
            (
                "$parseInteger('one thousand, two hundred and thirty-four trillion, five hundred and sixty-seven billion, eight hundred and ninety million, one hundred and twenty-three thousand, four hundred and fifty-six', 'w')",
                1_234_567_890_123_456
            ),
            ("$parseInteger('one thousand trillion', 'w')", 1e15),
            ("$parseInteger('ten billion trillion trillion trillion', 'w')", 1e46),
            ("$parseInteger('one trillion and first', 'w;o')", 1_000_000_000_001),
            ("$parseInteger('FZPH', 'A')", 123456),
        ])
    func parseInteger(expression: String, expected: Double) throws {
        #expect(try evaluate(expression) == .number(expected), "\(expression)")
    }

    @Test(
        "pictures $formatInteger and $parseInteger cannot use are D3130 and D3131; text that is not a number is nothing"
    )
    func integerErrors() throws {
        #expect(errorCode("$formatInteger(123456, 'α')") == "D3130")
        #expect(errorCode("$parseInteger('50', '#')") == "D3130")
        #expect(errorCode("$formatInteger(12340, '##0０')") == "D3131")
        #expect(try evaluate("$parseInteger('twelvety', 'w')") == nil)
        #expect(try evaluate("$parseInteger('12', 'a')") == nil)
        // Every number from 1 to 2,000 comes back from its words, its numerals and its letters.
        for number in stride(from: 1, through: 2000, by: 7) {
            for picture in ["w", "w;o", "Ww", "I", "a", "#,##0;o"] {
                let expression = "$parseInteger($formatInteger(\(number), '\(picture)'), '\(picture)')"
                #expect(try evaluate(expression) == .number(Double(number)), "\(expression)")
            }
        }
    }

    @Test("$random answers a number from 0 up to 1")
    func random() throws {
        for _ in 0..<50 {
            guard case .number(let number)? = try evaluate("$random()") else {
                Issue.record("not a number")
                return
            }
            #expect(number >= 0 && number < 1)
        }
    }

    @Test("$round moves the decimal point in the number's text, so halves written in decimal round half to even")
    func roundHalves() throws {
        #expect(try evaluate("$round(34.555, 2)") == 34.56)
        #expect(try evaluate("$round(2.675, 2)") == 2.68)
        #expect(try evaluate("$round(0.125, 2)") == 0.12)
        #expect(try evaluate("$round(1234.5678, -2)") == 1200)
        #expect(try evaluate("$round(-0.4)") == 0)
    }
}
