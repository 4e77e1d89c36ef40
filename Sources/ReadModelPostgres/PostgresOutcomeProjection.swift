import Foundation
import ReadModel

/// Projects a batch of outcomes into the PostgreSQL read-model tables with one multi-row
/// `INSERT` per table (`TableRows`), the same rows the SQLite projection
/// (`ReadModel.OutcomeProjection`) writes for the same outcomes — the read-model tests
/// compare the two stores query by query.
///
/// It works in three steps inside the caller's transaction: `decode` reads every event and
/// names the stored rows the batch depends on (`ProjectionPrefetch.Keys`); the caller reads
/// them (`ProjectionPrefetch.load`, a handful of queries per batch instead of statements per
/// event); `project` then applies the events in order to those rows in memory, exactly as
/// the SQLite projection does row by row — an order's filled quantity and status, a book's
/// running balance, the insurance fund's balance are `DecimalText` arithmetic on the stored
/// decimal strings, never a float — and `statements` writes the result. Amounts that
/// arithmetic uses are checked to be decimals, so a bad event fails with the same
/// `ReadModelError` as on SQLite.
struct PostgresOutcomeProjection {
    /// One outcome with its events decoded (each with its line, for error messages).
    struct Decoded {
        let outcome: ProjectedOutcome
        let command: WireCommand?
        let events: [(event: WireEvent, line: String)]
    }

    private var state: ProjectionPrefetch
    /// Orders changed by the batch, in first-touched order.
    private var touchedOrders: [Int64] = []
    private var touchedOrderSet: Set<Int64> = []
    private var touchedBooks: [String] = []
    private var touchedBookSet: Set<String> = []
    private var touchedSettings: [ProjectionPrefetch.Pair] = []

    var accounts = TableRows("accounts", ["account", "opened_seq", "opened_ts"], .ignore(keyColumns: 1))
    var rejections = TableRows("rejections", ["seq", "idx", "ts", "account", "code", "message", "client_order_id", "order_id"], .append)
    var trades = TableRows("trades", ["seq", "idx", "ts", "symbol", "price", "qty", "maker_order_id", "taker_order_id",
                                      "maker_account", "taker_account", "taker_side", "maker_fee", "taker_fee"], .append)
    var positions = TableRows("positions", ["account", "symbol", "size", "entry_price", "isolated_margin", "updated_seq", "updated_ts"],
                              .replace(keyColumns: 2))
    var positionHistory = TableRows("position_history", ["account", "symbol", "seq", "ts", "size", "entry_price", "isolated_margin"],
                                    .replace(keyColumns: 3))
    var balances = TableRows("balances", ["account", "asset", "amount", "updated_seq", "updated_ts"], .replace(keyColumns: 2))
    var balanceHistory = TableRows("balance_history", ["account", "asset", "seq", "ts", "amount"], .replace(keyColumns: 3))
    var postings = TableRows("postings", ["seq", "idx", "ts", "from_book", "to_book", "from_account", "to_account", "amount", "reason",
                                          "from_balance_after", "to_balance_after"], .append)
    var insuranceFund = TableRows("insurance_fund", ["asset", "seq", "idx", "ts", "change", "balance", "reason"], .append)
    var marks = TableRows("marks", ["symbol", "seq", "ts", "price"], .replace(keyColumns: 2))
    var funding = TableRows("funding", ["symbol", "funding_time", "seq", "ts", "rate", "premium", "interest", "mark", "residue"],
                            .replace(keyColumns: 2))
    var marketMakers = TableRows("market_makers", ["account", "symbol", "registered_seq"], .ignore(keyColumns: 2))
    var instruments = TableRows("instruments", ["symbol", "status", "updated_seq"], .replace(keyColumns: 1))
    var liquidations = TableRows("liquidations", ["seq", "idx", "ts", "account", "symbol", "size", "mark_price", "equity",
                                                  "maintenance_margin", "stage"], .append)
    var insurancePayouts = TableRows("insurance_payouts", ["seq", "idx", "ts", "account", "amount"], .append)
    var adlFills = TableRows("adl_fills", ["seq", "idx", "ts", "account", "counterparty", "symbol", "qty", "price"], .append)
    var adlRanks = TableRows("adl_ranks", ["account", "symbol", "rank", "updated_seq", "updated_ts"], .replace(keyColumns: 2))
    var riskAlerts = TableRows("risk_alerts", ["seq", "idx", "ts", "alert_key", "kind", "state", "symbol", "account", "threshold",
                                               "value", "volatility", "margin_add_on", "samples", "position", "open_interest", "cap",
                                               "scenario", "shortfall", "insurance_fund", "accounts_in_shortfall", "code", "subject",
                                               "message"], .append)
    var riskAlertLatest = TableRows("risk_alert_latest", ["alert_key", "seq", "idx", "state"], .replace(keyColumns: 1))
    var stressTests = TableRows("stress_tests", ["seq", "idx", "ts", "scenario", "shortfall", "insurance_fund", "uncovered",
                                                 "accounts_in_shortfall"], .append)
    var stressTestLatest = TableRows("stress_test_latest", ["scenario", "seq", "idx"], .replace(keyColumns: 1))
    var riskMetrics = TableRows("risk_metrics", ["seq", "idx", "ts", "symbol", "volatility", "margin_add_on", "open_interest",
                                                 "samples"], .append)
    var riskMetricsLatest = TableRows("risk_metrics_latest", ["symbol", "seq", "idx"], .replace(keyColumns: 1))
    var financingEvents = TableRows(FinancingRow.eventsTable, FinancingRow.eventColumns, .append)
    var loanPostings = TableRows(FinancingRow.postingsTable, FinancingRow.postingColumns, .append)
    var loanBookStressTests = TableRows(FinancingRow.stressTable, FinancingRow.stressColumns, .append)
    var riskLimits = TableRows(RiskLimitRow.table, RiskLimitRow.columns, .append)

