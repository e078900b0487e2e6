import Foundation
import GRDB
import OrderlyModel

/// Records as last read, by id: products (a product page and pricing a cart are a shop's commonest requests) and
/// users (every signed-in request checks its token against its user), whose reads were mostly the cost of asking
/// SQLite.
///
/// Every write that can change a record invalidates it once it has committed (and bumps the epoch); a read fills the
/// cache only if no such invalidation happened between its look at the database and its insert, so the cache never
/// keeps a state older than the last commit. Entries also lapse after a few seconds, which bounds what another
/// process's write (the command line) could leave behind.
final class RecordCache<Record: Sendable>: @unchecked Sendable {
    private struct Entry {
        var record: Record?
        var at: UInt64
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var epoch = 0
    private let lifetime: UInt64 = 2_000_000_000
    private let capacity = 10_000

    /// The record `id`, from the cache or from `load` (whose answer is then kept).
    func record(_ id: String, load: () throws -> Record?) rethrows -> Record? {
        let now = DispatchTime.now().uptimeNanoseconds
        let (hit, epoch) = lock.withLock { () -> (Entry?, Int) in
            guard let entry = entries[id], now - entry.at < lifetime else { return (nil, self.epoch) }
            return (entry, self.epoch)
        }
        if let hit { return hit.record }
        let record = try load()
        lock.withLock {
            guard self.epoch == epoch else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(record: record, at: now)
        }
        return record
    }

    /// Forgets records a committed write changed.
    func invalidate(_ ids: some Sequence<String>) {
        lock.withLock {
            epoch += 1
            for id in ids { entries.removeValue(forKey: id) }
        }
    }
}

/// The products a write touched, collected inside it and invalidated once it is over.
final class TouchedProducts: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []

    func add(_ id: String) { lock.withLock { ids.append(id) } }

    var all: [String] { lock.withLock { ids } }
}

extension SQLiteStore {
    /// A write that changes products or stock: `block` names each product it touches, and those are invalidated
    /// in the product cache when the write is over (committed, or undone).
    func writeProducts<T: Sendable>(_ block: @escaping @Sendable (Database, TouchedProducts) throws -> T) async throws
        -> T
    {
        let touched = TouchedProducts()
        defer { productCache.invalidate(touched.all) }
        return try await writer.write { db in try block(db, touched) }
    }
}
