import GRDB

extension SQLiteStore {
    /// Append-only, named migrations: never edit one that has shipped; add a new one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-22-01-users") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id TEXT PRIMARY KEY NOT NULL,
                        email TEXT NOT NULL,
                        email_key TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        phone TEXT,
                        address TEXT,
                        role TEXT NOT NULL CHECK (role IN ('customer', 'courier', 'admin')),
                        password_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE login_failures (
                        key TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX login_failures_by_key ON login_failures (key, at);
                    """)
        }
        migrator.registerMigration("2026-11-22-02-catalog") { db in
            try db.execute(
                sql: """
                    CREATE TABLE products (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        description TEXT NOT NULL,
                        price_amount INTEGER NOT NULL CHECK (price_amount >= 0),
                        currency TEXT NOT NULL,
                        category TEXT NOT NULL,
                        active INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX products_by_category ON products (category COLLATE NOCASE, id);
                    -- received (net of corrections) = available + reserved + sold, and nothing is ever negative.
                    CREATE TABLE inventory (
                        product_id TEXT PRIMARY KEY NOT NULL REFERENCES products (id),
                        available INTEGER NOT NULL CHECK (available >= 0),
                        reserved INTEGER NOT NULL CHECK (reserved >= 0),
                        sold INTEGER NOT NULL CHECK (sold >= 0),
                        received INTEGER NOT NULL CHECK (received >= 0),
                        updated_at INTEGER NOT NULL,
                        CHECK (received = available + reserved + sold)
                    );
                    """)
        }
        migrator.registerMigration("2026-11-22-03-carts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE carts (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
                        lines TEXT NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("2026-11-22-04-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        source TEXT NOT NULL,
                        detail_type TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        aggregate_id TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        dispatched_at INTEGER
                    );
                    CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;
                    """)
        }
        migrator.registerMigration("2026-11-22-05-workflow-journal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workflow_executions (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        state_machine TEXT NOT NULL,
                        state_machine_id TEXT NOT NULL,
                        definition TEXT NOT NULL,
                        substitutions TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'RUNNING',
                        output TEXT,
                        error TEXT,
                        cause TEXT,
                        history TEXT,
                        finished_at INTEGER
                    );
                    CREATE INDEX workflow_executions_running ON workflow_executions (status) WHERE status = 'RUNNING';
                    CREATE TABLE workflow_events (
                        execution_id TEXT NOT NULL REFERENCES workflow_executions (id),
                        seq INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        PRIMARY KEY (execution_id, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("2026-11-22-06-checkout") { db in
            try db.execute(
                sql: """
                    CREATE TABLE orders (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users (id),
                        status TEXT NOT NULL,
                        document TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX orders_by_user ON orders (user_id, id);
                    CREATE INDEX orders_by_status ON orders (status, id);
                    CREATE TABLE reservations (
                        id TEXT PRIMARY KEY NOT NULL,
                        order_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        expires_at INTEGER NOT NULL,
                        document TEXT NOT NULL
                    );
                    CREATE INDEX reservations_held ON reservations (expires_at) WHERE status = 'HELD';
                    CREATE TABLE payments (
                        id TEXT PRIMARY KEY NOT NULL,
                        order_id TEXT NOT NULL UNIQUE REFERENCES orders (id),
                        user_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        document TEXT NOT NULL
                    );
                    CREATE INDEX payments_by_user ON payments (user_id, id);
                    CREATE TABLE idempotency_keys (
                        scope TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        response_status INTEGER,
                        content_type TEXT,
                        body BLOB,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (scope, key)
                    ) WITHOUT ROWID;
                    CREATE TABLE notifications (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL,
                        dedupe_key TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        message TEXT NOT NULL,
                        status TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX notifications_by_user ON notifications (user_id, id);
                    CREATE TABLE consumer_ledger (
                        consumer TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        processed_at INTEGER NOT NULL,
                        PRIMARY KEY (consumer, event_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE dead_letters (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        consumer TEXT NOT NULL,
                        event TEXT NOT NULL,
                        error TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE event_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        source TEXT NOT NULL,
                        detail_type TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        aggregate_id TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX event_log_by_type ON event_log (detail_type, seq);
                    """)
        }
        migrator.registerMigration("2026-11-22-07-round") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deliveries (
                        id TEXT PRIMARY KEY NOT NULL,
                        order_id TEXT NOT NULL REFERENCES orders (id),
                        courier_id TEXT,
                        status TEXT NOT NULL,
                        active INTEGER NOT NULL,
                        document TEXT NOT NULL
                    );
                    -- At most one delivery under way per order.
                    CREATE UNIQUE INDEX deliveries_one_active ON deliveries (order_id) WHERE active = 1;
                    CREATE INDEX deliveries_by_courier ON deliveries (courier_id, id);
                    CREATE TABLE subscriptions (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users (id),
                        status TEXT NOT NULL,
                        next_run_at INTEGER,
                        document TEXT NOT NULL
                    );
                    CREATE INDEX subscriptions_due ON subscriptions (next_run_at) WHERE status = 'ACTIVE';
                    CREATE INDEX subscriptions_by_user ON subscriptions (user_id, id);
                    CREATE TABLE subscription_runs (
                        subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
                        run_at INTEGER NOT NULL,
                        order_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        note TEXT,
                        PRIMARY KEY (subscription_id, run_at)
                    ) WITHOUT ROWID;
                    CREATE TABLE sale_facts (
                        event_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        day TEXT NOT NULL,
                        order_id TEXT NOT NULL,
                        product_id TEXT,
                        product_name TEXT,
                        quantity INTEGER NOT NULL,
                        amount INTEGER NOT NULL,
                        PRIMARY KEY (event_id, seq)
                    ) WITHOUT ROWID;
                    CREATE INDEX sale_facts_by_day ON sale_facts (day, kind);
                    """)
        }
        migrator.registerMigration("2026-11-29-08-hardening") { db in
            try db.execute(
                sql: """
                    ALTER TABLE payments ADD COLUMN pending_refunds INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX payments_pending_refunds ON payments (pending_refunds) WHERE pending_refunds > 0;
                    DROP TABLE login_failures;
                    CREATE TABLE login_attempts (
                        attempt INTEGER NOT NULL,
                        key TEXT NOT NULL CHECK (length(key) <= 300),
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX login_attempts_by_key ON login_attempts (key, at);
                    CREATE INDEX login_attempts_by_time ON login_attempts (at);
                    CREATE INDEX login_attempts_by_attempt ON login_attempts (attempt);
                    ALTER TABLE orders ADD COLUMN idempotency_key TEXT;
                    CREATE UNIQUE INDEX orders_by_idempotency_key ON orders (user_id, idempotency_key)
                        WHERE idempotency_key IS NOT NULL;
                    CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);
                    ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        // The staff list (couriers to assign deliveries to) without reading every customer.
        migrator.registerMigration("2026-12-01-09-staff") { db in
            try db.execute(sql: "CREATE INDEX users_staff ON users (role, id) WHERE role != 'customer';")
        }
        // Workflow executions stored once and compactly: each definition once (not 10 KB per execution), the history
        // only as the journal's events it is rebuilt from (not again as JSON at the end), the journal keyed by the
        // execution's number instead of its ARN.
        migrator.registerMigration("2026-12-01-10-compact-executions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workflow_versions (
                        id INTEGER PRIMARY KEY,
                        state_machine TEXT NOT NULL,
                        state_machine_id TEXT NOT NULL,
                        definition TEXT NOT NULL,
                        substitutions TEXT NOT NULL,
                        UNIQUE (state_machine, state_machine_id, definition, substitutions)
                    );
                    INSERT INTO workflow_versions (state_machine, state_machine_id, definition, substitutions)
                        SELECT DISTINCT state_machine, state_machine_id, definition, substitutions FROM workflow_executions;
                    CREATE TABLE executions (
                        number INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        version INTEGER NOT NULL REFERENCES workflow_versions (id),
                        state_machine TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'RUNNING',
                        output TEXT,
                        error TEXT,
                        cause TEXT,
                        finished_at INTEGER
                    );
                    INSERT INTO executions (number, id, name, version, state_machine, status, output, error, cause,
                            finished_at)
                        SELECT x.rowid, x.id, x.name, v.id, x.state_machine, x.status, x.output, x.error, x.cause,
                            x.finished_at
                        FROM workflow_executions x JOIN workflow_versions v ON v.state_machine = x.state_machine
                            AND v.state_machine_id = x.state_machine_id AND v.definition = x.definition
                            AND v.substitutions = x.substitutions
                        ORDER BY x.rowid;
                    CREATE INDEX executions_running ON executions (status) WHERE status = 'RUNNING';
                    CREATE INDEX executions_by_machine ON executions (state_machine, number);
                    CREATE INDEX executions_finished ON executions (finished_at) WHERE finished_at IS NOT NULL;
                    CREATE TABLE execution_journal (
                        execution INTEGER NOT NULL REFERENCES executions (number),
                        seq INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        PRIMARY KEY (execution, seq)
                    ) WITHOUT ROWID;
                    INSERT INTO execution_journal (execution, seq, event)
                        SELECT x.number, e.seq, e.event FROM workflow_events e JOIN executions x ON x.id = e.execution_id;
                    DROP TABLE workflow_events;
                    DROP TABLE workflow_executions;
                    """)
        }
        // Receipts in the database: a file each cost more to create than everything else a checkout writes.
        migrator.registerMigration("2026-12-01-11-blobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE blobs (
                        key TEXT PRIMARY KEY NOT NULL,
                        content_type TEXT NOT NULL,
                        body BLOB NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Cold records compressed: a finished execution's journal in one deflated value on its row (its start kept
        // beside it for listings) and its output deflated, an idempotency key's stored answer and a blob deflated
        // (`size` is the original length; without it a blob is stored as it is).
        migrator.registerMigration("2026-12-01-12-compressed") { db in
            try db.execute(
                sql: """
                    ALTER TABLE executions ADD COLUMN start TEXT;
                    ALTER TABLE executions ADD COLUMN journal BLOB;
                    UPDATE executions SET start = (SELECT event FROM execution_journal e
                        WHERE e.execution = executions.number AND e.seq = 0);
                    ALTER TABLE idempotency_keys ADD COLUMN encoding TEXT;
                    ALTER TABLE blobs ADD COLUMN size INTEGER;
                    """)
        }
        // The outbox holds only what waits to be delivered (a delivered event leaves it), so it needs no index of
        // pending rows, and its order is its rowid's (AUTOINCREMENT wrote `sqlite_sequence` at every insert): three
        // of the four pages each event's insert and delete wrote. Delivered rows an older build kept are dropped;
        // the event log holds every event.
        migrator.registerMigration("2026-12-02-13-outbox-rows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox_waiting (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        source TEXT NOT NULL,
                        detail_type TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        aggregate_id TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    INSERT INTO outbox_waiting (seq, id, source, detail_type, time, aggregate_id, detail)
                        SELECT seq, id, source, detail_type, time, aggregate_id, detail FROM outbox
                        WHERE dispatched_at IS NULL ORDER BY seq;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_waiting RENAME TO outbox;
                    DELETE FROM sqlite_sequence WHERE name = 'outbox';
                    """)
        }
        // The event log becomes the outbox (see ``SQLiteStore``'s `EventOutbox`): the waiting events follow the mark.
        // An event still in the outbox that the log already holds keeps its place, and the mark goes before the first
        // of those (what was delivered after it is delivered again, which consumers absorb); the others are appended.
        // The log's `seq` loses AUTOINCREMENT (a page of `sqlite_sequence` at every commit that recorded events):
        // the log is never cut, so a rowid is never given twice.
        migrator.registerMigration("2026-12-02-14-event-log-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        source TEXT NOT NULL,
                        detail_type TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        aggregate_id TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    INSERT INTO events (seq, event_id, source, detail_type, time, aggregate_id, detail)
                        SELECT seq, event_id, source, detail_type, time, aggregate_id, detail FROM event_log ORDER BY seq;
                    CREATE TABLE event_delivery (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        delivered INTEGER NOT NULL
                    );
                    INSERT INTO event_delivery (id, delivered) VALUES (1, coalesce(
                        (SELECT min(e.seq) - 1 FROM events e JOIN outbox o ON o.id = e.event_id),
                        (SELECT max(seq) FROM events),
                        0));
                    INSERT OR IGNORE INTO events (event_id, source, detail_type, time, aggregate_id, detail)
                        SELECT id, source, detail_type, time, aggregate_id, detail FROM outbox ORDER BY seq;
                    DROP TABLE outbox;
                    DROP TABLE event_log;
                    ALTER TABLE events RENAME TO event_log;
                    DELETE FROM sqlite_sequence WHERE name = 'event_log';
                    CREATE INDEX event_log_by_type ON event_log (detail_type, seq);
                    """)
        }
        migrator.registerMigration("2026-12-06-15-queued-mail") { db in
            // Notifications whose mail the relay has still to send: few at any time, found without a scan.
            try db.execute(
                sql: "CREATE INDEX notifications_queued ON notifications (id) WHERE status = 'QUEUED'")
        }
        return migrator
    }()
}
