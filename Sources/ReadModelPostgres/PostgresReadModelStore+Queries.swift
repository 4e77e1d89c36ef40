import ReadModel

/// History queries on PostgreSQL, answering exactly as the SQLite store's
/// (`ReadModelStore+Queries`): the same filters before the limit, the same order (ties
/// broken by the same keys; text sorted bytewise, `COLLATE "C"`, as SQLite sorts it).
extension PostgresReadModelStore {
    public func orders(account: String, symbol: String?, status: OrderStatus?, fromTs: Int64?, toTs: Int64?,
                       limit: Int, beforeOrderId: Int64?) async throws -> [OrderRecord] {
        var sql = "SELECT * FROM orders WHERE account = ?"
        var args: [SQLValue] = [.text(account)]
        if let symbol { sql += " AND symbol = ?"; args.append(.text(symbol)) }
        if let status { sql += " AND status = ?"; args.append(.text(status.rawValue)) }
        if let fromTs { sql += " AND created_ts >= ?"; args.append(.int(fromTs)) }
        if let toTs { sql += " AND created_ts <= ?"; args.append(.int(toTs)) }
        if let beforeOrderId { sql += " AND order_id < ?"; args.append(.int(beforeOrderId)) }
        sql += " ORDER BY order_id DESC LIMIT ?"
        args.append(.i(limit))
        return try await records(OrderRecord.self, sql, args)
    }

    public func order(id: Int64) async throws -> OrderRecord? {
        try await records(OrderRecord.self, "SELECT * FROM orders WHERE order_id = ?", [.int(id)]).first
    }

    public func order(account: String, orderId: Int64) async throws -> OrderRecord? {
        try await records(OrderRecord.self, "SELECT * FROM orders WHERE order_id = ? AND account = ?", [.int(orderId), .text(account)]).first
    }

    public func order(account: String, clientOrderId: String) async throws -> OrderRecord? {
        try await records(OrderRecord.self, "SELECT * FROM orders WHERE account = ? AND client_order_id = ? ORDER BY order_id DESC LIMIT 1",
                          [.text(account), .text(clientOrderId)]).first
    }

    public func trades(account: String?, symbol: String?, fromTs: Int64?, toTs: Int64?,
                       afterSequence: Int64?, limit: Int) async throws -> [TradeRecord] {
        var filter = ""
        var filterArgs: [SQLValue] = []
        if let symbol { filter += " AND symbol = ?"; filterArgs.append(.text(symbol)) }
        if let fromTs { filter += " AND ts >= ?"; filterArgs.append(.int(fromTs)) }
        if let toTs { filter += " AND ts <= ?"; filterArgs.append(.int(toTs)) }
        if let afterSequence { filter += " AND seq > ?"; filterArgs.append(.int(afterSequence)) }
        var sql: String
        var args: [SQLValue] = []
        if let account {
            // Two indexed halves; a self-trade appears once.
            sql = "SELECT * FROM trades WHERE maker_account = ?" + filter + " UNION SELECT * FROM trades WHERE taker_account = ?" + filter
            args = [.text(account)] + filterArgs + [.text(account)] + filterArgs
        } else {
            sql = "SELECT * FROM trades WHERE TRUE" + filter
            args = filterArgs
        }
        sql += afterSequence == nil ? " ORDER BY seq DESC, idx DESC LIMIT ?" : " ORDER BY seq ASC, idx ASC LIMIT ?"
        args.append(.i(limit))
        return try await records(TradeRecord.self, sql, args)
    }

    public func postings(account: String, limit: Int) async throws -> [PostingRecord] {
        try await records(PostingRecord.self, """
            SELECT * FROM postings WHERE from_account = ?
            UNION SELECT * FROM postings WHERE to_account = ?
            ORDER BY seq DESC, idx DESC LIMIT ?
            """, [.text(account), .text(account), .i(limit)])
    }

    public func cashPostings(account: String, fromTs: Int64?, toTs: Int64?, limit: Int) async throws -> [PostingRecord] {
        let prefix = "client:\(account):cash:"
        var window = ""
        var bounds: [SQLValue] = []
        if let fromTs { window += " AND ts >= ?"; bounds.append(.int(fromTs)) }
        if let toTs { window += " AND ts <= ?"; bounds.append(.int(toTs)) }
        let args: [SQLValue] = [.text(account), .text(prefix)] + bounds + [.text(account), .text(prefix)] + bounds + [.i(limit)]
        return try await records(PostingRecord.self, """
            SELECT * FROM postings WHERE from_account = ? AND starts_with(from_book, ?)\(window)
            UNION SELECT * FROM postings WHERE to_account = ? AND starts_with(to_book, ?)\(window)
            ORDER BY seq DESC, idx DESC LIMIT ?
            """, args)
    }

