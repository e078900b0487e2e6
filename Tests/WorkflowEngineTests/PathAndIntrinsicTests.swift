import Foundation
import StatesLanguage
import Testing

@Suite("JSONPath and intrinsic functions")
struct PathAndIntrinsicTests {
    let store: JSON = try! JSON(
        parsing: """
            {"store": {"book": [
              {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
              {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
              {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99}],
              "bicycle": {"color": "red", "price": 19.95}}, "odd key": 1}
            """)

    private func select(_ path: String) throws -> JSON? { try JSONPath(parsing: path).select(in: store) }

    @Test("definite paths select one value or nothing")
    func definite() throws {
        #expect(try select("$.store.bicycle.color") == "red")
        #expect(try select("$['store']['book'][0]['price']") == 8.95)
        #expect(try select("$.store.book[-1].title") == "Moby Dick")
        #expect(try select("$['odd key']") == 1)
        #expect(try select("$.store.missing") == nil)
        #expect(try select("$.store.book[7]") == nil)
        #expect(try select("$") == store)
    }

    @Test("indefinite paths select every match as an array")
    func indefinite() throws {
        #expect(try select("$.store.book[*].author") == ["Nigel Rees", "Evelyn Waugh", "Herman Melville"])
        #expect(try select("$..price")?.arrayValue?.count == 4)
        #expect(try select("$.store.book[0,2].price") == [8.95, 8.99])
        #expect(try select("$.store.book[1:].price") == [12.99, 8.99])
        #expect(try select("$.store.book[?(@.isbn)].title") == ["Moby Dick"])
        #expect(try select("$.store.book[?(@.price < 10)].title") == ["Sayings of the Century", "Moby Dick"])
        #expect(try select("$.store.book[?(@.category == 'fiction' && @.price > 10)].author") == ["Evelyn Waugh"])
        #expect(try select("$.store.book[?(@.price > 100)]") == [])
    }

    @Test("context and variable roots, and bad paths")
    func rootsAndErrors() throws {
        #expect(try JSONPath(parsing: "$$.Execution.Id").root == .context)
        #expect(try JSONPath(parsing: "$order.id").root == .variable("order"))
        #expect(try JSONPath(parsing: "$.a.b[0]").isReference)
        #expect(try !JSONPath(parsing: "$.a[*]").isReference)
        for bad in ["", "a.b", "$.", "$[", "$['x'", "$.a[?(@.x ==)]"] {
            #expect(throws: PathSyntaxError.self, "\(bad)") { try JSONPath(parsing: bad) }
        }
    }

    @Test("reference paths assign into documents, making objects on the way")
    func assigning() throws {
        let path = try JSONPath(parsing: "$.a.b")
        #expect(path.assigning(1, in: [:]) == ["a": ["b": 1]])
        #expect(path.assigning(1, in: ["a": ["c": 2]]) == ["a": ["b": 1, "c": 2]])
        #expect(path.assigning(1, in: ["a": "text"]) == nil)
        #expect(try JSONPath(parsing: "$.list[1]").assigning("x", in: ["list": [0, 0]]) == ["list": [0, "x"]])
    }

    private func call(_ text: String, _ input: JSON = [:]) throws -> JSON {
        var random = SplitMix64(seed: 1)
        return try IntrinsicCall(parsing: text).evaluate(
            resolve: { path in
                guard let value = path.select(in: input) else { throw StatesError.runtimeError("no \(path)") }
                return value
            }, random: &random)
    }

