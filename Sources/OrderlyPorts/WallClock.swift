import Foundation

/// Tells the time. Services never call `Date()`; they ask the clock they were given, so tests can fix it.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
