import JSONata
import Testing

/// Pictures, numbers and paths no one should write: each gives a value or a JSONata error, never a crash.
@Suite("JSONata hostile pictures")
struct HostilePictureTests {
    static let expressions: [String] = {
        let numbers = ["0", "-0", "1e300", "-1e300", "0.000001", "123456789012345678901234567890", "-5.5", "1/3"]
        let decimal = [
            "", "#", "0", ".", ",", ";", "%", "e", "0e", "e0", "#.#e#", "0.0e0", "#,###,###.##", ",#", "#,", "0..0",
            "#;", ";#", "0;0;0", "00.00%", "0\u{2030}", "abc0def", "0 0", "#0,0.0,0", "\u{1F600}0",
            "0000000000000000000000.000",
        ]
        let integer = [
            "", "#", "0", ";o", "w;o", "Ww", "I", "i", "A", "a", "#,##0", "0,", ",0", "٠", "０٠", "1;", "ab", "W",
        ]
        let dates = [
            "", "[", "]", "[]", "[[", "]]", "[Y", "[Y]", "[Y,]", "[Y,-]", "[Y,*-*]", "[Y,0]", "[Y,99]", "[Yo]", "[Z]",
            "[Z0000000]",
            "[z]", "[f]", "[f,9]", "[h]", "[P]", "[FN,1-1]", "[MNn,0-0]", "[D,1000]", "[Y,999999999]",
            "[f,99999999-99999999]", "[x]", "[X]", "[W01]",
            "[Y\u{1F600}]",
        ]
        var expressions: [String] = []
        for number in numbers {
            for picture in decimal { expressions.append("$formatNumber(\(number), '\(picture)')") }
            for picture in integer {
                expressions.append("$formatInteger(\(number), '\(picture)')")
                expressions.append("$parseInteger($string(\(number)), '\(picture)')")
            }
        }
        for millis in ["0", "-62135596800000", "8.64e15", "-8.64e15", "1e20", "1.5"] {
            for picture in dates {
                expressions.append("$fromMillis(\(millis), '\(picture)')")
                expressions.append("$toMillis($fromMillis(\(millis)), '\(picture)')")
                expressions.append("$fromMillis(\(millis), '\(picture)', '-2359')")
            }
        }
        for text in ["", "x", "2018", "99999999999-99-99", "2018-02-30", "twelve", "MMMMMMMM", "٢٠١٨"] {
            for picture in ["[Y]-[M]-[D]", "[Y0001][M01][D01]", "[Yw]", "[YI]", "[D1o] [MNn] [Y]", "[H]:[m]"] {
                expressions.append("$toMillis('\(text)', '\(picture)')")
            }
        }
        return expressions
    }()

    @Test("every hostile picture answers a value or a JSONata error")
    func hostile() {
        var errors = 0
        for expression in Self.expressions {
            do {
                _ = try evaluate(expression)
            } catch is JSONataError {
                errors += 1
            } catch {
                Issue.record("\(expression) threw \(error), not a JSONata error")
            }
        }
        // Most are refused; some are fine pictures for odd numbers.
        #expect(errors > 0 && errors < Self.expressions.count)
    }

    @Test("odd parents, bindings and signatures answer a value or a JSONata error")
    func oddSyntax() {
        let expressions = [
            "%", "%%", "%.%", "a.%", "a.%.%.%.%", "[1, 2].%", "a@$x@$y", "a#$i#$j", "a@$x#$i[$i > 0]", "$@$x", "a@",
            "[1, 2]#$i.{'i': $i}", "[[1, 2], [3]]#$i.$#$j.{'i': $i, 'j': $j}", "a{%.x: 1}", "a.b{%: 1}",
            "Account.Order.Product{%.%.`Account Name`: $count($)}", "function($x)<>{1}", "function($x)<a<>{1}(1)",
            "function($x)<(>{1}", "(function($x)<a<a<n>>>{$x})([[1]])", "(function($x)<x+>{$x})()",
            "(function($x)<n->{$x})()", "(function()<n?>{1})(1, 2, 3)", "(function($x)<f>{$x(1)})(function($y){$y})",
        ]
        for expression in expressions {
            do {
                _ = try evaluate(expression, JSONataTests.account)
            } catch is JSONataError {
            } catch {
                Issue.record("\(expression) threw \(error), not a JSONata error")
            }
        }
    }
}
