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

    func value(_ expression: String, _ input: JSONataValue?) throws -> JSONataValue? {
        try JSONataExpression(expression).evaluate(input)
    }

    @Test("@ joins: each loan bound to $l and each book to $b, the context left as it was for the next step")
    func contextBinding() throws {
        let joined = try value(
            "library.loans@$l.books@$b[$l.isbn=$b.isbn].{'title': $b.title, 'customer': $l.customer}", Self.library)
        #expect(
            joined == [
                ["title": "Structure and Interpretation of Computer Programs", "customer": "10001"],
                ["title": "Compilers: Principles, Techniques, and Tools", "customer": "10003"],
                ["title": "Structure and Interpretation of Computer Programs", "customer": "10003"],
            ])
        let names = try value(
            "library.loans@$l.customers@$c[$l.customer=$c.id].{'customer': $c.name, 'due': $l.return}", Self.library)
        #expect(
            names == [
                ["customer": "Joe Doe", "due": "2016-12-05"], ["customer": "Jason Arthur", "due": "2016-10-22"],
                ["customer": "Jason Arthur", "due": "2016-12-22"],
            ])
    }

    @Test("# binds each result's position among its step's results; predicates after it read the binding")
    func positionalBinding() throws {
        let products = try value(
            "Account.Order#$i.Product.{'order': $i, 'name': `Product Name`}", JSONataTests.account)
        #expect(
            products == [
                ["order": 0, "name": "Bowler Hat"], ["order": 0, "name": "Trilby hat"],
                ["order": 1, "name": "Bowler Hat"], ["order": 1, "name": "Cloak"],
            ])
        #expect(try value("Account.Order#$i[$i = 1].OrderID", JSONataTests.account) == "order104")
        #expect(
            try value("library.books#$i[$i < 2].title", Self.library)
                == ["Structure and Interpretation of Computer Programs", "The C Programming Language"])
        #expect(try value("library.books#$i[1].isbn", Self.library) == "9780131103627")
        #expect(
            try value("library.books@$b#$n[$b.price > 50].{'n': $n, 'title': $b.title}", Self.library)
                == [
                    ["n": 1, "title": "The C Programming Language"],
                    ["n": 3, "title": "Compilers: Principles, Techniques, and Tools"],
                ])
    }

    @Test("a binding needs a variable on its right")
    func bindingErrors() {
        for bad in ["a@b", "a#1", "a@$"] {
            #expect(throws: JSONataError.self, "\(bad)") { try JSONataExpression(bad) }
        }
    }
}
