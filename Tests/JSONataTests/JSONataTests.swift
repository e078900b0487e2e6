import Foundation
import JSONata
import Testing

/// The examples of JSONata's documentation (docs.jsonata.org), against its sample documents.
@Suite("JSONata")
struct JSONataTests {
    /// JSON text is a JSONata expression: evaluating it builds the value.
    static func data(_ text: String) -> JSONataValue {
        try! JSONataExpression(text).evaluate(nil)!
    }

    static let person = data(
        #"""
        {"FirstName": "Fred", "Surname": "Smith", "Age": 28,
         "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
         "Phone": [{"type": "home", "number": "0203 544 1234"}, {"type": "office", "number": "01962 001234"},
                   {"type": "office", "number": "01962 001235"}, {"type": "mobile", "number": "077 7700 1234"}],
         "Email": [{"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
                   {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]}],
         "Other": {"Over 18 ?": true, "Misc": null, "Alternative.Address": {"Street": "Brick Lane", "City": "London"}}}
        """#)

    static let account = data(
        #"""
        {"Account": {"Account Name": "Firefly", "Order": [
          {"OrderID": "order103", "Product": [
            {"Product Name": "Bowler Hat", "ProductID": 858383, "Price": 34.45, "Quantity": 2},
            {"Product Name": "Trilby hat", "ProductID": 858236, "Price": 21.67, "Quantity": 1}]},
          {"OrderID": "order104", "Product": [
            {"Product Name": "Bowler Hat", "ProductID": 858383, "Price": 34.45, "Quantity": 4},
            {"Product Name": "Cloak", "ProductID": 345664, "Price": 107.99, "Quantity": 1}]}]}}
        """#)

    func value(_ expression: String, _ input: JSONataValue? = JSONataTests.person) throws -> JSONataValue? {
        try JSONataExpression(expression).evaluate(input)
    }

    func code(_ expression: String, _ input: JSONataValue? = JSONataTests.person) -> String? {
        errorCode(expression, input)
    }

    @Test("simple queries: fields, nested fields, null, nothing, quoted names")
    func simpleQueries() throws {
        #expect(try value("Surname") == "Smith")
        #expect(try value("Age") == 28)
        #expect(try value("Address.City") == "Winchester")
        #expect(try value("Other.Misc") == .null)
        #expect(try value("Other.Nothing") == nil)
        #expect(try value("Other.`Over 18 ?`") == true)
        #expect(try value("Other.`Alternative.Address`.City") == "London")
    }

    @Test("arrays: indexes, negative indexes, mapping over items, flattening, [] and ( ) grouping")
    func arrays() throws {
        #expect(try value("Phone[0]") == ["type": "home", "number": "0203 544 1234"])
        #expect(try value("Phone[-1].number") == "077 7700 1234")
        #expect(try value("Phone[0].number") == "0203 544 1234")
        #expect(try value("Phone.number") == ["0203 544 1234", "01962 001234", "01962 001235", "077 7700 1234"])
        #expect(try value("Phone.number[0]") == ["0203 544 1234", "01962 001234", "01962 001235", "077 7700 1234"])
        #expect(try value("(Phone.number)[0]") == "0203 544 1234")
        #expect(try value("Phone[8]") == nil)
        #expect(
            try value("Email.address")
                == [
                    "fred.smith@my-work.com", "fsmith@my-work.com", "freddy@my-social.com",
                    "frederic.smith@very-serious.com",
                ])
        #expect(try value("Phone[type='mobile'].number[]") == ["077 7700 1234"])
    }

    @Test("predicates filter by a condition")
    func predicates() throws {
        #expect(try value("Phone[type='mobile']") == ["type": "mobile", "number": "077 7700 1234"])
        #expect(try value("Phone[type='office'].number") == ["01962 001234", "01962 001235"])
        #expect(try value("Phone[number = '01962 001235'].type") == "office")
    }

    @Test("wildcards and descendants")
    func wildcards() throws {
        #expect(try value("Address.*") == ["Hursley Park", "Winchester", "SO21 2JN"])
        #expect(try value("**.Postcode") == "SO21 2JN")
    }

    @Test("operators: arithmetic with precedence, comparison, concatenation, boolean, in, conditional, ranges")
    func operators() throws {
        #expect(try value("1 + 2 * 3", nil) == 7)
        #expect(try value("(1 + 2) * 3", nil) == 9)
        #expect(try value("5 % 3", nil) == 2)
        #expect(try value("-Age") == -28)
        #expect(try value("FirstName & ' ' & Surname") == "Fred Smith")
        #expect(try value("Age > 18 and Surname = 'Smith'") == true)
        #expect(try value("Age < 18 or false") == false)
        #expect(try value("'office' in Phone.type") == true)
        #expect(try value(#"Age >= 18 ? "adult" : "minor""#) == "adult")
        #expect(try value("[1..5]", nil) == [1, 2, 3, 4, 5])
        #expect(try value("[1..3, 7]", nil) == [1, 2, 3, 7])
        #expect(try value("Other.Nothing ?: 'none'") == "none")
        #expect(try value("Other.Nothing ?? 'default'") == "default")
    }

    @Test("the documented aggregate: the value of every order")
    func aggregate() throws {
        let total = try #require(try value("$sum(Account.Order.Product.(Price * Quantity))", Self.account))
        guard case .number(let amount) = total else {
            Issue.record("not a number: \(total)")
            return
        }
        #expect(abs(amount - 336.36) < 1e-9)
        #expect(try value("Account.Order[0].OrderID", Self.account) == "order103")
        #expect(try value("$count(Account.Order.Product)", Self.account) == 4)
        #expect(try value("Account.Order.Product[Price > 100].`Product Name`", Self.account) == "Cloak")
    }

    @Test("object constructors and grouping")
    func objects() throws {
        #expect(
            try value("Phone{type: number}")
                == ["home": "0203 544 1234", "office": ["01962 001234", "01962 001235"], "mobile": "077 7700 1234"])
        #expect(try value("{'name': FirstName, 'age': Age}") == ["name": "Fred", "age": 28])
        // A grouping and a sort at a path's end take the whole path's results.
        #expect(
            try value("Account.Order.Product{`Product Name`: Price}", Self.account)
                == ["Bowler Hat": [34.45, 34.45], "Trilby hat": 21.67, "Cloak": 107.99])
        #expect(
            try value("Account.Order.Product^(Price).`Product Name`", Self.account)
                == ["Trilby hat", "Bowler Hat", "Bowler Hat", "Cloak"])
        #expect(try value(#"$keys({"b": 1, "a": 2})"#, nil) == ["b", "a"])
        #expect(try value(#"$string({"b": 1, "a": [true, null]})"#, nil) == #"{"b":1,"a":[true,null]}"#)
    }

    @Test("variables, blocks, lambdas, closures, partial application, chaining")
    func functions() throws {
        #expect(try value("($x := 5; $y := $x * 2; $y + 1)", nil) == 11)
        #expect(try value("(function($x){ $x * 2 })(4)", nil) == 8)
        #expect(
            try value("($factorial := function($n){ $n <= 1 ? 1 : $n * $factorial($n - 1) }; $factorial(5))", nil)
                == 120)
        #expect(try value("($add := function($a){ function($b){ $a + $b } }; $add(2)(3))", nil) == 5)
        #expect(try value(#"($first5 := $substring(?, 0, 5); $first5("Hello World"))"#, nil) == "Hello")
        #expect(try value(#""hello" ~> $uppercase()"#, nil) == "HELLO")
        #expect(try value("Phone.number ~> $count()") == 4)
        #expect(try value("$map([1, 2, 3], function($v){ $v * $v })", nil) == [1, 4, 9])
        #expect(try value("$filter([1, 2, 3, 4], function($v){ $v % 2 = 0 })", nil) == [2, 4])
        #expect(try value("$reduce([1, 2, 3, 4], function($a, $b){ $a + $b })", nil) == 10)
        #expect(try value("$reduce([1, 2, 3], function($a, $b){ $a + $b }, 10)", nil) == 16)
        #expect(
            try value(#"$each({"a": 1, "b": 2}, function($v, $k){ $k & '=' & $string($v) })"#, nil) == ["a=1", "b=2"])
        #expect(try value(#"$sift({"a": 1, "b": 2}, function($v){ $v > 1 })"#, nil) == ["b": 2])
        #expect(try value("Surname.$uppercase()") == "SMITH")
    }

    @Test("sorting: the ^( ) operator and $sort, with and without a comparator")
    func sorting() throws {
        #expect(try value("[3, 1, 2]^($)", nil) == [1, 2, 3])
        #expect(
            try value("Phone^(>number).number[0]") == [
                "077 7700 1234", "0203 544 1234", "01962 001235", "01962 001234",
            ])
        #expect(try value("$sort([3, 1, 2])", nil) == [1, 2, 3])
        #expect(try value("$sort([3, 1, 2], function($a, $b){ $a < $b })", nil) == [3, 2, 1])
    }

    @Test("the string and numeric library")
    func library() throws {
        #expect(try value("$length('Hello')", nil) == 5)
        #expect(try value("$substring('Hello World', 3)", nil) == "lo World")
        #expect(try value("$substring('Hello World', -4, 2)", nil) == "or")
        #expect(try value("$substringBefore('Hello World', ' ')", nil) == "Hello")
        #expect(try value("$substringAfter('Hello World', ' ')", nil) == "World")
        #expect(try value("$lowercase('Hello')", nil) == "hello")
        #expect(try value("$trim('  a   b  ')", nil) == "a b")
        #expect(try value("$contains('abracadabra', 'bra')", nil) == true)
        #expect(try value("$split('a,b,c', ',')", nil) == ["a", "b", "c"])
        #expect(try value("$split('a,b,c', ',', 2)", nil) == ["a", "b"])
        #expect(try value("$join(['a', 'b', 'c'], '-')", nil) == "a-b-c")
        #expect(try value("$replace('John Smith and John Jones', 'John', 'Mr')", nil) == "Mr Smith and Mr Jones")
        #expect(try value("$number('42')", nil) == 42)
        #expect(try value("$string(5.0)", nil) == "5")
        #expect(try value("$abs(-5)", nil) == 5)
        #expect(try value("$floor(5.7)", nil) == 5)
        #expect(try value("$ceil(5.2)", nil) == 6)
        #expect(try value("[$round(2.5), $round(3.5), $round(-0.5)]", nil) == [2, 4, -0.0])
        #expect(try value("$round(123.456, 2)", nil) == 123.46)
        #expect(try value("$power(2, 8)", nil) == 256)
        #expect(try value("$sqrt(16)", nil) == 4)
        #expect(try value("[$max([1, 5, 3]), $min([4, 2]), $average([1, 2, 3])]", nil) == [5, 2, 2])
        #expect(
            try value("[$boolean(0), $boolean('a'), $not(true), $exists(Other.Nothing)]") == [
                false, true, false, false,
            ])
        #expect(try value("$append([1, 2], [3])", nil) == [1, 2, 3])
        #expect(try value("$reverse([1, 2, 3])", nil) == [3, 2, 1])
        #expect(try value("$distinct([1, 2, 2, 1])", nil) == [1, 2])
        #expect(try value(#"$merge([{"a": 1}, {"b": 2}, {"a": 3}])"#, nil) == ["a": 3, "b": 2])
        #expect(try value("$lookup(Address, 'City')") == "Winchester")
        #expect(
            try value("[$type(1), $type('a'), $type(null), $type([]), $type({}), $type(true)]", nil)
                == ["number", "string", "null", "array", "object", "boolean"])
    }

    @Test("errors carry JSONata's codes")
    func errors() {
        #expect(code("1 + 'a'", nil) == "T2002")
        #expect(code("'a' + 1", nil) == "T2001")
        #expect(code("'a' < 1", nil) == "T2009")
        #expect(code("$nothing()", nil) == "T1006")
        #expect(code("1 +", nil) == "S0201")
        #expect(code(#""abc"#, nil) == "S0101")
        #expect(code("(1; 2", nil) == "S0202")
        #expect(code("$sqrt(-1)", nil) == "D3060")
        #expect(code("$error('stop')", nil) == "D3137")
        #expect(code("$length(1)", nil) == "T0410")
        #expect(code("[1..1e8]", nil) == "D2014")
        #expect(code("($f := function($n){ $f($n) }; $f(1))", nil) == "U1001")
    }

    @Test("regular expressions: literals, $match, and the patterns of $contains, $split and $replace")
    func regexes() throws {
        #expect(try value("$contains('Hello World', /wo/i)", nil) == true)
        #expect(try value("$contains('Hello World', /xyz/)", nil) == false)
        #expect(try value("$split('one, two;three', /[,;] ?/)", nil) == ["one", "two", "three"])
        #expect(try value("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", nil) == "Smith, John")
        #expect(try value("$replace('aaa', /a/, 'b', 2)", nil) == "bba")
        #expect(
            try value("$match('ababbabbcc', /a(b+)/)", nil) == [
                ["match": "ab", "index": 0, "groups": ["b"]], ["match": "abb", "index": 2, "groups": ["bb"]],
                ["match": "abb", "index": 5, "groups": ["bb"]],
            ])
        #expect(try value("Phone[$contains(number, /^077/)].type") == "mobile")
        #expect(try value("10 / 2 / 5", nil) == 1)
        #expect(code("$match('a', /(/)", nil) == "S0303")
    }

    @Test("padding, encodings, time, $spread, $zip and $single")
    func more() throws {
        #expect(try value("$pad('5', 3, '0')", nil) == "500")
        #expect(try value("$pad('5', -3, '0')", nil) == "005")
        #expect(try value("$base64encode('myuser:mypass')", nil) == "bXl1c2VyOm15cGFzcw==")
        #expect(try value("$base64decode('bXl1c2VyOm15cGFzcw==')", nil) == "myuser:mypass")
        #expect(try value("$encodeUrlComponent('?x=test')", nil) == "%3Fx%3Dtest")
        #expect(try value("$decodeUrlComponent('%3Fx%3Dtest')", nil) == "?x=test")
        #expect(try value("$fromMillis(1510067557121)", nil) == "2017-11-07T15:12:37.121Z")
        #expect(try value("$toMillis('2017-11-07T15:12:37.121Z')", nil) == 1_510_067_557_121)
        let now = try JSONataExpression("[$millis(), $millis() = $toMillis($now())]").evaluate(
            nil, now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(now == [1_700_000_000_000, true])
        #expect(try value(#"$spread({"a": 1, "b": 2})"#, nil) == [["a": 1], ["b": 2]])
        #expect(try value("$zip([1, 2, 3], [4, 5])", nil) == [[1, 4], [2, 5]])
        #expect(try value("$single(Phone, function($p){ $p.type = 'home' }).number") == "0203 544 1234")
        #expect(code("$single(Phone, function($p){ $p.type = 'office' })") == "D3138")
        #expect(try value("$x", nil) == nil)
        #expect(try JSONataExpression("$x + 1").evaluate(nil, bindings: ["x": 41]) == 42)
    }

    @Test("$formatBase, $eval, $shuffle and $clone")
    func evalAndBases() throws {
        #expect(try value("$formatBase(100, 2)", nil) == "1100100")
        #expect(try value("$formatBase(2555, 16)", nil) == "9fb")
        #expect(code("$formatBase(1, 40)", nil) == "D3100")
        #expect(try value("$eval('[1,$string(2)]')", nil) == [1, "2"])
        #expect(try value("$eval('Surname')") == "Smith")
        #expect(try value("$eval('City', Address)") == "Winchester")
        #expect(code("$eval('1 +')", nil) == "D3120")
        #expect(try value("$clone(Address).City") == "Winchester")
        #expect(try value("$clone(nothing)") == nil)
        #expect(try value("$string(1e20)", nil) == "100000000000000000000")
        // Numbers far outside an Int where the library wants one are taken to the nearest bound, never a crash.
        #expect(try value("$substring('abc', 1, 1e300)", nil) == "bc")
        #expect(try value("$substring('abc', -1e300)", nil) == "abc")
        #expect(try value("[1, 2, 3][1e300]", nil) == nil)
        #expect(try value("$split('a,b,c', ',', 1e300)", nil) == ["a", "b", "c"])
        #expect(try value("$round(1.5, 1e300)", nil) == 1.5)
        #expect(try value("$string(-12345678901234567890)", nil) == "-12345678901234567000")
        let shuffled = try value("$shuffle([1, 2, 3, 4])", nil)
        guard case .array(let items)? = shuffled else {
            Issue.record("not an array")
            return
        }
        #expect(Set(items) == [1, 2, 3, 4])
    }

    @Test("a step flattens one level: arrays inside a field's array stay values; a field's array of one stays an array")
    func sequencesFlattenOneLevel() throws {
        let nested = Self.data(#"{"a": {"b": [[1, 2], [3]]}, "one": [5], "deep": [[[1, 2], [3]], {"x": 1}]}"#)
        #expect(try value("a.b", nested) == [[1, 2], [3]])
        #expect(try value("a.b[0]", nested) == [1, 2])
        #expect(try value("a.b[1]", nested) == [3])
        #expect(try value("one", nested) == [5])
        #expect(try value("$.one", nested) == [5])
        #expect(try value("deep[0]", nested) == [[1, 2], [3]])
        #expect(try value("deep[1].x", nested) == 1)
        #expect(try value("Phone[type = 'mobile'].number") == "077 7700 1234")
        #expect(
            try value("Email.address") == [
                "fred.smith@my-work.com", "fsmith@my-work.com", "freddy@my-social.com",
                "frederic.smith@very-serious.com",
            ])
        #expect(try value("a.*", nested) == [1, 2, 3])
    }

    @Test("a host adds functions and learns which variables an expression names")
    func hostFunctions() throws {
        let twice = JSONataFunction { arguments in
            guard case .number(let number)? = arguments.first ?? nil else {
                throw JSONataError("T0410", "Argument 1 of function \"twice\" does not match function signature")
            }
            return .number(number * 2)
        }
        let expression = try JSONataExpression("$twice($n) + $count($xs) + ($local := 1; $local)")
        #expect(expression.variableNames == ["twice", "n", "count", "xs", "local"])
        #expect(try expression.evaluate(nil, bindings: ["n": 4, "xs": [1, 2]], functions: ["twice": twice]) == 11)
        #expect(
            throws: JSONataError("T0410", "Argument 1 of function \"twice\" does not match function signature")
        ) {
            try JSONataExpression("$twice('x')").evaluate(nil, functions: ["twice": twice])
        }
        // A host function replaces the library's of the same name.
        let fixed = JSONataFunction { _ in .number(0.5) }
        #expect(try JSONataExpression("$random()").evaluate(nil, functions: ["random": fixed]) == 0.5)
    }
}
