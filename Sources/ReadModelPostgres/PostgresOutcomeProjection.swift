import Foundation
import ReadModel

/// Writes outcomes into the PostgreSQL read-model tables as one script of statements
/// (`SQLScript`), the same rows the SQLite projection (`ReadModel.OutcomeProjection`)
/// writes for the same outcomes — the read-model tests compare the two stores query by query.
///
/// Everything the SQLite projection reads back while it projects (an order's filled
/// quantity, a book's running balance, the insurance fund's last balance) is read by the
/// statements themselves, so a batch needs no round trip per event: sums are NUMERIC in
/// SQL, trimmed of trailing fractional zeros (`trim_scale`) so the text is exactly what
/// `DecimalText` writes. Amounts that arithmetic uses are checked to be decimals first, so
/// a bad event fails with the same `ReadModelError` as on SQLite.
struct PostgresOutcomeProjection {
    private let decoder = JSONDecoder()
    var script = SQLScript()

    /// A decimal as NUMERIC arithmetic writes it back as text (same as `DecimalText.description`).
    static func trimmed(_ expression: String) -> String { "trim_scale(\(expression))::text" }

    mutating func add(_ sql: String, _ values: [SQLValue]) throws { try script.add(sql, values) }

    /// Adds the statements for one outcome.
    mutating func project(_ o: ProjectedOutcome) throws {
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
            func decimal(_ text: String) throws -> DecimalText {
                guard let v = DecimalText(text) else { throw ReadModelError.malformedLine(sequence: o.sequence, line: line) }
                return v
            }
            let i = SQLValue.int(Int64(idx))
            switch e.type {
            case "accountOpened":
                try add("INSERT INTO accounts (account, opened_seq, opened_ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [.text(try need(e.account, "account")), .int(seq), .int(ts)])
            case "accepted":
                let c = command?.type == "placeOrder" ? command : nil
                let id = try need(e.orderId, "orderId"), account = try need(e.account, "account"), symbol = try need(e.symbol, "symbol")
                // INSERT OR REPLACE: a replaced row starts over, as on SQLite.
                try add("""
                    INSERT INTO orders (order_id, account, symbol, side, order_type, time_in_force, client_order_id,
                        status, price, stop_price, qty, filled_qty, reduce_only, created_seq, created_ts, updated_seq, updated_ts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, '0', ?, ?, ?, ?, ?)
                    ON CONFLICT (order_id) DO UPDATE SET account = excluded.account, symbol = excluded.symbol,
                        side = excluded.side, order_type = excluded.order_type, time_in_force = excluded.time_in_force,
                        client_order_id = excluded.client_order_id, status = 'open', reason = NULL, price = excluded.price,
                        stop_price = excluded.stop_price, qty = excluded.qty, filled_qty = '0', reduce_only = excluded.reduce_only,
                        triggered_seq = NULL, created_seq = excluded.created_seq, created_ts = excluded.created_ts,
                        updated_seq = excluded.updated_seq, updated_ts = excluded.updated_ts, affiliated_market_maker = FALSE
                    """,
                    [.int(id), .text(account), .text(symbol), .t(c?.side), .t(c?.orderType), .t(c?.timeInForce),
                     .t(e.clientOrderId), .t(c?.price), .t(c?.stopPrice), .t(c?.qty), .bool(c?.reduceOnly ?? false),
                     .int(seq), .int(ts), .int(seq), .int(ts)])
                try add("""
                    UPDATE orders SET affiliated_market_maker = TRUE WHERE order_id = ?
                      AND EXISTS (SELECT 1 FROM market_makers WHERE account = ? AND symbol = ?)
                    """, [.int(id), .text(account), .text(symbol)])
            case "rejected":
                try add("""
                    INSERT INTO rejections (seq, idx, ts, account, code, message, client_order_id, order_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.int(seq), i, .int(ts), .t(e.account ?? command?.account), .text(try need(e.code, "code")),
                     .text(e.message ?? ""), .t(e.clientOrderId), .i(e.orderId)])
                if let id = e.orderId, triggered.contains(id) {
                    try add("UPDATE orders SET status = 'rejected', reason = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                            [.t(e.code), .int(seq), .int(ts), .int(id)])
                }
            case "trade":
                let qty = try need(e.qty, "qty")
                _ = try decimal(qty)
                let maker = try need(e.makerOrderId, "makerOrderId"), taker = try need(e.takerOrderId, "takerOrderId")
                try add("""
                    INSERT INTO trades (seq, idx, ts, symbol, price, qty, maker_order_id, taker_order_id, maker_account,
                        taker_account, taker_side, maker_fee, taker_fee)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.int(seq), i, .int(ts), .text(try need(e.symbol, "symbol")), .text(try need(e.price, "price")), .text(qty),
                     .int(maker), .int(taker), .text(try need(e.makerAccount, "makerAccount")),
                     .text(try need(e.takerAccount, "takerAccount")), .text(try need(e.takerSide, "takerSide")),
                     .text(try need(e.makerFee, "makerFee")), .text(try need(e.takerFee, "takerFee"))])
                for order in [maker, taker] {
                    // An order becomes filled once its known quantity is reached (none known: stays as it is).
                    try add("""
                        UPDATE orders SET filled_qty = \(Self.trimmed("filled_qty::numeric + ?::numeric")),
                            status = CASE WHEN qty IS NOT NULL AND filled_qty::numeric + ?::numeric >= qty::numeric
                                          THEN 'filled' ELSE status END,
                            updated_seq = ?, updated_ts = ? WHERE order_id = ?
                        """, [.text(qty), .text(qty), .int(seq), .int(ts), .int(order)])
                }
            case "canceled", "expired":
                try add("UPDATE orders SET status = ?, reason = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                        [.text(e.type), .t(e.reason), .int(seq), .int(ts), .int(try need(e.orderId, "orderId"))])
            case "amended":
                try add("UPDATE orders SET price = ?, qty = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                        [.text(try need(e.price, "price")), .text(try need(e.qty, "qty")), .int(seq), .int(ts),
                         .int(try need(e.orderId, "orderId"))])
            case "triggered":
                let id = try need(e.orderId, "orderId")
                triggered.insert(id)
                try add("UPDATE orders SET triggered_seq = ?, updated_seq = ?, updated_ts = ? WHERE order_id = ?",
                        [.int(seq), .int(seq), .int(ts), .int(id)])
            case "position":
                try add("""
                    INSERT INTO positions (account, symbol, size, entry_price, isolated_margin, updated_seq, updated_ts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account, symbol) DO UPDATE SET size = excluded.size, entry_price = excluded.entry_price,
                        isolated_margin = excluded.isolated_margin, updated_seq = excluded.updated_seq, updated_ts = excluded.updated_ts
                    """,
                    [.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")), .text(try need(e.size, "size")),
                     .text(e.entryPrice ?? "0"), .t(e.isolatedMargin), .int(seq), .int(ts)])
            case "balance":
                let account = try need(e.account, "account"), asset = try need(e.asset, "asset"), amount = try need(e.amount, "amount")
                try add("""
                    INSERT INTO balances (account, asset, amount, updated_seq, updated_ts) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, asset) DO UPDATE SET amount = excluded.amount, updated_seq = excluded.updated_seq,
                        updated_ts = excluded.updated_ts
                    """, [.text(account), .text(asset), .text(amount), .int(seq), .int(ts)])
                try add("""
                    INSERT INTO balance_history (account, asset, seq, ts, amount) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, asset, seq) DO UPDATE SET ts = excluded.ts, amount = excluded.amount
                    """, [.text(account), .text(asset), .int(seq), .int(ts), .text(amount)])
            case "posting":
                let from = try need(e.from, "from"), to = try need(e.to, "to"), amountText = try need(e.amount, "amount")
                let amount = try decimal(amountText)
                let reason = try need(e.reason, "reason")
                // The books' running balances (`BookBalances`): out of `from`, record it, into `to`, record it.
                try add("""
                    INSERT INTO book_balances (book, balance) VALUES (?, \(Self.trimmed("0 - ?::numeric")))
                    ON CONFLICT (book) DO UPDATE SET balance = \(Self.trimmed("book_balances.balance::numeric - ?::numeric"))
                    """, [.text(from), .text(amountText), .text(amountText)])
                try add("""
                    INSERT INTO postings (seq, idx, ts, from_book, to_book, from_account, to_account, amount, reason,
                        from_balance_after, to_balance_after)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT balance FROM book_balances WHERE book = ?), NULL)
                    """,
                    [.int(seq), i, .int(ts), .text(from), .text(to), .t(BookName.account(of: from)), .t(BookName.account(of: to)),
                     .text(amountText), .text(reason), .text(from)])
                try add("""
                    INSERT INTO book_balances (book, balance) VALUES (?, \(Self.trimmed("0 + ?::numeric")))
                    ON CONFLICT (book) DO UPDATE SET balance = \(Self.trimmed("book_balances.balance::numeric + ?::numeric"))
                    """, [.text(to), .text(amountText), .text(amountText)])
                try add("UPDATE postings SET to_balance_after = (SELECT balance FROM book_balances WHERE book = ?) WHERE seq = ? AND idx = ?",
                        [.text(to), .int(seq), i])
                try trackInsuranceFund(from: from, to: to, amount: amount, reason: e.reason ?? "", seq: seq, idx: idx, ts: ts)
            case "markPrice":
                try add("""
                    INSERT INTO marks (symbol, seq, ts, price) VALUES (?, ?, ?, ?)
                    ON CONFLICT (symbol, seq) DO UPDATE SET ts = excluded.ts, price = excluded.price
                    """, [.text(try need(e.symbol, "symbol")), .int(seq), .int(ts), .text(try need(e.price, "price"))])
            case "leverage":
                try add("""
                    INSERT INTO settings (account, symbol, leverage, updated_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, symbol) DO UPDATE SET leverage = excluded.leverage, updated_seq = excluded.updated_seq
                    """, [.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")),
                          .text(try need(e.leverage, "leverage")), .int(seq)])
            case "marginMode":
                try add("""
                    INSERT INTO settings (account, symbol, margin_mode, updated_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account, symbol) DO UPDATE SET margin_mode = excluded.margin_mode, updated_seq = excluded.updated_seq
                    """, [.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")),
                          .text(try need(e.marginMode, "marginMode")), .int(seq)])
            case "funding":
                try add("""
                    INSERT INTO funding (symbol, funding_time, seq, ts, rate, premium, interest, mark, residue)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (symbol, funding_time) DO UPDATE SET seq = excluded.seq, ts = excluded.ts, rate = excluded.rate,
                        premium = excluded.premium, interest = excluded.interest, mark = excluded.mark, residue = excluded.residue
                    """,
                    [.text(try need(e.symbol, "symbol")), .int(try need(e.fundingTime, "fundingTime")), .int(seq), .int(ts),
                     .text(try need(e.rate, "rate")), .text(e.premium ?? ""), .text(e.interest ?? ""), .text(try need(e.mark, "mark")),
                     .text(e.residue ?? "0")])
            case "marketMakerRegistered":
                try add("INSERT INTO market_makers (account, symbol, registered_seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        [.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")), .int(seq)])
            case "instrumentStatus":
                try add("""
                    INSERT INTO instruments (symbol, status, updated_seq) VALUES (?, ?, ?)
                    ON CONFLICT (symbol) DO UPDATE SET status = excluded.status, updated_seq = excluded.updated_seq
                    """, [.text(try need(e.symbol, "symbol")), .text(try need(e.status, "status")), .int(seq)])
            case "liquidation", "insurancePayout", "adl", "adlRank", "riskAlert", "stressTest", "riskMetrics":
                try projectRisk(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence)
            default:
                break // an event type this version does not project (as on SQLite)
            }
        }
    }

    /// A posting into or out of an insurance-fund book, with the fund's running balance.
    private mutating func trackInsuranceFund(from: String, to: String, amount: DecimalText, reason: String,
                                             seq: Int64, idx: Int, ts: Int64) throws {
        let prefix = "house:insurance:"
        let into = to.hasPrefix(prefix), outOf = from.hasPrefix(prefix)
        guard into != outOf else { return }
        let asset = String((into ? to : from).dropFirst(prefix.count))
        let change = into ? amount : -amount
        let previous = "COALESCE((SELECT balance FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT 1), '0')"
        try add("""
            INSERT INTO insurance_fund (asset, seq, idx, ts, change, balance, reason)
            VALUES (?, ?, ?, ?, ?, \(Self.trimmed(previous + "::numeric + ?::numeric")), ?)
            """, [.text(asset), .int(seq), .i(idx), .int(ts), .text(change.description), .text(asset), .text(change.description),
                  .text(reason)])
    }
}