    init(state: ProjectionPrefetch) { self.state = state }

    /// Decodes the events of `outcomes` and collects the keys of the stored rows they depend on.
    static func decode(_ outcomes: [ProjectedOutcome]) throws -> ([Decoded], ProjectionPrefetch.Keys) {
        let decoder = JSONDecoder()
        var keys = ProjectionPrefetch.Keys()
        var out: [Decoded] = []
        out.reserveCapacity(outcomes.count)
        for o in outcomes {
            let command = o.commandLine.flatMap { try? decoder.decode(WireCommand.self, from: Data($0.utf8)) }
            var events: [(event: WireEvent, line: String)] = []
            events.reserveCapacity(o.eventLines.count)
            for line in o.eventLines {
                let e: WireEvent
                do { e = try decoder.decode(WireEvent.self, from: Data(line.utf8)) } catch {
                    throw ReadModelError.malformedLine(sequence: o.sequence, line: line)
                }
                switch e.type {
                case "accepted":
                    if let a = e.account { keys.makerAccounts.insert(a) }
                case "rejected", "canceled", "expired", "amended", "triggered":
                    if let id = e.orderId { keys.orderIds.insert(id) }
                case "trade":
                    if let id = e.makerOrderId { keys.orderIds.insert(id) }
                    if let id = e.takerOrderId { keys.orderIds.insert(id) }
                case "posting":
                    let prefix = "house:insurance:"
                    for book in [e.from, e.to].compactMap({ $0 }) {
                        keys.books.insert(book)
                        if book.hasPrefix(prefix) { keys.fundAssets.insert(String(book.dropFirst(prefix.count))) }
                    }
                case "leverage", "marginMode":
                    if let a = e.account { keys.settingsAccounts.insert(a) }
                default:
                    break
                }
                events.append((e, line))
            }
            out.append(Decoded(outcome: o, command: command, events: events))
        }
        return (out, keys)
    }

