import Foundation
import OrderlyModel
import OrderlyPorts

/// `Idempotency-Key` handling with Stripe's semantics: the first answer to a key is kept for 24 hours and replayed
/// for the same request; the same key with another request is refused; a key still being worked on is refused.
public struct IdempotencyService: Sendable {
    let store: any IdempotencyStore
    let clock: any WallClock

    /// How long a claimed key stays "in progress" without an answer before a retry may take it over: longer than
    /// any request runs (a checkout waits 10 s at most).
    public static let lease: TimeInterval = 60

    public init(store: any IdempotencyStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Runs `body` once per key and scope; a repeat gets the stored answer (`replayed` true).
    /// - Parameters:
    ///   - scope: whose keys these are (the user id), so keys never collide between users.
    ///   - fingerprint: a digest of the request (method, path and body).
    /// - Throws: `idempotency_key_reused` (422), `idempotency_in_progress` (409), `validation_failed` for a bad key.
    public func run(
        key: String, scope: String, fingerprint: String, _ body: () async throws -> StoredResponse
    ) async throws -> (response: StoredResponse, replayed: Bool) {
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
        else {
            throw OrderlyError.validation(field: "Idempotency-Key", "must be 1–255 printable ASCII characters")
        }
        switch try await store.begin(
            scope: scope, key: key, fingerprint: fingerprint, at: clock.now(), lease: Self.lease)
        {
        case .replay(let response):
            return (response, true)
        case .inProgress:
            throw OrderlyError(.idempotencyInProgress, "A request with this Idempotency-Key is still being processed.")
        case .mismatch:
            throw OrderlyError(
                .idempotencyKeyReused, "This Idempotency-Key was used with a different request.",
                fieldIssues: [FieldIssue(field: "Idempotency-Key", message: "was used with a different request body")])
        case .proceed:
            do {
                let response = try await body()
                // Server errors are not kept: the client may retry them with the same key.
                if response.status >= 500 {
                    try await store.abandon(scope: scope, key: key)
                } else {
                    try await store.complete(scope: scope, key: key, response: response, at: clock.now())
                }
                return (response, false)
            } catch {
                // A request that failed with an error keeps nothing, so the client can correct it and retry with
                // the same key (Stripe keeps nothing when a request did not start executing).
                try await store.abandon(scope: scope, key: key)
                throw error
            }
        }
    }
}