    public func positions(account: String) async throws -> [PositionRecord] {
        try await records(PositionRecord.self, "SELECT * FROM positions WHERE account = ? ORDER BY symbol COLLATE \"C\"", [.text(account)])
    }

    public func rejections(account: String, limit: Int) async throws -> [RejectionRecord] {
        try await records(RejectionRecord.self, "SELECT * FROM rejections WHERE account = ? ORDER BY seq DESC, idx DESC LIMIT ?",
                          [.text(account), .i(limit)])
    }

    public func balance(account: String, asset: String) async throws -> String? {
        try await session.rows("SELECT amount FROM balances WHERE account = ? AND asset = ?", [.text(account), .text(asset)])
            .first?.decode(String.self)
    }

    public func statement(account: String, fromTs: Int64, toTs: Int64, asset: String) async throws -> StatementRecord {
        // One snapshot for every part of the statement, as SQLite's single read transaction.
        let (opening, closing, postings, trades) = try await session.transaction { c in
            try await PostgresSession.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: c, logger: session.logger)
            func balance(before ts: Int64) async throws -> String {
                try await PostgresSession.rows(c, """
                    SELECT amount FROM balance_history WHERE account = ? AND asset = ? AND ts < ?
                    ORDER BY ts DESC, seq DESC LIMIT 1
                    """, [.text(account), .text(asset), .int(ts)], logger: session.logger).first?.decode(String.self) ?? "0"
            }
            let opening = try await balance(before: fromTs), closing = try await balance(before: toTs)
            let postings = try await PostgresSession.rows(c, """
                SELECT from_book, to_book, amount, reason FROM postings WHERE from_account = ? AND ts >= ? AND ts < ?
                UNION ALL SELECT from_book, to_book, amount, reason FROM postings
                    WHERE to_account = ? AND from_account IS DISTINCT FROM ? AND ts >= ? AND ts < ?
                """, [.text(account), .int(fromTs), .int(toTs), .text(account), .text(account), .int(fromTs), .int(toTs)],
                logger: session.logger).map { r in
                    let (from, to, amount, reason) = try r.decode((String, String, String, String).self)
                    return Flow(from: from, to: to, amount: amount, reason: reason)
                }
            let trades = try RowDecoder.decode(TradeRecord.self, try await PostgresSession.rows(c, """
                SELECT * FROM trades WHERE maker_account = ? AND ts >= ? AND ts < ?
                UNION SELECT * FROM trades WHERE taker_account = ? AND ts >= ? AND ts < ?
                ORDER BY seq, idx
                """, [.text(account), .int(fromTs), .int(toTs), .text(account), .int(fromTs), .int(toTs)], logger: session.logger))
            return (opening, closing, postings, trades)
        }
        var flows = StatementFlows(account: account, asset: asset)
        for p in postings { flows.add(fromBook: p.from, toBook: p.to, amount: p.amount, reason: p.reason) }
        return flows.statement(fromTs: fromTs, toTs: toTs, openingBalance: opening, closingBalance: closing, trades: trades)
    }

    /// One posting's book names, amount and reason (a statement sums them; order does not matter).
    struct Flow: Sendable {
        let from: String, to: String, amount: String, reason: String
    }

    public func fundingHistory(symbol: String, limit: Int) async throws -> [FundingRecord] {
        try await session.rows("""
            SELECT symbol, funding_time, seq, rate, premium, interest, mark, residue FROM funding
            WHERE symbol = ? ORDER BY funding_time DESC LIMIT ?
            """, [.text(symbol), .i(limit)]).map { r in
            let (symbol, time, seq, rate, premium, interest, mark, residue) =
                try r.decode((String, Int64, Int64, String, String, String, String, String).self)
            return FundingRecord(symbol: symbol, fundingTime: time, sequence: UInt64(seq), rate: rate, premium: premium,
                                 interest: interest, mark: mark, residue: residue)
        }
    }
}