    // MARK: in-memory rows

    private mutating func changeOrder(_ id: Int64, _ change: (inout ProjectedOrder) throws -> Void) rethrows {
        guard var order = state.orders[id] else { return } // no such order: nothing changes, as an UPDATE of no row
        try change(&order)
        state.orders[id] = order
        touchOrder(id)
    }

    private mutating func touchOrder(_ id: Int64) {
        if touchedOrderSet.insert(id).inserted { touchedOrders.append(id) }
    }

    /// The running balance of `book` after adding `change` (`BookBalances` on SQLite).
    private mutating func post(_ change: DecimalText, to book: String) -> DecimalText {
        let after = (state.books[book] ?? .zero) + change
        state.books[book] = after
        if touchedBookSet.insert(book).inserted { touchedBooks.append(book) }
        return after
    }

    // MARK: events

    /// Applies one outcome's events, in order.
    mutating func project(_ d: Decoded) throws {
        let o = d.outcome, command = d.command
        let seq = Int64(o.sequence), ts = o.timestamp
        var triggered: Set<Int64> = []
        for (idx, (e, line)) in d.events.enumerated() {
            func need<T>(_ v: T?, _ field: String) throws -> T {
                guard let v else { throw ReadModelError.missingField(sequence: o.sequence, type: e.type, field: field) }
                return v
            }
            func decimal(_ text: String) throws -> DecimalText {
                guard let v = DecimalText(text) else { throw ReadModelError.malformedLine(sequence: o.sequence, line: line) }
                return v
            }
            let i = SQLValue.i(idx)
            switch e.type {
            case "accountOpened":
                accounts.add([.text(try need(e.account, "account")), .int(seq), .int(ts)])
            case "accepted":
                let c = command?.type == "placeOrder" ? command : nil
                let id = try need(e.orderId, "orderId"), account = try need(e.account, "account"), symbol = try need(e.symbol, "symbol")
                // INSERT OR REPLACE: a replaced row starts over, as on SQLite.
                state.orders[id] = ProjectedOrder(
                    orderId: id, account: account, symbol: symbol, side: c?.side, orderType: c?.orderType, timeInForce: c?.timeInForce,
                    clientOrderId: e.clientOrderId, price: c?.price, stopPrice: c?.stopPrice, qty: c?.qty,
                    reduceOnly: c?.reduceOnly ?? false, seq: seq, ts: ts,
                    affiliatedMarketMaker: state.marketMakers.contains(.init(account: account, symbol: symbol)))
                touchOrder(id)
            case "rejected":
                rejections.add([.int(seq), i, .int(ts), .t(e.account ?? command?.account), .text(try need(e.code, "code")),
                                .text(e.message ?? ""), .t(e.clientOrderId), .i(e.orderId)])
                if let id = e.orderId, triggered.contains(id) {
                    changeOrder(id) { $0.status = "rejected"; $0.reason = e.code; $0.touch(seq: seq, ts: ts) }
                }
            case "trade":
                let qtyText = try need(e.qty, "qty")
                let qty = try decimal(qtyText)
                let maker = try need(e.makerOrderId, "makerOrderId"), taker = try need(e.takerOrderId, "takerOrderId")
                trades.add([.int(seq), i, .int(ts), .text(try need(e.symbol, "symbol")), .text(try need(e.price, "price")),
                            .text(qtyText), .int(maker), .int(taker), .text(try need(e.makerAccount, "makerAccount")),
                            .text(try need(e.takerAccount, "takerAccount")), .text(try need(e.takerSide, "takerSide")),
                            .text(try need(e.makerFee, "makerFee")), .text(try need(e.takerFee, "takerFee"))])
                for id in [maker, taker] {
                    // An order becomes filled once its known quantity is reached (none known: stays as it is).
                    try changeOrder(id) { order in
                        guard let already = DecimalText(order.filledQty) else {
                            throw ReadModelError.malformedLine(sequence: o.sequence, line: "trade qty \(qtyText) of order \(id)")
                        }
                        let filled = already + qty
                        order.filledQty = filled.description
                        if let total = order.qty.flatMap(DecimalText.init), filled >= total { order.status = "filled" }
                        order.touch(seq: seq, ts: ts)
                    }
                }
            case "canceled", "expired":
                let id = try need(e.orderId, "orderId")
                changeOrder(id) { $0.status = e.type; $0.reason = e.reason; $0.touch(seq: seq, ts: ts) }
            case "amended":
                let price = try need(e.price, "price"), qty = try need(e.qty, "qty"), id = try need(e.orderId, "orderId")
                changeOrder(id) { $0.price = price; $0.qty = qty; $0.touch(seq: seq, ts: ts) }
            case "triggered":
                let id = try need(e.orderId, "orderId")
                triggered.insert(id)
                changeOrder(id) { $0.triggeredSeq = seq; $0.touch(seq: seq, ts: ts) }
            case "position":
                let account = try need(e.account, "account"), symbol = try need(e.symbol, "symbol"), size = try need(e.size, "size")
                positions.add([.text(account), .text(symbol), .text(size), .text(e.entryPrice ?? "0"), .t(e.isolatedMargin), .int(seq), .int(ts)])
                positionHistory.add([.text(account), .text(symbol), .int(seq), .int(ts), .text(size), .text(e.entryPrice ?? "0"),
                                     .t(e.isolatedMargin)])
            case "balance":
                let account = try need(e.account, "account"), asset = try need(e.asset, "asset"), amount = try need(e.amount, "amount")
                balances.add([.text(account), .text(asset), .text(amount), .int(seq), .int(ts)])
                balanceHistory.add([.text(account), .text(asset), .int(seq), .int(ts), .text(amount)])
            case "posting":
                let from = try need(e.from, "from"), to = try need(e.to, "to"), amountText = try need(e.amount, "amount")
                let amount = try decimal(amountText)
                let reason = try need(e.reason, "reason")
                // The books' running balances (`BookBalances`): out of `from`, then into `to` (same book: back to where it was).
                let fromAfter = post(-amount, to: from)
                let toAfter = post(amount, to: to)
                postings.add([.int(seq), i, .int(ts), .text(from), .text(to), .t(BookName.account(of: from)), .t(BookName.account(of: to)),
                              .text(amountText), .text(reason), .text(fromAfter.description), .text(toAfter.description)])
                trackInsuranceFund(from: from, to: to, amount: amount, reason: reason, seq: seq, idx: idx, ts: ts)
                for row in FinancingRow.loanPostings(from: from, to: to, amount: amount, reason: reason, fromAfter: fromAfter,
                                                     toAfter: toAfter, seq: seq, idx: idx, ts: ts) { add(row) }
            case "markPrice":
                marks.add([.text(try need(e.symbol, "symbol")), .int(seq), .int(ts), .text(try need(e.price, "price"))])
            case "leverage", "marginMode":
                let key = ProjectionPrefetch.Pair(account: try need(e.account, "account"), symbol: try need(e.symbol, "symbol"))
                var s = state.settings[key] ?? ProjectionPrefetch.Settings(leverage: nil, marginMode: nil, updatedSeq: seq)
                if e.type == "leverage" { s.leverage = try need(e.leverage, "leverage") } else { s.marginMode = try need(e.marginMode, "marginMode") }
                s.updatedSeq = seq
                state.settings[key] = s
                if !touchedSettings.contains(key) { touchedSettings.append(key) }
            case "funding":
                funding.add([.text(try need(e.symbol, "symbol")), .int(try need(e.fundingTime, "fundingTime")), .int(seq), .int(ts),
                             .text(try need(e.rate, "rate")), .text(e.premium ?? ""), .text(e.interest ?? ""), .text(try need(e.mark, "mark")),
                             .text(e.residue ?? "0")])
            case "marketMakerRegistered":
                let account = try need(e.account, "account"), symbol = try need(e.symbol, "symbol")
                marketMakers.add([.text(account), .text(symbol), .int(seq)])
                state.marketMakers.insert(.init(account: account, symbol: symbol))
            case "instrumentStatus":
                instruments.add([.text(try need(e.symbol, "symbol")), .text(try need(e.status, "status")), .int(seq)])
            case "liquidation", "insurancePayout", "adl", "adlRank", "riskAlert", "stressTest", "riskMetrics":
                try projectRisk(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence)
            case "riskParametersSet":
                riskLimits.add(try RiskLimitRow.values(e, seq: seq, ts: ts).map { value -> SQLValue in
                    switch value {
                    case .int(let v): return .i(v)
                    case .text(let v): return .t(v)
                    }
                })
            case let type where FinancingRow.eventTypes.contains(type):
                if let row = try FinancingRow.row(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence) { add(row) }
                if type == "controlBreach" { try projectRisk(e, seq: seq, idx: idx, ts: ts, sequence: o.sequence) }
            default:
                break // an event type this version does not project (as on SQLite)
            }
        }
    }

