import Foundation
import GRDB
import OrderlyModel

/// Records as the last commit left them, by id: products (a product page and pricing a cart are a shop's commonest
/// requests), users (every signed-in request checks its token against its user), and the orders and payments a
/// checkout's every step reads again — reads that were mostly the cost of asking SQLite (a reader connection drops
/// its page cache at every commit, and a checkout commits a dozen times).
///
/// A read fills the cache only if nothing changed the cache between its look at the database and its insert (an
/// epoch counts every change), so the cache never keeps a state older than the last commit. Writes keep it current
/// in one of two ways:
/// - **written through** (``CachedWrites``): a write marks each record it changes as being written, inside its
///   transaction, and once its group is over puts what it wrote (or leaves the last commit's record, if it failed) —
///   in commit order, on the committing thread, before its caller resumes. Meanwhile the cache still answers the
///   last commit's record, as a reader connection would: no one has been told of the write yet (a product whose
///   stock changes at every checkout is being written most of the time under load, and was read from SQLite then);
/// - **invalidated** (``invalidate(_:)``): the record is dropped once the write is over.
///
/// Entries also lapse after a few seconds, which bounds what another process's write (the command line) could leave
/// behind.
final class RecordCache<Record: Sendable>: @unchecked Sendable {
    private struct Entry {
        var record: Record?
        var at: UInt64
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Writes under way (not yet committed) by record.
    private var writing: [String: Int] = [:]
    private var epoch = 0
    private let lifetime: UInt64 = 2_000_000_000
    private let capacity: Int
    /// Whether a record found absent is remembered as absent (not for records another write may create under an id
    /// read before, such as an order's payment).
    private let keepsAbsence: Bool

    init(capacity: Int = 10_000, keepsAbsence: Bool = true) {
        self.capacity = capacity
        self.keepsAbsence = keepsAbsence
    }

    /// The record `id`, from the cache or from `load` (whose answer is then kept).
    func record(_ id: String, load: () throws -> Record?) rethrows -> Record? {
        let now = DispatchTime.now().uptimeNanoseconds
        let (hit, epoch) = lock.withLock { () -> (Entry?, Int?) in
            // (A write settled on another thread may have kept its entry a moment after `now`.)
            if let entry = entries[id], entry.at + lifetime > now { return (entry, nil) }
            // What the database answers while a write of it is under way may be that write's, committed but not yet
            // settled: it is not kept (the write's settling keeps what it wrote).
            return (nil, writing[id] == nil ? self.epoch : nil)
        }
        if let hit { return hit.record }
        let record = try load()
        guard let epoch, record != nil || keepsAbsence else { return record }
        lock.withLock {
            guard self.epoch == epoch else { return }
            keep(Entry(record: record, at: now), for: id)
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

    /// A write that has not committed yet changes `id`: until it is over, the cache answers the last commit's record
    /// (if it has it) and keeps nothing read from the database.
    func beginWrite(_ id: String) {
        lock.withLock {
            epoch += 1
            writing[id, default: 0] += 1
        }
    }

    /// The write of `id` is over. If it committed, `record` is what it left (nil: not known, and dropped) — or, with
    /// `absent`, the record is known not to exist; if it failed, the last commit's record stays.
    func endWrite(_ id: String, committed: Bool, record: Record?, absent: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.withLock {
            epoch += 1
            let left = (writing[id] ?? 1) - 1
            writing[id] = left > 0 ? left : nil
            guard committed else { return }
            // Settled in commit order: a later write of it still under way replaces this one when it settles.
            if record != nil || absent {
                keep(Entry(record: record, at: now), for: id)
            } else {
                entries.removeValue(forKey: id)
            }
        }
    }

    private func keep(_ entry: Entry, for id: String) {
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[id] = entry
    }
}

/// The cached records one write changes: each marked as being written when the write's block changes it (inside
/// its transaction), and settled once the write is over — put in its cache if it committed, dropped if not. Settling
/// runs in commit order on the committing thread (see ``GroupCommitWriter/write(_:settled:)``), so a later write's
/// record is never overwritten by an earlier one's.
final class CachedWrites: @unchecked Sendable {
    private let store: SQLiteStore
    private var settlements: [(Bool) -> Void] = []

    init(_ store: SQLiteStore) { self.store = store }

    /// The write stores `order`.
    func wrote(_ order: Order) { wrote(order, id: order.id.rawValue, in: store.orderCache) }

    /// The write creates the order `orderID`, which has no payment yet: its checkout's payment step, which looks for
    /// one first, then knows without asking SQLite (a read that found nothing, each checkout).
    func createdWithoutPayment(_ orderID: Order.ID) {
        let (cache, id) = (store.paymentCache, orderID.rawValue)
        cache.beginWrite(id)
        settlements.append { committed in cache.endWrite(id, committed: committed, record: nil, absent: true) }
    }

    /// The write stores `payment`.
    func wrote(_ payment: Payment) { wrote(payment, id: payment.orderID.rawValue, in: store.paymentCache) }

    /// The write leaves the product `id` as `product` (nil: gone, or not known).
    func wrote(_ product: Product?, id: Product.ID) { wrote(product, id: id.rawValue, in: store.productCache) }

    private func wrote<Record: Sendable>(_ record: Record?, id: String, in cache: RecordCache<Record>) {
        cache.beginWrite(id)
        settlements.append { committed in cache.endWrite(id, committed: committed, record: record) }
    }

    /// Called once, when the write is over.
    func settle(committed: Bool) {
        for settle in settlements { settle(committed) }
        settlements = []
    }
}

/// The products a write touched, collected inside it (on the writer) and read back at its end.
final class TouchedProducts: @unchecked Sendable {
    fileprivate var ids: [Product.ID] = []

    func add(_ id: String) { ids.append(Product.ID(rawValue: id)) }
}

extension SQLiteStore {
    /// A write that changes products or stock: `block` names each product it touches, and those are read back at its
    /// end and kept in the product cache once it has committed (stock changes at every checkout, and a product read
    /// again from SQLite after each was a tenth of placing an order).
    func writeProducts<T: Sendable>(_ block: @escaping @Sendable (Database, TouchedProducts) throws -> T) async throws
        -> T
    {
        try await writeCached { db, writes in
            let touched = TouchedProducts()
            let result = try block(db, touched)
            for id in Set(touched.ids) {
                writes.wrote(
                    try Row.fetchOne(db.cachedStatement(sql: Self.productByID), arguments: [id.rawValue])
                        .map(Self.product(from:)), id: id)
            }
            return result
        }
    }

    /// A write that changes cached records (orders, payments, products): `block` tells `writes` each one it writes,
    /// and the caches hold them once the write has committed.
    func writeCached<T: Sendable>(
        durable: Bool = false, _ block: @escaping @Sendable (Database, CachedWrites) throws -> T
    ) async throws -> T {
        let writes = CachedWrites(self)
        return try await writer.write(durable: durable, { db in try block(db, writes) }, settled: writes.settle)
    }
}
