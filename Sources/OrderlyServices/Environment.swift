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

    /// A new event stamped with the current time and a new id.
    func event(
        _ name: EventName, source: EventSource, aggregateID: String, detail: some Encodable
    ) throws -> EventEnvelope {
        try EventEnvelope(
            id: ids.next(EventEnvelope.self), source: source, detailType: name, time: clock.now(),
            aggregateID: aggregateID, detail: detail)
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
