/// Which slice of a list to return: `limit` items after the position `cursor` names.
public struct PageRequest: Hashable, Sendable {
    public static let limitRange = 1...100
    public static let defaultLimit = 20

    public var limit: Int
    /// The sort key of the last item of the previous page; `nil` for the first page.
    public var after: String?

    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) {
        self.limit = limit
        self.after = after
    }
}

/// One page of a list and the cursor of the next page, `nil` on the last.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The sort key of the last item, when more items may follow.
    public var nextAfter: String?

    public init(items: [Item], nextAfter: String?) {
        self.items = items
        self.nextAfter = nextAfter
    }

    /// Transforms every item, keeping the cursor.
    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextAfter: nextAfter)
    }
}
