import OrderlyModel
import OrderlyPorts

/// What every use case may need besides its stores: the time, new ids and the store's currency.
public struct ServiceEnvironment: Sendable {
    public var clock: any WallClock
    public var ids: any IDGenerator
    public var currency: Currency

    public init(clock: any WallClock, ids: any IDGenerator, currency: Currency) {
        self.clock = clock
        self.ids = ids
        self.currency = currency
    }

    /// A domain event in its envelope, stamped with the current time and a new id.
    func envelope(_ event: some DomainEvent) throws -> EventEnvelope {
        try EventEnvelope(id: ids.next(EventEnvelope.self), time: clock.now(), event: event)
    }
}

/// Who is asking: the signed-in user's id and role, as the token says.
public struct Actor: Hashable, Sendable {
    public var userID: User.ID
    public var role: Role

    public init(userID: User.ID, role: Role) {
        self.userID = userID
        self.role = role
    }

    public var isAdmin: Bool { role == .admin }
}
