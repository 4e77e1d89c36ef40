import Logging
import PostgresNIO

/// The PostgreSQL schema of Harbour, as numbered migrations kept in the repository and
/// applied in order, each once, in one transaction under an advisory lock (two processes
/// starting at once do not both migrate); `schema_migrations` records what was applied.
///
/// The read-model tables mirror the SQLite store's (`ReadModelSchema`) column for column:
/// money, prices and sizes are TEXT holding the exact decimal strings of the events (never
/// a float; the projection's sums are `DecimalText` arithmetic, written back as the same
/// text the SQLite store writes); sequences, ids and millisecond timestamps are BIGINT. Indexes fit the
/// month-range reports (account and time) on top of SQLite's (docs/PERFORMANCE.md).
/// Migration 100 is the journal replica (`JournalReplica`), kept apart from the read models
/// so that `harbour rebuild` never touches it.
enum PostgresMigrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    /// Every read-model table (for `reset`), children first.
    static let readModelTables = [
        "accounts", "orders", "trades", "postings", "positions", "balances", "balance_history", "marks", "rejections",
        "settings", "instruments", "funding", "liquidations", "insurance_payouts", "adl_fills", "adl_ranks", "risk_alerts",
        "risk_alert_latest", "stress_tests", "stress_test_latest", "risk_metrics", "risk_metrics_latest", "insurance_fund",
        "book_balances", "market_makers", "position_history", "financing_events", "loan_postings", "loan_book_stress_tests",
        "risk_limits",
    ]

    static let all: [Migration] = [
        Migration(version: 1, name: "read-models", sql: """
            CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), last_sequence BIGINT NOT NULL);
            INSERT INTO meta (id, last_sequence) VALUES (1, 0);
            CREATE TABLE accounts (account TEXT PRIMARY KEY, opened_seq BIGINT NOT NULL, opened_ts BIGINT NOT NULL);
            CREATE TABLE orders (
                order_id BIGINT PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT, order_type TEXT,
                time_in_force TEXT, client_order_id TEXT,
                status TEXT NOT NULL CHECK (status IN ('open','filled','canceled','expired','rejected')),
                reason TEXT, price TEXT, stop_price TEXT, qty TEXT, filled_qty TEXT NOT NULL DEFAULT '0',
                reduce_only BOOLEAN NOT NULL DEFAULT FALSE, triggered_seq BIGINT,
                created_seq BIGINT NOT NULL, created_ts BIGINT NOT NULL, updated_seq BIGINT NOT NULL, updated_ts BIGINT NOT NULL,
                affiliated_market_maker BOOLEAN NOT NULL DEFAULT FALSE);
            CREATE INDEX orders_by_account ON orders (account, order_id);
            CREATE INDEX orders_by_account_symbol_status ON orders (account, symbol, status, order_id);
            CREATE INDEX orders_by_account_client_order_id ON orders (account, client_order_id, order_id);
            CREATE INDEX orders_by_account_created ON orders (account, created_ts);
            CREATE TABLE trades (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, symbol TEXT NOT NULL, price TEXT NOT NULL,
                qty TEXT NOT NULL, maker_order_id BIGINT NOT NULL, taker_order_id BIGINT NOT NULL, maker_account TEXT NOT NULL,
                taker_account TEXT NOT NULL, taker_side TEXT NOT NULL, maker_fee TEXT NOT NULL, taker_fee TEXT NOT NULL,
                PRIMARY KEY (seq, idx));
            CREATE INDEX trades_by_symbol ON trades (symbol, seq, idx);
            CREATE INDEX trades_by_maker ON trades (maker_account, seq, idx);
            CREATE INDEX trades_by_taker ON trades (taker_account, seq, idx);
            CREATE INDEX trades_by_maker_ts ON trades (maker_account, ts);
            CREATE INDEX trades_by_taker_ts ON trades (taker_account, ts);
            CREATE INDEX trades_by_ts ON trades (ts);
            CREATE TABLE postings (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, from_book TEXT NOT NULL, to_book TEXT NOT NULL,
                from_account TEXT, to_account TEXT, amount TEXT NOT NULL, reason TEXT NOT NULL,
                from_balance_after TEXT, to_balance_after TEXT, PRIMARY KEY (seq, idx));
            CREATE INDEX postings_from_account ON postings (from_account, seq, idx);
            CREATE INDEX postings_to_account ON postings (to_account, seq, idx);
            CREATE INDEX postings_from_account_ts ON postings (from_account, ts);
            CREATE INDEX postings_to_account_ts ON postings (to_account, ts);
            CREATE TABLE positions (
                account TEXT NOT NULL, symbol TEXT NOT NULL, size TEXT NOT NULL, entry_price TEXT NOT NULL, isolated_margin TEXT,
                updated_seq BIGINT NOT NULL, updated_ts BIGINT NOT NULL, PRIMARY KEY (account, symbol));
            CREATE TABLE balances (
                account TEXT NOT NULL, asset TEXT NOT NULL, amount TEXT NOT NULL, updated_seq BIGINT NOT NULL,
                updated_ts BIGINT NOT NULL, PRIMARY KEY (account, asset));
            CREATE TABLE balance_history (
                account TEXT NOT NULL, asset TEXT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, amount TEXT NOT NULL,
                PRIMARY KEY (account, asset, seq));
            CREATE INDEX balance_history_by_ts ON balance_history (account, asset, ts, seq);
            CREATE TABLE marks (symbol TEXT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, price TEXT NOT NULL,
                                PRIMARY KEY (symbol, seq));
            CREATE TABLE rejections (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, account TEXT, code TEXT NOT NULL,
                message TEXT NOT NULL, client_order_id TEXT, order_id BIGINT, PRIMARY KEY (seq, idx));
            CREATE INDEX rejections_by_account ON rejections (account, seq);
            CREATE TABLE settings (account TEXT NOT NULL, symbol TEXT NOT NULL, leverage TEXT, margin_mode TEXT,
                                   updated_seq BIGINT NOT NULL, PRIMARY KEY (account, symbol));
            CREATE TABLE instruments (symbol TEXT PRIMARY KEY, status TEXT NOT NULL, updated_seq BIGINT NOT NULL);
            CREATE TABLE funding (
                symbol TEXT NOT NULL, funding_time BIGINT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL,
                rate TEXT NOT NULL, premium TEXT NOT NULL, interest TEXT NOT NULL, mark TEXT NOT NULL, residue TEXT NOT NULL,
                PRIMARY KEY (symbol, funding_time));
            CREATE TABLE liquidations (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, account TEXT NOT NULL, symbol TEXT NOT NULL,
                size TEXT NOT NULL, mark_price TEXT NOT NULL, equity TEXT NOT NULL, maintenance_margin TEXT NOT NULL,
                stage TEXT NOT NULL CHECK (stage IN ('partial','full')), PRIMARY KEY (seq, idx));
            CREATE INDEX liquidations_by_account ON liquidations (account, seq, idx);
            CREATE TABLE insurance_payouts (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, account TEXT NOT NULL, amount TEXT NOT NULL,
                PRIMARY KEY (seq, idx));
            CREATE INDEX insurance_payouts_by_account ON insurance_payouts (account, seq, idx);
            CREATE TABLE adl_fills (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, account TEXT NOT NULL, counterparty TEXT NOT NULL,
                symbol TEXT NOT NULL, qty TEXT NOT NULL, price TEXT NOT NULL, PRIMARY KEY (seq, idx));
            CREATE INDEX adl_fills_by_account ON adl_fills (account, seq, idx);
            CREATE INDEX adl_fills_by_counterparty ON adl_fills (counterparty, seq, idx);
            CREATE TABLE adl_ranks (account TEXT NOT NULL, symbol TEXT NOT NULL, rank BIGINT NOT NULL,
                                    updated_seq BIGINT NOT NULL, updated_ts BIGINT NOT NULL, PRIMARY KEY (account, symbol));
            CREATE TABLE risk_alerts (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, alert_key TEXT NOT NULL, kind TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('raised','cleared')), symbol TEXT, account TEXT, threshold TEXT NOT NULL,
                value TEXT NOT NULL, volatility TEXT, margin_add_on TEXT, samples BIGINT, position TEXT, open_interest TEXT,
                cap TEXT, scenario TEXT, shortfall TEXT, insurance_fund TEXT, accounts_in_shortfall BIGINT,
                PRIMARY KEY (seq, idx));
            CREATE INDEX risk_alerts_by_kind ON risk_alerts (kind, seq, idx);
            CREATE INDEX risk_alerts_by_symbol ON risk_alerts (symbol, seq, idx);
            CREATE TABLE risk_alert_latest (alert_key TEXT PRIMARY KEY, seq BIGINT NOT NULL, idx INTEGER NOT NULL,
                                            state TEXT NOT NULL);
            CREATE INDEX risk_alert_latest_by_state ON risk_alert_latest (state, seq, idx);
            CREATE TABLE stress_tests (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, scenario TEXT NOT NULL, shortfall TEXT NOT NULL,
                insurance_fund TEXT NOT NULL, uncovered TEXT NOT NULL, accounts_in_shortfall BIGINT NOT NULL,
                PRIMARY KEY (seq, idx));
            CREATE INDEX stress_tests_by_scenario ON stress_tests (scenario, seq, idx);
            CREATE TABLE stress_test_latest (scenario TEXT PRIMARY KEY, seq BIGINT NOT NULL, idx INTEGER NOT NULL);
            CREATE TABLE risk_metrics (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, symbol TEXT NOT NULL, volatility TEXT NOT NULL,
                margin_add_on TEXT NOT NULL, open_interest TEXT NOT NULL, samples BIGINT NOT NULL, PRIMARY KEY (seq, idx));
            CREATE INDEX risk_metrics_by_symbol ON risk_metrics (symbol, seq, idx);
            CREATE TABLE risk_metrics_latest (symbol TEXT PRIMARY KEY, seq BIGINT NOT NULL, idx INTEGER NOT NULL);
            CREATE TABLE insurance_fund (
                asset TEXT NOT NULL, seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, change TEXT NOT NULL,
                balance TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (asset, seq, idx));
            CREATE TABLE book_balances (book TEXT PRIMARY KEY, balance TEXT NOT NULL);
            CREATE TABLE market_makers (account TEXT NOT NULL, symbol TEXT NOT NULL, registered_seq BIGINT NOT NULL,
                                        PRIMARY KEY (account, symbol));
            """),
        // REG-3: positions as of the end of a business day (SQLite "v6-position-history").
        Migration(version: 2, name: "position-history", sql: """
            CREATE TABLE position_history (
                account TEXT NOT NULL, symbol TEXT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, size TEXT NOT NULL,
                entry_price TEXT NOT NULL, isolated_margin TEXT, PRIMARY KEY (account, symbol, seq));
            INSERT INTO position_history (account, symbol, seq, ts, size, entry_price, isolated_margin)
                SELECT account, symbol, updated_seq, updated_ts, size, entry_price, isolated_margin FROM positions;
            """),
        // REG-3 margin-financing report (SQLite "v7-margin-financing"; rows from `FinancingRow`).
        Migration(version: 3, name: "margin-financing", sql: """
            CREATE TABLE financing_events (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, type TEXT NOT NULL,
                loan BIGINT, account TEXT, kind TEXT, asset TEXT, qty TEXT, amount TEXT, balance TEXT, interest TEXT,
                margin_value TEXT, owed TEXT, price TEXT, deadline BIGINT, order_id BIGINT, filled TEXT, proceeds TEXT,
                code TEXT, subject TEXT, message TEXT, state TEXT, PRIMARY KEY (seq, idx));
            CREATE INDEX financing_events_by_ts ON financing_events (ts, seq, idx);
            CREATE INDEX financing_events_by_loan ON financing_events (loan, seq, idx);
            CREATE TABLE loan_postings (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, loan BIGINT NOT NULL,
                book TEXT NOT NULL CHECK (book IN ('principal','interest','collateral')), asset TEXT NOT NULL, reason TEXT NOT NULL,
                change TEXT NOT NULL, balance_after TEXT NOT NULL, PRIMARY KEY (seq, idx, book));
            CREATE INDEX loan_postings_by_loan ON loan_postings (loan, book, asset, seq, idx);
            CREATE INDEX loan_postings_by_ts ON loan_postings (ts, seq, idx);
            CREATE TABLE loan_book_stress_tests (
                seq BIGINT NOT NULL, idx INTEGER NOT NULL, ts BIGINT NOT NULL, scenario TEXT NOT NULL,
                clients BIGINT NOT NULL, loans_under_water BIGINT NOT NULL, margin_shortfall TEXT NOT NULL,
                uncovered_loss TEXT NOT NULL, capital TEXT, capital_at_risk_share TEXT, shortfall_share_of_capital TEXT,
                PRIMARY KEY (seq, idx));
            """),
        // FIN-3 control breaches in the risk alert history (SQLite "v8-financing-alerts").
        Migration(version: 4, name: "financing-alerts", sql: """
            ALTER TABLE risk_alerts ADD COLUMN code TEXT, ADD COLUMN subject TEXT, ADD COLUMN message TEXT;
            """),
        // A perpetual's risk-limit versions (SQLite "v9-risk-limits"; rows from `RiskLimitRow`).
        Migration(version: 5, name: "risk-limits", sql: """
            CREATE TABLE risk_limits (
                symbol TEXT NOT NULL, version BIGINT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL,
                max_leverage BIGINT NOT NULL, position_limit TEXT NOT NULL, open_interest_cap TEXT NOT NULL, tiers TEXT NOT NULL,
                PRIMARY KEY (symbol, version));
            """),
        Migration(version: 100, name: "journal-replica", sql: """
            CREATE TABLE journal_records (
                seq BIGINT PRIMARY KEY CHECK (seq >= 1),
                ts BIGINT NOT NULL,
                payload BYTEA NOT NULL,
                crc BIGINT NOT NULL CHECK (crc >= 0 AND crc <= 4294967295),
                audit_hash TEXT NOT NULL CHECK (length(audit_hash) = 64),
                copied_at TIMESTAMPTZ NOT NULL DEFAULT now());
            """),
    ]

    /// Creates the schema if needed and applies every migration not yet applied.
    static func migrate(_ session: PostgresSession) async throws {
        let schema = session.url.schema
        try await session.transaction { c in
            _ = try await PostgresSession.rows(c, "SELECT pg_advisory_xact_lock(hashtext(?))", [.text("harbour:" + schema)],
                                               logger: session.logger)
            // `schema` is a checked plain identifier (PostgresURL), so it can be written in.
            try await PostgresSession.execute("CREATE SCHEMA IF NOT EXISTS \(schema)", on: c, logger: session.logger)
            try await PostgresSession.execute("""
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, on: c, logger: session.logger)
            var applied: Set<Int> = []
            for row in try await PostgresSession.rows(c, "SELECT version FROM schema_migrations", logger: session.logger) {
                applied.insert(Int(try row.decode(Int32.self)))
            }
            for m in all where !applied.contains(m.version) {
                var script = SQLScript()
                script.addWritten("SET LOCAL search_path TO \(schema)")
                script.addWritten(m.sql)
                try await PostgresSession.run(script, on: c, logger: session.logger)
                _ = try await PostgresSession.rows(c, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                                                   [.int(Int64(m.version)), .text(m.name)], logger: session.logger)
            }
        }
    }
}
