import GRDB

/// The SQLite schema of the read models, as GRDB migrations. Money, prices and sizes are
/// TEXT holding plain decimal strings exactly as the events carry them — never REAL.
/// Sequence numbers, order ids and millisecond timestamps are INTEGER.
enum ReadModelSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_sequence INTEGER NOT NULL
                );
                INSERT INTO meta (id, last_sequence) VALUES (1, 0);

                CREATE TABLE accounts (
                    account TEXT PRIMARY KEY,
                    opened_seq INTEGER NOT NULL,
                    opened_ts INTEGER NOT NULL
                );

                CREATE TABLE orders (
                    order_id INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    side TEXT,
                    order_type TEXT,
                    time_in_force TEXT,
                    client_order_id TEXT,
                    status TEXT NOT NULL CHECK (status IN ('open','filled','canceled','expired','rejected')),
                    reason TEXT,
                    price TEXT,
                    stop_price TEXT,
                    qty TEXT,
                    filled_qty TEXT NOT NULL DEFAULT '0',
                    reduce_only INTEGER NOT NULL DEFAULT 0,
                    triggered_seq INTEGER,
                    created_seq INTEGER NOT NULL,
                    created_ts INTEGER NOT NULL,
                    updated_seq INTEGER NOT NULL,
                    updated_ts INTEGER NOT NULL
                );
                CREATE INDEX orders_by_account ON orders (account, order_id);
                CREATE INDEX orders_by_account_symbol_status ON orders (account, symbol, status, order_id);

                CREATE TABLE trades (
                    seq INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    symbol TEXT NOT NULL,
                    price TEXT NOT NULL,
                    qty TEXT NOT NULL,
                    maker_order_id INTEGER NOT NULL,
                    taker_order_id INTEGER NOT NULL,
                    maker_account TEXT NOT NULL,
                    taker_account TEXT NOT NULL,
                    taker_side TEXT NOT NULL,
                    maker_fee TEXT NOT NULL,
                    taker_fee TEXT NOT NULL,
                    PRIMARY KEY (seq, idx)
                ) WITHOUT ROWID;
                CREATE INDEX trades_by_symbol ON trades (symbol, seq, idx);
                CREATE INDEX trades_by_maker ON trades (maker_account, seq, idx);
                CREATE INDEX trades_by_taker ON trades (taker_account, seq, idx);
                CREATE INDEX trades_by_ts ON trades (ts);

                CREATE TABLE postings (
                    seq INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    from_book TEXT NOT NULL,
                    to_book TEXT NOT NULL,
                    from_account TEXT,
                    to_account TEXT,
                    amount TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (seq, idx)
                ) WITHOUT ROWID;
                CREATE INDEX postings_from_account ON postings (from_account, seq, idx);
                CREATE INDEX postings_to_account ON postings (to_account, seq, idx);

                CREATE TABLE positions (
                    account TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    size TEXT NOT NULL,
                    entry_price TEXT NOT NULL,
                    isolated_margin TEXT,
                    updated_seq INTEGER NOT NULL,
                    updated_ts INTEGER NOT NULL,
                    PRIMARY KEY (account, symbol)
                ) WITHOUT ROWID;

                CREATE TABLE balances (
                    account TEXT NOT NULL,
                    asset TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    updated_seq INTEGER NOT NULL,
                    updated_ts INTEGER NOT NULL,
                    PRIMARY KEY (account, asset)
                ) WITHOUT ROWID;

                CREATE TABLE balance_history (
                    account TEXT NOT NULL,
                    asset TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    amount TEXT NOT NULL,
                    PRIMARY KEY (account, asset, seq)
                ) WITHOUT ROWID;
                CREATE INDEX balance_history_by_ts ON balance_history (account, asset, ts, seq);

                CREATE TABLE marks (
                    symbol TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    price TEXT NOT NULL,
                    PRIMARY KEY (symbol, seq)
                ) WITHOUT ROWID;

                CREATE TABLE rejections (
                    seq INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    account TEXT,
                    code TEXT NOT NULL,
                    message TEXT NOT NULL,
                    client_order_id TEXT,
                    order_id INTEGER,
                    PRIMARY KEY (seq, idx)
                ) WITHOUT ROWID;
                CREATE INDEX rejections_by_account ON rejections (account, seq);

                CREATE TABLE settings (
                    account TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    leverage TEXT,
                    margin_mode TEXT,
                    updated_seq INTEGER NOT NULL,
                    PRIMARY KEY (account, symbol)
                ) WITHOUT ROWID;

                CREATE TABLE instruments (
                    symbol TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    updated_seq INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v2-funding") { db in
            // Settled funding per instrument (PRICE-3); payments are postings (reason funding).
            try db.execute(sql: """
                CREATE TABLE funding (
                    symbol TEXT NOT NULL, funding_time INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
                    rate TEXT NOT NULL, premium TEXT NOT NULL, interest TEXT NOT NULL, mark TEXT NOT NULL, residue TEXT NOT NULL,
                    PRIMARY KEY (symbol, funding_time))
                """)
        }
        m.registerMigration("v3-risk") { db in
            // Liquidation waterfall (RISK-4) and platform risk monitoring (RISK-6). History
            // tables are keyed by (seq, idx) like trades; "latest" tables point at the newest
            // history row per key so current state is one indexed join.
            try db.execute(sql: """
                CREATE TABLE liquidations (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    account TEXT NOT NULL, symbol TEXT NOT NULL, size TEXT NOT NULL, mark_price TEXT NOT NULL,
                    equity TEXT NOT NULL, maintenance_margin TEXT NOT NULL,
                    stage TEXT NOT NULL CHECK (stage IN ('partial','full')),
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX liquidations_by_account ON liquidations (account, seq, idx);

                CREATE TABLE insurance_payouts (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    account TEXT NOT NULL, amount TEXT NOT NULL,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX insurance_payouts_by_account ON insurance_payouts (account, seq, idx);

                CREATE TABLE adl_fills (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    account TEXT NOT NULL, counterparty TEXT NOT NULL, symbol TEXT NOT NULL,
                    qty TEXT NOT NULL, price TEXT NOT NULL,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX adl_fills_by_account ON adl_fills (account, seq, idx);
                CREATE INDEX adl_fills_by_counterparty ON adl_fills (counterparty, seq, idx);

                CREATE TABLE adl_ranks (
                    account TEXT NOT NULL, symbol TEXT NOT NULL,
                    rank INTEGER NOT NULL, -- 1...5 today; not CHECKed so a new value never blocks an outcome
                    updated_seq INTEGER NOT NULL, updated_ts INTEGER NOT NULL,
                    PRIMARY KEY (account, symbol)) WITHOUT ROWID;

                CREATE TABLE risk_alerts (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    alert_key TEXT NOT NULL, kind TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('raised','cleared')),
                    symbol TEXT, account TEXT, threshold TEXT NOT NULL, value TEXT NOT NULL,
                    volatility TEXT, margin_add_on TEXT, samples INTEGER, position TEXT, open_interest TEXT, cap TEXT,
                    scenario TEXT, shortfall TEXT, insurance_fund TEXT, accounts_in_shortfall INTEGER,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX risk_alerts_by_kind ON risk_alerts (kind, seq, idx);
                CREATE INDEX risk_alerts_by_symbol ON risk_alerts (symbol, seq, idx);
                CREATE TABLE risk_alert_latest (
                    alert_key TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL, state TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX risk_alert_latest_by_state ON risk_alert_latest (state, seq, idx);

                CREATE TABLE stress_tests (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    scenario TEXT NOT NULL, shortfall TEXT NOT NULL, insurance_fund TEXT NOT NULL,
                    uncovered TEXT NOT NULL, accounts_in_shortfall INTEGER NOT NULL,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX stress_tests_by_scenario ON stress_tests (scenario, seq, idx);
                CREATE TABLE stress_test_latest (
                    scenario TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE risk_metrics (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    symbol TEXT NOT NULL, volatility TEXT NOT NULL, margin_add_on TEXT NOT NULL,
                    open_interest TEXT NOT NULL, samples INTEGER NOT NULL,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX risk_metrics_by_symbol ON risk_metrics (symbol, seq, idx);
                CREATE TABLE risk_metrics_latest (
                    symbol TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE insurance_fund (
                    asset TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL,
                    change TEXT NOT NULL, balance TEXT NOT NULL, reason TEXT NOT NULL,
                    PRIMARY KEY (asset, seq, idx)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v4-lookups-and-running-balances") { db in
            // One order by client order id (the /fapi order query) is an indexed lookup;
            // by order id it is the primary key.
            try db.execute(sql: "CREATE INDEX orders_by_account_client_order_id ON orders (account, client_order_id, order_id)")
            // The balance of each side's book after each posting (GET /v1/ledger balanceAfter),
            // and the current balance of every book so the projector can carry it forward.
            try db.execute(sql: """
                ALTER TABLE postings ADD COLUMN from_balance_after TEXT;
                ALTER TABLE postings ADD COLUMN to_balance_after TEXT;
                CREATE TABLE book_balances (book TEXT PRIMARY KEY, balance TEXT NOT NULL) WITHOUT ROWID;
                """)
            try BookBalances.backfill(db)
        }
        m.registerMigration("v5-affiliated-market-makers") { db in
            // MM-1: the venue's records flag an affiliated market maker's orders (from its
            // registration on); clients never see the flag of anyone else's order.
            try db.execute(sql: """
                CREATE TABLE market_makers (account TEXT NOT NULL, symbol TEXT NOT NULL, registered_seq INTEGER NOT NULL,
                                            PRIMARY KEY (account, symbol)) WITHOUT ROWID;
                ALTER TABLE orders ADD COLUMN affiliated_market_maker INTEGER NOT NULL DEFAULT 0;
                """)
        }
        m.registerMigration("v6-position-history") { db in
            // REG-3: positions as they stood at the end of a business day (the positions and
            // large-exposures reports), one row per account, symbol and command that changed it,
            // like balance_history. A store created before this starts the history from its
            // current positions.
            try db.execute(sql: """
                CREATE TABLE position_history (
                    account TEXT NOT NULL, symbol TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
                    size TEXT NOT NULL, entry_price TEXT NOT NULL, isolated_margin TEXT,
                    PRIMARY KEY (account, symbol, seq)) WITHOUT ROWID;
                INSERT INTO position_history (account, symbol, seq, ts, size, entry_price, isolated_margin)
                    SELECT account, symbol, updated_seq, updated_ts, size, entry_price, isolated_margin FROM positions;
                """)
        }
        m.registerMigration("v7-margin-financing") { db in
            // REG-3 margin-financing report (FIN-3..6): the loan-book events, the postings of
            // the loans' principal and interest books, the loan-book stress tests (`FinancingRow`).
            // A store created before this starts the history at the migration.
            try db.execute(sql: """
                CREATE TABLE financing_events (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL, type TEXT NOT NULL,
                    loan INTEGER, account TEXT, kind TEXT, asset TEXT, qty TEXT, amount TEXT, balance TEXT, interest TEXT,
                    margin_value TEXT, owed TEXT, price TEXT, deadline INTEGER, order_id INTEGER, filled TEXT, proceeds TEXT,
                    code TEXT, subject TEXT, message TEXT, state TEXT,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                CREATE INDEX financing_events_by_ts ON financing_events (ts, seq, idx);
                CREATE INDEX financing_events_by_loan ON financing_events (loan, seq, idx);
                CREATE TABLE loan_postings (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL, loan INTEGER NOT NULL,
                    book TEXT NOT NULL CHECK (book IN ('principal','interest','collateral')), asset TEXT NOT NULL, reason TEXT NOT NULL,
                    change TEXT NOT NULL, balance_after TEXT NOT NULL,
                    PRIMARY KEY (seq, idx, book)) WITHOUT ROWID;
                CREATE INDEX loan_postings_by_loan ON loan_postings (loan, book, asset, seq, idx);
                CREATE INDEX loan_postings_by_ts ON loan_postings (ts, seq, idx);
                CREATE TABLE loan_book_stress_tests (
                    seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL, scenario TEXT NOT NULL,
                    clients INTEGER NOT NULL, loans_under_water INTEGER NOT NULL, margin_shortfall TEXT NOT NULL,
                    uncovered_loss TEXT NOT NULL, capital TEXT, capital_at_risk_share TEXT, shortfall_share_of_capital TEXT,
                    PRIMARY KEY (seq, idx)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v8-financing-alerts") { db in
            // FIN-3 control breaches are rows of the risk alert history (kind financingControl):
            // the breached control's code, its subject and the engine's message. A store created
            // before this lists the breaches from the migration on (a rebuild gives them all).
            try db.execute(sql: """
                ALTER TABLE risk_alerts ADD COLUMN code TEXT;
                ALTER TABLE risk_alerts ADD COLUMN subject TEXT;
                ALTER TABLE risk_alerts ADD COLUMN message TEXT;
                """)
        }
        m.registerMigration("v9-risk-limits") { db in
            // A perpetual's risk-limit versions (PERP-1), so the positions report measures
            // maintenance with the tiers in force at the day's end (`RiskLimitRow`).
            try db.execute(sql: """
                CREATE TABLE risk_limits (
                    symbol TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
                    max_leverage INTEGER NOT NULL, position_limit TEXT NOT NULL, open_interest_cap TEXT NOT NULL, tiers TEXT NOT NULL,
                    PRIMARY KEY (symbol, version)) WITHOUT ROWID;
                """)
        }
        return m
    }
}
