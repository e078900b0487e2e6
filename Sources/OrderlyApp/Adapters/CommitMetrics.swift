import Foundation
import Prometheus
import StoreSQLite

/// The embedded database's writer as Prometheus counters: its transactions (each a group of writes), the writes they
/// carried, and the syncs that made them durable. The writer counts; these follow its counts whenever `/metrics` is
/// read (so a scrape sees them exact).
final class CommitMetrics: @unchecked Sendable {
    private let store: SQLiteStore
    private let transactions: Counter
    private let writes: Counter
    private let syncs: Counter
    private let lock = NSLock()
    /// The counts the counters stand at (nil: zero).
    private var reported: CommitCounts?

    init(store: SQLiteStore, registry: PrometheusCollectorRegistry) {
        self.store = store
        transactions = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "sqlite_transactions_total", unitName: "",
                helpText: "Write transactions committed, each a group of writes"))
        writes = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "sqlite_writes_total", unitName: "",
                helpText: "Writes committed (a request's write, a journal's append), in however many transactions"))
        syncs = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "sqlite_syncs_total", unitName: "",
                helpText: "Syncs of the write-ahead log to the disk, each covering every commit before it"))
    }

    /// Moves the counters on to the writer's counts now.
    func update() {
        lock.withLock {
            let now = store.commitCounts
            transactions.increment(by: Int64(now.committed - (reported?.committed ?? 0)))
            writes.increment(by: Int64(now.writes - (reported?.writes ?? 0)))
            syncs.increment(by: Int64(now.syncs - (reported?.syncs ?? 0)))
            reported = now
        }
    }
}
