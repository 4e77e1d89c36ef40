import Gateway
import ReadModel

/// Serves the gateway's history endpoints from the SQLite read models. Only the asking
/// account's own rows are ever read (the gateway passes the authenticated account).
struct ReadModelHistory: HistoryProvider {
    let store: ReadModelStore

    func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord] {
        try store.orders(account: account, symbol: query.symbol, limit: max(1, min(query.limit, 1000)))
            .filter { within($0.createdTs, query) }
            .map {
                OrderHistoryRecord(orderId: String($0.orderId), clientOrderId: $0.clientOrderId, symbol: $0.symbol,
                                   side: $0.side ?? "", orderType: $0.orderType ?? "", price: $0.price ?? "",
                                   qty: $0.qty ?? "", filledQty: $0.filledQty,
                                   status: $0.status.rawValue + ($0.reason.map { ":" + $0 } ?? ""),
                                   createdAt: String($0.createdTs), updatedAt: String($0.updatedTs))
            }
    }

    func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord] {
        try store.trades(account: account, symbol: query.symbol, limit: max(1, min(query.limit, 1000)))
            .filter { within($0.ts, query) }
            .map { t in
                let maker = t.makerAccount == account
                let side = maker ? (t.takerSide == "buy" ? "sell" : "buy") : t.takerSide
                return TradeHistoryRecord(sequence: String(t.seq), orderId: String(maker ? t.makerOrderId : t.takerOrderId),
                                          symbol: t.symbol, side: side, price: t.price, qty: t.qty,
                                          fee: maker ? t.makerFee : t.takerFee, liquidity: maker ? "maker" : "taker",
                                          timestamp: String(t.ts))
            }
    }

    func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord] {
        let cash = "client:\(account):cash:"
        return try store.postings(account: account, limit: max(1, min(query.limit, 1000)))
            .filter { within($0.ts, query) && ($0.fromBook.hasPrefix(cash) || $0.toBook.hasPrefix(cash)) }
            .map { p in
                let incoming = p.toBook.hasPrefix(cash)
                let asset = String((incoming ? p.toBook : p.fromBook).dropFirst(cash.count))
                return LedgerRecord(sequence: String(p.seq), asset: asset, amount: incoming ? p.amount : "-" + p.amount,
                                    reason: p.reason, balanceAfter: "", timestamp: String(p.ts))
            }
    }

    func fundingHistory(symbol: String, limit: Int) async throws -> [FundingHistoryRecord] {
        try store.fundingHistory(symbol: symbol, limit: limit).map {
            FundingHistoryRecord(symbol: $0.symbol, fundingTime: $0.fundingTime, rate: $0.rate, premium: $0.premium,
                                 interest: $0.interest, markPrice: $0.mark)
        }
    }

    func statement(account: String, from: Int64, to: Int64) async throws -> AccountStatement? {
        let s = try store.statement(account: account, fromTs: from, toTs: to)
        return AccountStatement(account: s.account, asset: s.asset, from: s.fromTs, to: s.toTs, openingBalance: s.openingBalance,
                                deposits: s.deposits, withdrawals: s.withdrawals, fees: s.fees, realizedPnl: s.realizedPnl,
                                funding: s.funding, otherNet: s.otherNet, closingBalance: s.closingBalance, trades: s.trades.count)
    }

    private func within(_ ts: Int64, _ q: HistoryQuery) -> Bool {
        (q.from.map { ts >= $0 } ?? true) && (q.to.map { ts <= $0 } ?? true)
    }
}
