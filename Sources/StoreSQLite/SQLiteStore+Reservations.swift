import Foundation
import GRDB
import OrderlyModel
import OrderlyPorts

extension SQLiteStore: InventoryStore {
    public func reserve(_ reservation: Reservation, events: [EventEnvelope]) async throws -> Reservation {
        try await writeProducts { db, touched in
            if let existing = try Self.reservation(id: reservation.id, in: db) { return existing }
            // One conditional update per line; the first that cannot be met rolls the whole transaction back.
            for line in reservation.lines {
                touched.add(line.productID.rawValue)
                try db.cachedStatement(
                    sql: """
                        UPDATE inventory SET available = available - ?1, reserved = reserved + ?1, updated_at = ?2
                        WHERE product_id = ?3 AND available >= ?1
                        """
                ).execute(arguments: [line.quantity, reservation.createdAt.millis, line.productID.rawValue])
                if db.changesCount == 0 {
                    guard
                        let available = try Int.fetchOne(
                            db.cachedStatement(sql: "SELECT available FROM inventory WHERE product_id = ?"),
                            arguments: [line.productID.rawValue])
                    else { throw OrderlyError.notFound("product", field: "productId") }
                    throw OrderlyError.insufficientStock(productID: line.productID.rawValue, available: available)
                }
            }
            try Self.write(reservation, in: db, insert: true)
            try Self.record(events, in: db)
            return reservation
        }
    }

    public func commitReservation(id: String, at time: Date, events: [EventEnvelope]) async throws -> Reservation {
        try await writeProducts { db, touched in
            guard let reservation = try Self.reservation(id: id, in: db) else {
                throw OrderlyError.notFound("reservation")
            }
            guard let committed = try reservation.committed(at: time) else { return reservation }
            for line in committed.lines {
                touched.add(line.productID.rawValue)
                try db.cachedStatement(
                    sql: """
                        UPDATE inventory SET reserved = reserved - ?1, sold = sold + ?1, updated_at = ?2
                        WHERE product_id = ?3
                        """
                ).execute(arguments: [line.quantity, time.millis, line.productID.rawValue])
            }
            try Self.write(committed, in: db, insert: false)
            try Self.record(events, in: db)
            return committed
        }
    }

    public func releaseReservation(id: String, expired: Bool, at time: Date, events: [EventEnvelope]) async throws
        -> Reservation?
    {
        try await writeProducts { db, touched in
            guard let reservation = try Self.reservation(id: id, in: db) else { return nil }
            // The sweeper's release is conditional, in this write: only a hold that is still held and has expired.
            guard let (released, from) = reservation.released(expired: expired, at: time) else { return reservation }
            let column = from.rawValue
            for line in released.lines {
                touched.add(line.productID.rawValue)
                try db.execute(
                    sql: """
                        UPDATE inventory SET \(column) = \(column) - ?1, available = available + ?1, updated_at = ?2
                        WHERE product_id = ?3
                        """,
                    arguments: [line.quantity, time.millis, line.productID.rawValue])
            }
            try Self.write(released, in: db, insert: false)
            try Self.record(events, in: db)
            return released
        }
    }

    public func reservation(id: String) async throws -> Reservation? {
        try readNow { db in try Self.reservation(id: id, in: db) }
    }

    public func expiredReservations(at time: Date, limit: Int) async throws -> [Reservation] {
        try readNow { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT document FROM reservations WHERE status = 'HELD' AND expires_at <= ? ORDER BY expires_at LIMIT ?"
                ), arguments: [time.millis, limit]
            ).map { try JSONColumn.decode(Reservation.self, from: $0) }
        }
    }

    public func stockLedger(productID: Product.ID) async throws -> StockLedger? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT received, available, reserved, sold FROM inventory WHERE product_id = ?"),
                arguments: [productID.rawValue]
            ).map {
                StockLedger(
                    received: $0["received"], available: $0["available"], reserved: $0["reserved"], sold: $0["sold"])
            }
        }
    }

    static func reservation(id: String, in db: Database) throws -> Reservation? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT document FROM reservations WHERE id = ?"), arguments: [id])
            .map { try JSONColumn.decode(Reservation.self, from: $0) }
    }

    static func write(_ reservation: Reservation, in db: Database, insert: Bool) throws {
        let arguments: StatementArguments = [
            reservation.orderID.rawValue, reservation.status.rawValue, reservation.expiresAt.millis,
            try JSONColumn.encode(reservation), reservation.id,
        ]
        if insert {
            try db.cachedStatement(
                sql: "INSERT INTO reservations (order_id, status, expires_at, document, id) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: arguments)
        } else {
            try db.cachedStatement(
                sql: "UPDATE reservations SET order_id = ?, status = ?, expires_at = ?, document = ? WHERE id = ?"
            ).execute(arguments: arguments)
        }
    }
}
