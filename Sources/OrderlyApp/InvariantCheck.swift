import AWSAdapters
import Foundation
import OrderlyPorts
import StoreSQLite

/// `orderly check`: the invariants of a data folder at rest, with the payment simulator's ledger beside it.
public enum InvariantCheck {
    /// Opens the data folder's database and gateway ledger and checks every invariant; with the aws backend, the
    /// tables under the prefix (each server there keeps its own payment simulator, so the gateway comparison is
    /// the embedded check's).
    public static func run(_ configuration: OrderlyConfiguration) async throws -> InvariantReport {
        if configuration.backend == .aws {
            let backend = try AWSBackend(configuration)
            return try await backend.store.checkInvariants(
                journal: configuration.workflows == .embedded ? backend.journal : nil)
        }
        let dataDirectory = try DataDirectory(path: configuration.dataDirectory)
        let store = try SQLiteStore(path: dataDirectory.databasePath)
        let ledger = dataDirectory.url.appendingPathComponent("gateway/ledger.jsonl")
        let gateway =
            FileManager.default.fileExists(atPath: ledger.path) ? try SimulatedPaymentGateway(ledgerFile: ledger) : nil
        return try await check(store, against: gateway)
    }

    /// Checks every invariant of `store`, comparing money with what `gateway` holds (skipped without one).
    public static func check(_ store: SQLiteStore, against gateway: SimulatedPaymentGateway?) async throws
        -> InvariantReport
    {
        try await store.checkInvariants(
            captures: gateway?.capturesMade.map {
                GatewayLedgerEntry(key: $0.key, transactionID: $0.transactionID, amount: $0.amount.amount)
            },
            refunds: gateway?.refundsMade.map {
                GatewayLedgerEntry(key: $0.refundID, transactionID: $0.transactionID, amount: $0.amount.amount)
            } ?? [])
    }
}