    @Test("intrinsic functions, escapes and nesting")
    func intrinsics() throws {
        #expect(try call("States.Format('It\\'s {} \\\\ \\{literal\\}', 'x')") == "It's x \\ {literal}")
        // Objects and arrays as AWS's Java runtime prints them.
        #expect(try call("States.Format('{}', $.o)", ["o": ["a": [1, true]]]) == "{a=[1, true]}")
        #expect(
            try call("States.Format('{} {}', $.o, $.l)", ["o": ["Id": 1, "Name": "Milk"], "l": ["x", 2.5, .null]])
                == "{Id=1, Name=Milk} [x, 2.5, null]")
        // Non-integers are rounded as AWS rounds them (halves up).
        #expect(try call("States.MathAdd(1.5, 1)") == 3)
        #expect(try call("States.MathAdd(-2.5, 0)") == -2)
        #expect(try call("States.MathAdd(2.4, 0.4)") == 2)
        #expect(try call("States.Array()") == [])
        #expect(try call("States.MathRandom(1, 10, 42)") == call("States.MathRandom(1, 10, 42)"))
        let random = try call("States.MathRandom(5, 8)").intValue ?? 0
        #expect((5..<8).contains(random))
        let uuid = try call("States.UUID()").stringValue ?? ""
        #expect(uuid.count == 36 && uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(try call("States.Hash('x', 'SHA-1')") == "11f6ad8ec52a2984abaafd7c3b516503785c2072")
        #expect(try call("States.ArrayRange(10, 0, -5)") == [10, 5, 0])
    }

    @Test("intrinsic errors: unknown functions and wrong arity at parse time, bad arguments at run time")
    func intrinsicErrors() throws {
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.Nope()") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.ArrayLength(1, 2)") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.Format('x'") }
        for bad in [
            "States.ArrayGetItem(States.Array(1), 5)", "States.ArrayPartition(States.Array(1), 0)",
            "States.StringToJson('{bad')",
            "States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), true)",
            "States.Format('{} {}', 'one')", "States.ArrayRange(0, 5000, 1)", "States.Hash('x', 'CRC32')",
            // Refused before anything is allocated.
            "States.ArrayRange(0, 9223372036854775807, 1)",
            "States.ArrayRange(-9223372036854775807, 9223372036854775807, 2)",
            "States.MathAdd('a', 1)", "States.Base64Decode('***')",
        ] {
            #expect(throws: StatesError.self, "\(bad)") { try call(bad) }
        }
    }

    @Test("JSON text round-trips, keeps integers apart from doubles, and refuses bad text")
    func jsonText() throws {
        let text = #"{"a":[1,2.5,-3e2,true,null,"\u00e9\n\"q\""],"b":{}}"#
        let value = try JSON(parsing: text)
        #expect(value["a"]?.arrayValue?[0] == .int(1))
        #expect(value["a"]?.arrayValue?[2] == .double(-300))
        #expect(try JSON(parsing: value.serialized()) == value)
        #expect(JSON.double(2).serialized() == "2.0")
        // Keys keep their order; a repeated key keeps its first place and its last value; order does not make two
        // objects different.
        let ordered = try JSON(parsing: #"{"z":1,"a":{"y":2,"b":3},"m":4,"z":5}"#)
        #expect(ordered.serialized() == #"{"z":5,"a":{"y":2,"b":3},"m":4}"#)
        let reordered = try JSON(parsing: #"{"m":4,"a":{"b":3,"y":2},"z":5}"#)
        #expect(ordered == reordered && ordered.hashValue == reordered.hashValue)
        var object = try #require(ordered.objectValue)
        object["a"] = nil
        object["q"] = 6
        #expect(JSON.object(object).serialized() == #"{"z":5,"m":4,"q":6}"#)
        let many = try JSON(parsing: "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + #","k3":99}"#)
        #expect(many.objectValue?.count == 20 && many["k3"] == 99 && many.objectValue?.keys[3] == "k3")
        #expect(many == JSON.object(JSONObject((0..<20).reversed().map { ("k\($0)", $0 == 3 ? 99 : .int($0)) })))
        let decoded = try JSONDecoder().decode(JSON.self, from: Data(ordered.serialized().utf8))
        #expect(decoded == ordered)
        for bad in ["", "{", "[1,]", "01", "\"\\x\"", "{\"a\" 1}", "nul", "1 2"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSON(parsing: bad) }
        }
        // Strings with and without escapes, anywhere in them, and characters of every width.
        let strings: [(text: String, value: String)] = [
            (#""plain""#, "plain"), (#""""#, ""), (#""\"first""#, "\"first"), (#""last\n""#, "last\n"),
            (#""mid\\dle""#, "mid\\dle"), (#""é€😀 and \u00e9\ud83d\ude00""#, "é€😀 and é😀"),
            (#""a\tb\/c\"d""#, "a\tb/c\"d"),
        ]
        for (text, value) in strings { #expect(try JSON(parsing: text) == .string(value), "\(text)") }
        for bad in [#""open"#, #""open\"#, "\"tab\there\"", #""ok\\\"#, #""a\ud83d""#] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSON(parsing: bad) }
        }
    }

    @Test("timestamps parse with offsets and fractions, and format as the context object writes them")
    func timestamps() {
        #expect(Timestamp.parse("2026-11-21T07:00:00Z")?.timeIntervalSince1970 == 1_795_244_400)
        #expect(Timestamp.parse("2026-11-21T09:00:00+02:00") == Timestamp.parse("2026-11-21T07:00:00Z"))
        #expect(Timestamp.parse("2026-11-21T07:00:00.5Z")?.timeIntervalSince1970 == 1_795_244_400.5)
        #expect(Timestamp.parse("2026-11-21 07:00:00Z") == nil)
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_244_400.25)) == "2026-11-21T07:00:00.250Z")
    }
}