    /// A posting into or out of an insurance-fund book, with the fund's running balance.
    private mutating func trackInsuranceFund(from: String, to: String, amount: DecimalText, reason: String,
                                             seq: Int64, idx: Int, ts: Int64) {
        let prefix = "house:insurance:"
        let into = to.hasPrefix(prefix), outOf = from.hasPrefix(prefix)
        guard into != outOf else { return } // not the fund's, or fund to fund
        let asset = String((into ? to : from).dropFirst(prefix.count))
        let change = into ? amount : -amount
        let balance = (state.fund[asset] ?? .zero) + change
        state.fund[asset] = balance
        insuranceFund.add([.text(asset), .int(seq), .i(idx), .int(ts), .text(change.description), .text(balance.description), .text(reason)])
    }

    /// A margin-financing row (`FinancingRow`, the same rows as on SQLite) into its table's batch.
    private mutating func add(_ row: FinancingRow) {
        let values = row.values.map { value -> SQLValue in
            switch value {
            case .int(let v): return .i(v)
            case .text(let v): return .t(v)
            }
        }
        switch row.table {
        case FinancingRow.eventsTable: financingEvents.add(values)
        case FinancingRow.postingsTable: loanPostings.add(values)
        default: loanBookStressTests.add(values)
        }
    }

