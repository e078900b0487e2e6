/// An error of JSONata's, with its code (`S0201` syntax, `T2001` a type, `D3001` a function's argument, ...) and
/// the position in the expression where it applies.
public struct JSONataError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    /// The offset in the expression, in characters.
    public let position: Int

    public init(_ code: String, _ message: String, position: Int = 0) {
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String { "\(code): \(message) (at \(position))" }
}
