/// One problem with one field of a request: `{"field": "price.amount", "message": "must be ..."}`.
public struct FieldIssue: Hashable, Sendable, Codable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The error every Orderly use case throws: a stable code, a message for people, and the fields at fault.
///
/// The code's raw value is the snake_case word of the public API (`insufficient_stock`); the HTTP layer maps it to a
/// status. New codes are added as static members, so the set can grow without breaking a `switch`.
public struct OrderlyError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let validationFailed = Code(rawValue: "validation_failed")
        public static let malformedJSON = Code(rawValue: "malformed_json")
        public static let unauthenticated = Code(rawValue: "unauthenticated")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let notFound = Code(rawValue: "not_found")
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        public static let emailTaken = Code(rawValue: "email_taken")
        public static let conflict = Code(rawValue: "conflict")
        public static let invalidTransition = Code(rawValue: "invalid_transition")
        public static let insufficientStock = Code(rawValue: "insufficient_stock")
        public static let cartEmpty = Code(rawValue: "cart_empty")
        public static let idempotencyInProgress = Code(rawValue: "idempotency_in_progress")
        public static let idempotencyKeyReused = Code(rawValue: "idempotency_key_reused")
        public static let paymentDeclined = Code(rawValue: "payment_declined")
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        public static let rateLimited = Code(rawValue: "rate_limited")
        public static let `internal` = Code(rawValue: "internal")
    }

    public var code: Code
    public var message: String
    public var fieldIssues: [FieldIssue]
    /// Seconds after which a retry may succeed (rate limiting), when known.
    public var retryAfterSeconds: Int?
    /// What caused this error, for logs only; never shown to a client.
    public var underlying: (any Error)?

    public init(
        _ code: Code, _ message: String, fieldIssues: [FieldIssue] = [], retryAfterSeconds: Int? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.fieldIssues = fieldIssues
        self.retryAfterSeconds = retryAfterSeconds
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(code): \(message)"
        if !fieldIssues.isEmpty {
            text += " " + fieldIssues.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        }
        if let underlying { text += " (\(underlying))" }
        return text
    }

    /// `validation_failed` for one field.
    public static func validation(field: String, _ message: String) -> OrderlyError {
        OrderlyError(
            .validationFailed, "The request is not valid.", fieldIssues: [FieldIssue(field: field, message: message)])
    }

    /// `validation_failed` listing every issue found.
    public static func validation(_ issues: [FieldIssue]) -> OrderlyError {
        OrderlyError(.validationFailed, "The request is not valid.", fieldIssues: issues)
    }

    /// Throws `validation_failed` when `issues` is not empty.
    public static func throwIfAny(_ issues: [FieldIssue]) throws {
        if !issues.isEmpty { throw validation(issues) }
    }

    /// `not_found` for a resource kind such as "product".
    public static func notFound(_ what: String, field: String? = nil) -> OrderlyError {
        OrderlyError(
            .notFound, "No such \(what).",
            fieldIssues: field.map { [FieldIssue(field: $0, message: "no such \(what)")] } ?? [])
    }

    public static func forbidden(_ message: String = "You may not do that.") -> OrderlyError {
        OrderlyError(.forbidden, message)
    }

    public static func unauthenticated(_ message: String = "Sign in first.") -> OrderlyError {
        OrderlyError(.unauthenticated, message)
    }

    public static func insufficientStock(productID: String, available: Int) -> OrderlyError {
        OrderlyError(
            .insufficientStock, "Not enough stock for \(productID): \(available) available.",
            fieldIssues: [FieldIssue(field: "quantity", message: "only \(available) available")])
    }
}
