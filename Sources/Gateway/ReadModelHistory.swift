import ReadModel

/// Serves the gateway's history endpoints from the read models, whichever store holds them
/// (SQLite or PostgreSQL: any `ReadModelStorage`; the gateway never knows which). Only the asking
/// account's own rows are ever read (the gateway passes the authenticated account);
/// venue-wide risk data (alerts, stress tests) is only asked for on oversight routes.
public struct ReadModelHistory: HistoryProvider {
    public let store: any ReadModelStorage

    public init(store: any ReadModelStorage) {
        self.store = store
    }

    public func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord] {
        try await store.orders(account: account, symbol: query.symbol, status: nil, fromTs: query.from, toTs: query.to,
                               limit: max(1, min(query.limit, 1000)), beforeOrderId: nil)
            .map(Self.record)
    }

    public func order(account: String, orderId: Int64?, clientOrderId: String?) async throws -> OrderHistoryRecord? {
        if let orderId { return try await store.order(account: account, orderId: orderId).map(Self.record) }
        if let clientOrderId { return try await store.order(account: account, clientOrderId: clientOrderId).map(Self.record) }
        return nil
    }

    static func record(_ o: OrderRecord) -> OrderHistoryRecord {
        OrderHistoryRecord(orderId: String(o.orderId), clientOrderId: o.clientOrderId, symbol: o.symbol,
                           side: o.side ?? "", orderType: o.orderType ?? "", price: o.price,
                           qty: o.qty, filledQty: o.filledQty,
                           status: o.status.rawValue + (o.reason.map { ":" + $0 } ?? ""),
                           createdAt: String(o.createdTs), updatedAt: String(o.updatedTs))
    }

    public func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord] {
        try await store.trades(account: account, symbol: query.symbol, fromTs: query.from, toTs: query.to,
                         afterSequence: query.afterSequence, limit: max(1, min(query.limit, 1000)))
            .map { t in
                let maker = t.makerAccount == account
                let side = maker ? (t.takerSide == "buy" ? "sell" : "buy") : t.takerSide
                return TradeHistoryRecord(sequence: String(t.seq), orderId: String(maker ? t.makerOrderId : t.takerOrderId),
                                          symbol: t.symbol, side: side, price: t.price, qty: t.qty,
                                          fee: maker ? t.makerFee : t.takerFee, liquidity: maker ? "maker" : "taker",
                                          timestamp: String(t.ts))
            }
    }

    public func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord] {
        let cash = "client:\(account):cash:"
        return try await store.cashPostings(account: account, fromTs: query.from, toTs: query.to, limit: max(1, min(query.limit, 1000)))
            .map { p in
                let incoming = p.toBook.hasPrefix(cash)
                let asset = String((incoming ? p.toBook : p.fromBook).dropFirst(cash.count))
                // The cash book's running balance right after this posting (read model, exact).
                let after = (incoming ? p.toBalanceAfter : p.fromBalanceAfter) ?? "0"
                return LedgerRecord(sequence: String(p.seq), asset: asset, amount: incoming ? p.amount : "-" + p.amount,
                                    reason: p.reason, balanceAfter: after, timestamp: String(p.ts))
            }
    }

    public func fundingHistory(symbol: String, limit: Int) async throws -> [FundingHistoryRecord] {
        try await store.fundingHistory(symbol: symbol, limit: limit).map {
            FundingHistoryRecord(symbol: $0.symbol, fundingTime: $0.fundingTime, rate: $0.rate, premium: $0.premium,
                                 interest: $0.interest, markPrice: $0.mark)
        }
    }

    public func statement(account: String, from: Int64, to: Int64) async throws -> AccountStatement? {
        let s = try await store.statement(account: account, fromTs: from, toTs: to, asset: "USD")
        return AccountStatement(account: s.account, asset: s.asset, from: s.fromTs, to: s.toTs, openingBalance: s.openingBalance,
                                deposits: s.deposits, withdrawals: s.withdrawals, fees: s.fees, realizedPnl: s.realizedPnl,
                                funding: s.funding, otherNet: s.otherNet, closingBalance: s.closingBalance, trades: s.trades.count)
    }

    public func liquidations(account: String, query: HistoryQuery) async throws -> [LiquidationActivity] {
        try await store.liquidationActivity(account: account, symbol: query.symbol, fromTs: query.from, toTs: query.to,
                                      limit: max(1, min(query.limit, 1000)))
    }

    public func adlRanks(account: String) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try await store.adlRanks(account: account) { out[r.symbol] = r.rank }
        return out
    }

    public func riskAlerts(_ filter: RiskAlertFilter) async throws -> [RiskAlertRecord]? {
        try await store.riskAlerts(filter)
    }

    /// Reports from whichever store holds the read models (`ReadModelStorage.report`).
    public func report(_ name: String, day: BusinessDay, options: ReportOptions) async throws -> ReportTable? {
        try await store.report(name, day: day, options: options)
    }

    public func stressTests() async throws -> [StressTestRecord]? {
        try await store.latestStressTests()
    }

    public func riskMetrics() async throws -> [RiskMetricsRecord]? {
        try await store.latestRiskMetrics()
    }
}