    // MARK: output

    /// One multi-row `INSERT` per table the batch wrote to.
    func statements() throws -> [String] {
        var orders = TableRows("orders", ProjectedOrder.columns, .replace(keyColumns: 1))
        for id in touchedOrders { if let o = state.orders[id] { orders.add(o.values) } }
        var books = TableRows("book_balances", ["book", "balance"], .replace(keyColumns: 1))
        for b in touchedBooks { books.add([.text(b), .text((state.books[b] ?? .zero).description)]) }
        var settings = TableRows("settings", ["account", "symbol", "leverage", "margin_mode", "updated_seq"], .replace(keyColumns: 2))
        for k in touchedSettings {
            if let s = state.settings[k] { settings.add([.text(k.account), .text(k.symbol), .t(s.leverage), .t(s.marginMode), .int(s.updatedSeq)]) }
        }
        let tables = [accounts, marketMakers, orders, rejections, trades, positions, positionHistory, balances, balanceHistory, postings, books,
                      insuranceFund, marks, settings, funding, instruments, liquidations, insurancePayouts, adlFills, adlRanks,
                      riskAlerts, riskAlertLatest, stressTests, stressTestLatest, riskMetrics, riskMetricsLatest,
                      financingEvents, loanPostings, loanBookStressTests, riskLimits]
        return try tables.compactMap { try $0.statement() }
    }
}
