import Foundation

/// A recurring order: the same product, daily or weekly, at a delivery time (UTC), from a start date.
public struct Subscription: Hashable, Sendable, Codable, IdentifiedByPrefix {
    public typealias ID = Identifier<Subscription>
    public static let idPrefix = "sub_"

    public var id: ID
    public var userID: User.ID
    public var productID: Product.ID
    public var quantity: Int
    public var frequency: Frequency
    /// `YYYY-MM-DD`.
    public var startDate: String
    public var endDate: String?
    /// `HH:MM`, UTC.
    public var deliveryTime: String
    public var paymentMethod: PaymentMethod
    public var address: Address?
    public var status: Status
    /// When the next order is placed; `nil` once there is none.
    public var nextRunAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public enum Frequency: String, Hashable, Sendable, Codable, CaseIterable { case daily = "DAILY", weekly = "WEEKLY" }

    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case active = "ACTIVE", paused = "PAUSED", cancelled = "CANCELLED"

        public var allowedMoves: Set<Status> {
            switch self {
            case .active: return [.paused, .cancelled]
            case .paused: return [.active, .cancelled]
            case .cancelled: return []
            }
        }
    }

    public init(
        id: ID, userID: User.ID, productID: Product.ID, quantity: Int, frequency: Frequency, startDate: String,
        endDate: String?, deliveryTime: String, paymentMethod: PaymentMethod, address: Address?, at time: Date
    ) {
        self.id = id
        self.userID = userID
        self.productID = productID
        self.quantity = quantity
        self.frequency = frequency
        self.startDate = startDate
        self.endDate = endDate
        self.deliveryTime = deliveryTime
        self.paymentMethod = paymentMethod
        self.address = address
        self.status = .active
        self.createdAt = time
        self.updatedAt = time
        self.nextRunAt = nil
        self.nextRunAt = firstRun(atOrAfter: time)
    }

    /// Moves the status. Pure.
    /// - Throws: `invalid_transition`.
    public mutating func move(to status: Status, at time: Date) throws {
        guard self.status.allowedMoves.contains(status) else {
            throw OrderlyError(
                .invalidTransition, "A subscription that is \(self.status.rawValue) cannot become \(status.rawValue).",
                fieldIssues: [
                    FieldIssue(
                        field: "status", message: "cannot move from \(self.status.rawValue) to \(status.rawValue)")
                ])
        }
        self.status = status
        updatedAt = time
        switch status {
        case .active: nextRunAt = firstRun(atOrAfter: time)
        case .paused, .cancelled: nextRunAt = nil
        }
        if status == .active && nextRunAt == nil { self.status = .cancelled }
    }

    /// The first run at or after `time`: a day (or a week) step from the start date at the delivery time, up to the
    /// end date. `nil` when none is left.
    public func firstRun(atOrAfter time: Date) -> Date? {
        guard let start = Schedule.instant(date: startDate, time: deliveryTime) else { return nil }
        let step: TimeInterval = frequency == .daily ? 86_400 : 7 * 86_400
        var run = start
        if time > start {
            let steps = ((time.timeIntervalSince(start)) / step).rounded(.up)
            run = start.addingTimeInterval(steps * step)
        }
        if let endDate, let end = Schedule.instant(date: endDate, time: "23:59"), run > end.addingTimeInterval(59) {
            return nil
        }
        return run
    }

    /// The run after `run`.
    public func run(after run: Date) -> Date? { firstRun(atOrAfter: run.addingTimeInterval(1)) }
}

/// Dates and times of subscriptions, in UTC.
public enum Schedule {
    /// `2026-11-23` + `07:00` → that instant in UTC.
    public static func instant(date: String, time: String) -> Date? {
        guard let day = self.day(date), let minutes = self.minutes(time) else { return nil }
        return day.addingTimeInterval(TimeInterval(minutes * 60))
    }

    /// Midnight UTC of a `YYYY-MM-DD` date.
    public static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d), y >= 1970, y < 10_000
        else { return nil }
        let date = RFC3339.parse("\(parts[0])-\(parts[1])-\(parts[2])T00:00:00Z")
        // Reject dates the calendar rolls over (2026-02-30).
        guard let date, date.formatted(.iso8601.year().month().day()) == text else { return nil }
        return date
    }

    /// `HH:MM` → minutes after midnight.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.count == 5, parts.count == 2, text.utf8.allSatisfy({ (0x30...0x3A).contains($0) }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h),
            (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }

    /// The `YYYY-MM-DD` of an instant, in UTC.
    public static func dayString(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
}

/// One scheduled run of a subscription.
public struct SubscriptionRun: Hashable, Sendable {
    public var subscriptionID: Subscription.ID
    public var runAt: Date
    /// The order this run places (its id is chosen when the run is claimed).
    public var orderID: Order.ID
    public var status: Status
    public var note: String?

    /// What became of a run.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Claimed by a scheduler: its order is yet to be placed.
        case claimed = "CLAIMED"
        /// Its order was placed.
        case placed = "PLACED"
        /// Its order could not be placed (the reason is in the note).
        case failed = "FAILED"
    }

    public init(subscriptionID: Subscription.ID, runAt: Date, orderID: Order.ID, status: Status, note: String?) {
        self.subscriptionID = subscriptionID
        self.runAt = runAt
        self.orderID = orderID
        self.status = status
        self.note = note
    }
}
