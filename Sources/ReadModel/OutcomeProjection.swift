import Foundation
import GRDB

/// Writes outcomes into the read-model tables inside a transaction the caller opened.
///
/// Events are applied in order. Orders are keyed by the engine's order id: `accepted`
/// creates the row (side, type, price and quantity come from the command line when
/// there is one), trades add to `filled_qty` of both orders and mark an order `filled`
/// once its known quantity is reached, `canceled` / `expired` end it with their reason,
/// `amended` changes price and quantity, and a `rejected` event naming an order that was
/// `triggered` in the same outcome marks that conditional order `rejected` (other
/// rejections that name an order, such as a refused amend, leave it open).
struct OutcomeProjection {
    let db: Database
    private let decoder = JSONDecoder()

    init(db: Database) { self.db = db }

    /// The last sequence applied (0 for an empty store).
    static func lastSequence(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT last_sequence FROM meta WHERE id = 1") ?? 0)
    }

    static func setLastSequence(_ db: Database, _ sequence: UInt64) throws {
        try db.cachedStatement(sql: "UPDATE meta SET last_sequence = ? WHERE id = 1").execute(arguments: [Int64(sequence)])
    }

    /// Applies every outcome whose sequence is above the stored last sequence; returns how
    /// many were applied.
    func apply(_ outcomes: [ProjectedOutcome]) throws -> Int {
        var last = try Self.lastSequence(db)
        var applied = 0
        for o in outcomes where o.sequence > last {
            try project(o)
            last = o.sequence
            applied += 1
        }
        if applied > 0 { try Self.setLastSequence(db, last) }
        return applied
    }

