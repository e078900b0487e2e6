import Foundation
import OrderlyModel

/// Makes new ids. Services never call `UUID()`; they ask the generator they were given.
public protocol IDGenerator: Sendable {
    /// A new, unique id for an entity of the given type.
    func next<Entity: IdentifiedByPrefix>(_ type: Entity.Type) -> Identifier<Entity>
}

/// Ids that sort by creation time: the prefix, then a ULID (48-bit milliseconds + 80 random bits, Crockford base32).
///
/// Within one millisecond the random part is incremented, so ids from one generator are strictly increasing; lists
/// ordered by id are therefore ordered by creation and cursor pagination over them is stable.
public final class SortableIDGenerator: IDGenerator, @unchecked Sendable {
    private let clock: any WallClock
    private let lock = NSLock()
    private var lastMillis: UInt64 = 0
    private var lastRandom: (UInt16, UInt64) = (0, 0)

    /// - Parameter clock: where the time part comes from.
    public init(clock: any WallClock) {
        self.clock = clock
    }

    public func next<Entity: IdentifiedByPrefix>(_ type: Entity.Type) -> Identifier<Entity> {
        let millis = UInt64(max(0, clock.now().timeIntervalSince1970 * 1000))
        let (time, high, low) = lock.withLock { () -> (UInt64, UInt16, UInt64) in
            if millis > lastMillis {
                lastMillis = millis
                lastRandom = (UInt16.random(in: 0...UInt16.max), UInt64.random(in: 0...UInt64.max))
            } else {
                // Same (or an earlier) millisecond: keep the last time and count up, so ids stay increasing.
                let (low, overflow) = lastRandom.1.addingReportingOverflow(1)
                lastRandom = (overflow ? lastRandom.0 &+ 1 : lastRandom.0, low)
            }
            return (lastMillis, lastRandom.0, lastRandom.1)
        }
        return Identifier(rawValue: Entity.idPrefix + Self.encode(time: time, high: high, low: low))
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// 26 base32 characters: 10 for the 48-bit time, 16 for the 80 random bits.
    static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 26)
        var t = time
        for i in stride(from: 9, through: 0, by: -1) {
            out[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        // 80 bits = high (16) + low (64), emitted 5 bits at a time from the least significant end.
        var lowBits = low
        var highBits = UInt64(high)
        for i in stride(from: 25, through: 10, by: -1) {
            out[i] = alphabet[Int(lowBits & 31)]
            lowBits = (lowBits >> 5) | ((highBits & 31) << 59)
            highBits >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }
}
