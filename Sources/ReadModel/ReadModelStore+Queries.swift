import GRDB

/// History queries. Lists are newest first unless stated; every money, price and size
/// field is a decimal string.
extension ReadModelStore {
    /// Orders of `account`, optionally of one `symbol` and `status` and created within
    /// `fromTs...toTs`, newest (highest id) first; `beforeOrderId` pages backwards. Filters
    /// apply before the limit.
    public func orders(account: String, symbol: String? = nil, status: OrderStatus? = nil,
                       fromTs: Int64? = nil, toTs: Int64? = nil,
                       limit: Int = 100, beforeOrderId: Int64? = nil) throws -> [OrderRecord] {
        var sql = "SELECT * FROM orders WHERE account = ?"
        var args: StatementArguments = [account]
        if let symbol { sql += " AND symbol = ?"; args += [symbol] }
        if let status { sql += " AND status = ?"; args += [status.rawValue] }
        if let fromTs { sql += " AND created_ts >= ?"; args += [fromTs] }
        if let toTs { sql += " AND created_ts <= ?"; args += [toTs] }
        if let beforeOrderId { sql += " AND order_id < ?"; args += [beforeOrderId] }
        sql += " ORDER BY order_id DESC LIMIT ?"
        args += [limit]
        return try writer.read { try OrderRecord.fetchAll($0, sql: sql, arguments: args) }
    }

    /// One order by id.
    public func order(id: Int64) throws -> OrderRecord? {
        try writer.read { try OrderRecord.fetchOne($0, sql: "SELECT * FROM orders WHERE order_id = ?", arguments: [id]) }
    }

    /// One order of `account` by id: a primary-key lookup, however many orders the account has.
    static let orderByIdSQL = "SELECT * FROM orders WHERE order_id = ? AND account = ?"
    /// The newest order of `account` with a client order id (index orders_by_account_client_order_id).
    static let orderByClientIdSQL = "SELECT * FROM orders WHERE account = ? AND client_order_id = ? ORDER BY order_id DESC LIMIT 1"

    /// `account`'s order `orderId`, or nil (also when the order is another account's).
    public func order(account: String, orderId: Int64) throws -> OrderRecord? {
        try writer.read { try OrderRecord.fetchOne($0, sql: Self.orderByIdSQL, arguments: [orderId, account]) }
    }

    /// `account`'s newest order placed with `clientOrderId`, or nil.
    public func order(account: String, clientOrderId: String) throws -> OrderRecord? {
        try writer.read { try OrderRecord.fetchOne($0, sql: Self.orderByClientIdSQL, arguments: [account, clientOrderId]) }
    }

