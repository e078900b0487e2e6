import JSONata

/// The value of `expression` over `input` (nil: it selects nothing).
func evaluate(_ expression: String, _ input: JSONataValue? = nil) throws -> JSONataValue? {
    try JSONataExpression(expression).evaluate(input)
}

/// The code of the error `expression` throws over `input`, or nil when it throws none.
func errorCode(_ expression: String, _ input: JSONataValue? = nil) -> String? {
    do {
        _ = try evaluate(expression, input)
        return nil
    } catch let error as JSONataError {
        return error.code
    } catch {
        return "\(error)"
    }
}