    func exec(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Writes one margin-financing row (`FinancingRow`) into its table.
    func insert(_ row: FinancingRow) throws {
        let columns = row.columns
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try exec("INSERT INTO \(row.table) (\(columns.joined(separator: ", "))) VALUES (\(marks))",
                 StatementArguments(row.values.map { value -> (any DatabaseValueConvertible)? in
                     switch value {
                     case .int(let v): return v
                     case .text(let v): return v
                     }
                 }))
    }

    private func project(_ o: ProjectedOutcome) throws {
        let seq = Int64(o.sequence), ts = o.timestamp
        let command = o.commandLine.flatMap { try? decoder.decode(WireCommand.self, from: Data($0.utf8)) }
        var triggered: Set<Int64> = []
        for (idx, line) in o.eventLines.enumerated() {
            let e: WireEvent
            do { e = try decoder.decode(WireEvent.self, from: Data(line.utf8)) } catch {
                throw ReadModelError.malformedLine(sequence: o.sequence, line: line)
            }
            func need<T>(_ v: T?, _ field: String) throws -> T {
                guard let v else { throw ReadModelError.missingField(sequence: o.sequence, type: e.type, field: field) }
                return v
            }
            switch e.type {
            case "accountOpened":
                try exec("INSERT OR IGNORE INTO accounts (account, opened_seq, opened_ts) VALUES (?, ?, ?)",
                         [try need(e.account, "account"), seq, ts])
            case "accepted":
                let c = command?.type == "placeOrder" ? command : nil
                try exec("""
                    INSERT OR REPLACE INTO orders (order_id, account, symbol, side, order_type, time_in_force, client_order_id,
                        status, price, stop_price, qty, filled_qty, reduce_only, created_seq, created_ts, updated_seq, updated_ts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, '0', ?, ?, ?, ?, ?)
                    """,
                    [try need(e.orderId, "orderId"), try need(e.account, "account"), try need(e.symbol, "symbol"),
                     c?.side, c?.orderType, c?.timeInForce, e.clientOrderId, c?.price, c?.stopPrice, c?.qty,
                     c?.reduceOnly ?? false, seq, ts, seq, ts])
                try exec("""
                    UPDATE orders SET affiliated_market_maker = 1 WHERE order_id = ?
                      AND EXISTS (SELECT 1 FROM market_makers WHERE account = ? AND symbol = ?)
                    """, [try need(e.orderId, "orderId"), try need(e.account, "account"), try need(e.symbol, "symbol")])
            case "rejected":
                try exec("""
                    INSERT INTO rejections (seq, idx, ts, account, code, message, client_order_id, order_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [seq, idx, ts, e.account ?? command?.account, try need(e.code, "code"), e.message ?? "",
                     e.clientOrderId, e.orderId])
                if let id = e.orderId, triggered.contains(id) {
                    try exec("UPDATE orders SET status = 'rejected', reason = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                             [e.code, seq, ts, id])
                }
            case "trade":
                let qty = try need(e.qty, "qty")
                let maker = try need(e.makerOrderId, "makerOrderId"), taker = try need(e.takerOrderId, "takerOrderId")
                try exec("""
                    INSERT INTO trades (seq, idx, ts, symbol, price, qty, maker_order_id, taker_order_id, maker_account,
                        taker_account, taker_side, maker_fee, taker_fee)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [seq, idx, ts, try need(e.symbol, "symbol"), try need(e.price, "price"), qty, maker, taker,
                     try need(e.makerAccount, "makerAccount"), try need(e.takerAccount, "takerAccount"),
                     try need(e.takerSide, "takerSide"), try need(e.makerFee, "makerFee"), try need(e.takerFee, "takerFee")])
                try fill(order: maker, qty: qty, seq: seq, ts: ts, sequence: o.sequence)
                try fill(order: taker, qty: qty, seq: seq, ts: ts, sequence: o.sequence)
            case "canceled", "expired":
                try exec("UPDATE orders SET status = ?, reason = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                         [e.type, e.reason, seq, ts, try need(e.orderId, "orderId")])
            case "amended":
                try exec("UPDATE orders SET price = ?, qty = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                         [try need(e.price, "price"), try need(e.qty, "qty"), seq, ts, try need(e.orderId, "orderId")])
            case "triggered":
                let id = try need(e.orderId, "orderId")
                triggered.insert(id)
                try exec("UPDATE orders SET triggered_seq = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?", [seq, seq, ts, id])
            case "position":
                try exec("""
                    INSERT OR REPLACE INTO positions (account, symbol, size, entry_price, isolated_margin, updated_seq, updated_ts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [try need(e.account, "account"), try need(e.symbol, "symbol"), try need(e.size, "size"),
                     e.entryPrice ?? "0", e.isolatedMargin, seq, ts])
                try exec("""
                    INSERT OR REPLACE INTO position_history (account, symbol, seq, ts, size, entry_price, isolated_margin)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [e.account, e.symbol, seq, ts, e.size, e.entryPrice ?? "0", e.isolatedMargin])
            case "balance":
                let account = try need(e.account, "account"), asset = try need(e.asset, "asset"), amount = try need(e.amount, "amount")
                try exec("INSERT OR REPLACE INTO balances (account, asset, amount, updated_seq, updated_ts) VALUES (?, ?, ?, ?, ?)",
                         [account, asset, amount, seq, ts])
                try exec("INSERT OR REPLACE INTO balance_history (account, asset, seq, ts, amount) VALUES (?, ?, ?, ?, ?)",
                         [account, asset, seq, ts, amount])
            case "posting":
                let from = try need(e.from, "from"), to = try need(e.to, "to"), amountText = try need(e.amount, "amount")
                guard let amount = DecimalText(amountText) else { throw ReadModelError.malformedLine(sequence: o.sequence, line: line) }
                let after = try BookBalances(db: db).post(amount, from: from, to: to)
                try exec("""
                    INSERT INTO postings (seq, idx, ts, from_book, to_book, from_account, to_account, amount, reason,
                        from_balance_after, to_balance_after)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [seq, idx, ts, from, to, BookName.account(of: from), BookName.account(of: to),
                     amountText, try need(e.reason, "reason"), after.from.description, after.to.description])
                try trackInsuranceFund(from: from, to: to, amount: try need(e.amount, "amount"), reason: e.reason ?? "",
                                       seq: seq, idx: idx, ts: ts, sequence: o.sequence)
                for row in FinancingRow.loanPostings(from: from, to: to, amount: amount, reason: e.reason ?? "", fromAfter: after.from,
                                                     toAfter: after.to, seq: seq, idx: idx, ts: ts) { try insert(row) }
            case "markPrice":
                try exec("INSERT OR REPLACE INTO marks (symbol, seq, ts, price) VALUES (?, ?, ?, ?)",
                         [try need(e.symbol, "symbol"), seq, ts, try need(e.price, "price")])
            case "leverage":
                try exec("""
                    INSERT INTO settings (account, symbol, leverage, updated_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, symbol) DO UPDATE SET leverage = excluded.leverage, updated_seq = excluded.updated_seq
                    """, [try need(e.account, "account"), try need(e.symbol, "symbol"), try need(e.leverage, "leverage"), seq])
            case "marginMode":
                try exec("""
                    INSERT INTO settings (account, symbol, margin_mode, updated_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, symbol) DO UPDATE SET margin_mode = excluded.margin_mode, updated_seq = excluded.updated_seq
                    """, [try need(e.account, "account"), try need(e.symbol, "symbol"), try need(e.marginMode, "marginMode"), seq])
            case "funding":
                try exec("""
                    INSERT OR REPLACE INTO funding (symbol, funding_time, seq, ts, rate, premium, interest, mark, residue)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [try need(e.symbol, "symbol"), try need(e.fundingTime, "fundingTime"), seq, ts, try need(e.rate, "rate"),
                     e.premium ?? "", e.interest ?? "", try need(e.mark, "mark"), e.residue ?? "0"])
            case "marketMakerRegistered":
                try exec("INSERT OR IGNORE INTO market_makers (account, symbol, registered_seq) VALUES (?, ?, ?)",
                         [try need(e.account, "account"), try need(e.symbol, "symbol"), seq])
            case "instrumentStatus":
                try exec("INSERT OR REPLACE INTO instruments (symbol, status, updated_seq) VALUES (?, ?, ?)",
                         [try need(e.symbol, "symbol"), try need(e.status, "status"), seq])
            case "liquidation", "insurancePayout", "adl", "adlRank", "riskAlert", "stressTest", "riskMetrics":
                try projectRisk(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence)
            case "riskParametersSet":
                try exec("INSERT INTO risk_limits (\(RiskLimitRow.columns.joined(separator: ", "))) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         StatementArguments(try RiskLimitRow.values(e, seq: seq, ts: ts).map { value -> (any DatabaseValueConvertible)? in
                             switch value {
                             case .int(let v): return v
                             case .text(let v): return v
                             }
                         }))
            case let type where FinancingRow.eventTypes.contains(type):
                if let row = try FinancingRow.row(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence) { try insert(row) }
                if type == "controlBreach" { try projectRisk(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence) }
            default:
                break // an event type this version does not project (insuranceFund: the postings are the source)
            }
        }
    }

    /// Adds a fill to an order; it becomes `filled` when its known quantity is reached.
    private func fill(order id: Int64, qty: String, seq: Int64, ts: Int64, sequence: UInt64) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT qty, filled_qty FROM orders WHERE order_id = ?"),
                                         arguments: [id]) else { return }
        guard let q = DecimalText(qty), let already = DecimalText(row["filled_qty"] as String) else {
            throw ReadModelError.malformedLine(sequence: sequence, line: "trade qty \(qty) of order \(id)")
        }
        let filled = already + q
        let total = (row["qty"] as String?).flatMap(DecimalText.init)
        let done = total.map { filled >= $0 } ?? false
        try exec("""
            UPDATE orders SET filled_qty = ?, status = CASE WHEN ? THEN 'filled' ELSE status END,
                updated_seq = ?, updated_ts = ? WHERE order_id = ?
            """, [filled.description, done, seq, ts, id])
    }
}