    /// SQLite's plan for `sql` (the `detail` column of EXPLAIN QUERY PLAN), for tests that
    /// check a lookup uses its index.
    func queryPlan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try writer.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String } }
    }

    /// Trades of `account` (as maker or taker), or with `account` nil the public trades;
    /// optionally of one `symbol` and within `fromTs...toTs` (ms, inclusive). Newest first;
    /// with `afterSequence`, the trades of later commands, oldest first — a client resyncing
    /// after a disconnect pages forward with it and misses nothing. Filters apply before
    /// the limit.
    public func trades(account: String? = nil, symbol: String? = nil, fromTs: Int64? = nil, toTs: Int64? = nil,
                       afterSequence: Int64? = nil, limit: Int = 100) throws -> [TradeRecord] {
        var filter = ""
        var filterArgs: StatementArguments = []
        if let symbol { filter += " AND symbol = ?"; filterArgs += [symbol] }
        if let fromTs { filter += " AND ts >= ?"; filterArgs += [fromTs] }
        if let toTs { filter += " AND ts <= ?"; filterArgs += [toTs] }
        if let afterSequence { filter += " AND seq > ?"; filterArgs += [afterSequence] }
        var sql: String
        var args: StatementArguments = []
        if let account {
            // Two indexed halves; a self-trade appears once.
            sql = "SELECT * FROM trades WHERE maker_account = ?" + filter
            sql += " UNION SELECT * FROM trades WHERE taker_account = ?" + filter
            args += [account]
            args += filterArgs
            args += [account]
            args += filterArgs
        } else {
            sql = "SELECT * FROM trades WHERE 1 = 1" + filter
            args += filterArgs
        }
        sql += afterSequence == nil ? " ORDER BY seq DESC, idx DESC LIMIT ?" : " ORDER BY seq ASC, idx ASC LIMIT ?"
        args += [limit]
        return try writer.read { try TradeRecord.fetchAll($0, sql: sql, arguments: args) }
    }

    /// Postings into or out of any book of `account` (cash or isolated margin), newest first.
    public func postings(account: String, limit: Int = 100) throws -> [PostingRecord] {
        try writer.read {
            try PostingRecord.fetchAll($0, sql: """
                SELECT * FROM postings WHERE from_account = ?
                UNION SELECT * FROM postings WHERE to_account = ?
                ORDER BY seq DESC, idx DESC LIMIT ?
                """, arguments: [account, account, limit])
        }
    }

    /// Postings into or out of `account`'s cash books, newest first, within [`fromTs`,
    /// `toTs`] when given; each carries the books' running balances after it.
    public func cashPostings(account: String, fromTs: Int64? = nil, toTs: Int64? = nil, limit: Int = 100) throws -> [PostingRecord] {
        let prefix = "client:\(account):cash:"
        var window = ""
        var bounds: StatementArguments = []
        if let fromTs { window += " AND ts >= ?"; bounds += [fromTs] }
        if let toTs { window += " AND ts <= ?"; bounds += [toTs] }
        let n = prefix.unicodeScalars.count // SQLite substr counts code points
        var args: StatementArguments = [account, n, prefix]
        args += bounds
        args += [account, n, prefix]
        args += bounds
        args += [limit]
        return try writer.read {
            try PostingRecord.fetchAll($0, sql: """
                SELECT * FROM postings WHERE from_account = ? AND substr(from_book, 1, ?) = ?\(window)
                UNION SELECT * FROM postings WHERE to_account = ? AND substr(to_book, 1, ?) = ?\(window)
                ORDER BY seq DESC, idx DESC LIMIT ?
                """, arguments: args)
        }
    }

    /// Positions of `account` (including flat ones it has held), by symbol.
    public func positions(account: String) throws -> [PositionRecord] {
        try writer.read {
            try PositionRecord.fetchAll($0, sql: "SELECT * FROM positions WHERE account = ? ORDER BY symbol", arguments: [account])
        }
    }

    /// Rejections of `account`'s commands, newest first.
    public func rejections(account: String, limit: Int = 100) throws -> [RejectionRecord] {
        try writer.read {
            try RejectionRecord.fetchAll($0, sql: "SELECT * FROM rejections WHERE account = ? ORDER BY seq DESC, idx DESC LIMIT ?",
                                        arguments: [account, limit])
        }
    }

    /// The cash balance of `account` in `asset` after the last command that changed it.
    public func balance(account: String, asset: String = "USD") throws -> String? {
        try writer.read {
            try String.fetchOne($0, sql: "SELECT amount FROM balances WHERE account = ? AND asset = ?", arguments: [account, asset])
        }
    }

    /// A statement of `account`'s cash in `asset` over [`fromTs`, `toTs`).
    public func statement(account: String, fromTs: Int64, toTs: Int64, asset: String = "USD") throws -> StatementRecord {
        try writer.read { db in
            func balance(before ts: Int64) throws -> String {
                try String.fetchOne(db, sql: """
                    SELECT amount FROM balance_history WHERE account = ? AND asset = ? AND ts < ?
                    ORDER BY ts DESC, seq DESC LIMIT 1
                    """, arguments: [account, asset, ts]) ?? "0"
            }
            var flows = StatementFlows(account: account, asset: asset)
            let rows = try Row.fetchAll(db, sql: """
                SELECT from_book, to_book, amount, reason FROM postings
                WHERE (from_account = ? OR to_account = ?) AND ts >= ? AND ts < ? ORDER BY seq, idx
                """, arguments: [account, account, fromTs, toTs])
            for row in rows {
                flows.add(fromBook: row["from_book"], toBook: row["to_book"], amount: row["amount"], reason: row["reason"])
            }
            let trades = try TradeRecord.fetchAll(db, sql: """
                SELECT * FROM trades WHERE maker_account = ? AND ts >= ? AND ts < ?
                UNION SELECT * FROM trades WHERE taker_account = ? AND ts >= ? AND ts < ?
                ORDER BY seq, idx
                """, arguments: [account, fromTs, toTs, account, fromTs, toTs])
            return flows.statement(fromTs: fromTs, toTs: toTs, openingBalance: try balance(before: fromTs),
                                   closingBalance: try balance(before: toTs), trades: trades)
        }
    }

    /// Settled funding of a symbol, newest first.
    public func fundingHistory(symbol: String, limit: Int = 100) throws -> [FundingRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT symbol, funding_time, seq, rate, premium, interest, mark, residue FROM funding
                WHERE symbol = ? ORDER BY funding_time DESC LIMIT ?
                """, arguments: [symbol, limit]).map { r in
                FundingRecord(symbol: r["symbol"], fundingTime: r["funding_time"], sequence: UInt64(r["seq"] as Int64),
                              rate: r["rate"], premium: r["premium"], interest: r["interest"], mark: r["mark"], residue: r["residue"])
            }
        }
    }
}
