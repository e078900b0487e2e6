import JSONata
import Testing

/// The context and positional variable bindings `@$name` and `#$name`, with the examples of JSONata's documentation.
@Suite("JSONata bindings")
struct BindingTests {
    static let library = JSONataTests.data(
        #"""
        {"library": {
          "books": [
            {"title": "Structure and Interpretation of Computer Programs", "isbn": "0262510871", "price": 38.9},
            {"title": "The C Programming Language", "isbn": "9780131103627", "price": 56.95},
            {"title": "The AWK Programming Language", "isbn": "9780201079814", "price": 23.29},
            {"title": "Compilers: Principles, Techniques, and Tools", "isbn": "9780201100884", "price": 92.99}],
          "loans": [
            {"customer": "10001", "isbn": "0262510871", "return": "2016-12-05"},
            {"customer": "10003", "isbn": "9780201100884", "return": "2016-10-22"},
            {"customer": "10003", "isbn": "0262510871", "return": "2016-12-22"}],
          "customers": [
            {"id": "10001", "name": "Joe Doe"}, {"id": "10002", "name": "Fred Bloggs"},
            {"id": "10003", "name": "Jason Arthur"}]}}
        """#)

    @Test("@ joins: each loan bound to $l and each book to $b, the context left as it was for the next step")
    func contextBinding() throws {
        let joined = try evaluate(
            "library.loans@$l.books@$b[$l.isbn=$b.isbn].{'title': $b.title, 'customer': $l.customer}", Self.library)
        #expect(
            joined == [
                ["title": "Structure and Interpretation of Computer Programs", "customer": "10001"],
                ["title": "Compilers: Principles, Techniques, and Tools", "customer": "10003"],
                ["title": "Structure and Interpretation of Computer Programs", "customer": "10003"],
            ])
        let names = try evaluate(
            "library.loans@$l.customers@$c[$l.customer=$c.id].{'customer': $c.name, 'due': $l.return}", Self.library)
        #expect(
            names == [
                ["customer": "Joe Doe", "due": "2016-12-05"], ["customer": "Jason Arthur", "due": "2016-10-22"],
                ["customer": "Jason Arthur", "due": "2016-12-22"],
            ])
    }

    @Test("# binds each result's position among its step's results; predicates after it read the binding")
    func positionalBinding() throws {
        let products = try evaluate(
            "Account.Order#$i.Product.{'order': $i, 'name': `Product Name`}", JSONataTests.account)
        #expect(
            products == [
                ["order": 0, "name": "Bowler Hat"], ["order": 0, "name": "Trilby hat"],
                ["order": 1, "name": "Bowler Hat"], ["order": 1, "name": "Cloak"],
            ])
        #expect(try evaluate("Account.Order#$i[$i = 1].OrderID", JSONataTests.account) == "order104")
        #expect(
            try evaluate("library.books#$i[$i < 2].title", Self.library)
                == ["Structure and Interpretation of Computer Programs", "The C Programming Language"])
        #expect(try evaluate("library.books#$i[1].isbn", Self.library) == "9780131103627")
        #expect(
            try evaluate("library.books@$b#$n[$b.price > 50].{'n': $n, 'title': $b.title}", Self.library)
                == [
                    ["n": 1, "title": "The C Programming Language"],
                    ["n": 3, "title": "Compilers: Principles, Techniques, and Tools"],
                ])
    }

    @Test("% is the item the context was reached from: in constructors and predicates, and %.% its own parent")
    func parent() throws {
        let account = JSONataTests.account
        #expect(
            try evaluate("Account.Order.Product.{'product': `Product Name`, 'order': %.OrderID}", account) == [
                ["product": "Bowler Hat", "order": "order103"], ["product": "Trilby hat", "order": "order103"],
                ["product": "Bowler Hat", "order": "order104"], ["product": "Cloak", "order": "order104"],
            ])
        #expect(
            try evaluate("Account.Order.Product.{'account': %.%.`Account Name`}.account", account)
                == ["Firefly", "Firefly", "Firefly", "Firefly"])
        #expect(
            try evaluate("Account.Order.Product[%.OrderID = 'order104'].`Product Name`", account) == [
                "Bowler Hat", "Cloak",
            ])
        #expect(try evaluate("Account.Order.Product[0].`Product Name`", account) == ["Bowler Hat", "Bowler Hat"])
        #expect(
            try evaluate("Account.Order.Product[Price > 100].(%.OrderID & ': ' & `Product Name`)", account)
                == "order104: Cloak")
        do {
            _ = try evaluate("%.OrderID", account)
            Issue.record("a parent at the top was evaluated")
        } catch let error as JSONataError {
            #expect(error.code == "S0217")
        }
    }

    @Test(
        "a lambda's signature checks its arguments, makes a single value an array where one is wanted, and reads the context for -"
    )
    func signatures() throws {
        #expect(try evaluate("(function($x, $y)<nn:n>{ $x + $y })(2, 3)", nil) == 5)
        #expect(try evaluate("(function($a)<a<n>:n>{ $sum($a) })(5)", nil) == 5)
        #expect(try evaluate("(function($a)<a:n>{ $count($a) })('one')", nil) == 1)
        #expect(try evaluate("$.(function($s)<s-:s>{ $uppercase($s) })()", "milk") == "MILK")
        #expect(try evaluate("(function($x)<n?:s>{ $exists($x) ? 'given' : 'none' })()", nil) == "none")
        #expect(try evaluate("(function($x)<(ns):s>{ $type($x) })('a')", nil) == "string")
        #expect(try evaluate("(function($v)<j:s>{ $type($v) })({'a': 1})", nil) == "object")
        #expect(try evaluate("$map([1, 2], function($v, $i)<nn:n>{ $v * $i })", nil) == [0, 2])
        #expect(errorCode("(function($x)<n>{ $x })('a')") == "T0410")
        #expect(errorCode("(function($x)<(ns)>{ $x })(true)") == "T0410")
        #expect(errorCode("(function($x)<n>{ $x })(1, 2)") == "T0410")
        #expect(errorCode("(function($a)<a<n>>{ $sum($a) })([1, 'x'])") == "T0412")
        #expect(errorCode("(function($f)<f:n>{ $f() })(1)") == "T0410")
        #expect(throws: JSONataError.self) { try JSONataExpression("function($x)<q>{ $x }") }
    }

    @Test("a grouping at the end of a tuple path reads each item's variables, and a group's as arrays")
    func groupedTuples() throws {
        #expect(
            try evaluate("Account.Order#$i.Product{`Product Name`: $i}", JSONataTests.account)
                == ["Bowler Hat": [0, 1], "Trilby hat": 0, "Cloak": 1])
        #expect(
            try evaluate("library.loans@$l.books@$b[$l.isbn = $b.isbn]{$l.customer: $b.title}", Self.library)
                == [
                    "10001": "Structure and Interpretation of Computer Programs",
                    "10003": [
                        "Compilers: Principles, Techniques, and Tools",
                        "Structure and Interpretation of Computer Programs",
                    ],
                ])
        #expect(
            try evaluate("Account.Order.Product{%.OrderID: $sum(Quantity)}", JSONataTests.account)
                == ["order103": 3, "order104": 5])
    }

    @Test("a binding needs a variable on its right")
    func bindingErrors() {
        for bad in ["a@b", "a#1", "a@$"] {
            #expect(throws: JSONataError.self, "\(bad)") { try JSONataExpression(bad) }
        }
    }
}
