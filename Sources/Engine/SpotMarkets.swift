import HarbourCore
import Matching
import Spot

/// The spot markets as an engine component (SPOT-1): one price-time book per market,
/// each account's resting orders per market (the book's owner lists), open-order counts,
/// last trade prices and trading status. Money is not kept here: what open orders lock
/// sits in the ledger's `clientLocked` books, so it is visible, summed and hashed with
/// every other balance, and the invariant ties the two together.
struct SpotMarkets {
    let specs: [SpotMarketSpec]
    /// Instrument id of the first spot market (the number of perpetuals).
    let firstId: Int
    var books: [OrderBook]
    /// Per market, per account: head slot of the account's resting orders (-1: none).
    var ownerHeads: [ContiguousArray<Int32>]
    /// Per market, per account: number of resting orders.
    var openCounts: [ContiguousArray<Int32>]
    /// Per market: price of the last trade (0 before the first).
    var lastPrices: [Int64]
    var statuses: [InstrumentStatus]
    /// Per market: waiting stop and take-profit orders, triggered by the last trade price.
    var stops: [ConditionalOrderBook]
    /// Markets whose last price moved while stops wait there (transient: empty between commands).
    var stopsMoved: [Int] = []

    init(specs: [SpotMarketSpec], firstId: Int) {
        self.specs = specs
        self.firstId = firstId
        books = specs.indices.map { OrderBook(instrument: InstrumentID(UInt16(firstId + $0))) }
        ownerHeads = specs.map { _ in [] }
        openCounts = specs.map { _ in [] }
        lastPrices = specs.map { _ in 0 }
        statuses = specs.map { _ in .enabled }
        stops = specs.map { _ in ConditionalOrderBook() }
    }

    /// Notes that market `m`'s last price moved (its stops are checked at the end of the command).
    mutating func lastPriceMoved(_ m: Int) {
        if !stops[m].isEmpty && !stopsMoved.contains(m) { stopsMoved.append(m) }
    }

    /// The market index of instrument `id`, nil when it is not a spot market.
    @inline(__always)
    func market(_ id: InstrumentID) -> Int? {
        let j = Int(id.index) - firstId
        return j >= 0 && j < specs.count ? j : nil
    }

    /// Makes room for account `a` in every market's per-account tables.
    mutating func ensure(account a: UInt32) {
        for m in specs.indices where ownerHeads[m].count <= Int(a) {
            let grow = Int(a) + 1 - ownerHeads[m].count
            ownerHeads[m].append(contentsOf: repeatElement(-1, count: grow))
            openCounts[m].append(contentsOf: repeatElement(0, count: grow))
        }
    }

    /// Rests `order` in market `m`.
    mutating func insert(_ order: RestingOrder, market m: Int) {
        ensure(account: order.account)
        books[m].insert(order, ownerHead: &ownerHeads[m][Int(order.account)])
        openCounts[m][Int(order.account)] += 1
    }

    /// Takes the order in `slot` of market `m` out of the book; returns it as it was.
    @discardableResult
    mutating func remove(slot: Int32, market m: Int) -> RestingOrder {
        let a = Int(books[m][slot].account)
        openCounts[m][a] -= 1
        return books[m].remove(slot: slot, ownerHead: &ownerHeads[m][a])
    }

    /// Account `a`'s resting orders in market `m`, oldest order id first.
    func slots(of a: UInt32, market m: Int) -> [Int32] {
        guard Int(a) < ownerHeads[m].count else { return [] }
        let book = books[m]
        return book.ownerSlots(head: ownerHeads[m][Int(a)]).sorted { book[$0].orderId < book[$1].orderId }
    }

    /// Every market's status, last price, resting orders in priority order and waiting
    /// stops; one description for snapshot, restore and state hash. When reading, orders are
    /// re-inserted level by level (keeping each level's FIFO) after checks against the
    /// spec; `accepts` checks an order's id, account and group against engine state,
    /// `acceptsStop` a stop's id, account and client order id. The status is written with
    /// bit 7 set when the market has waiting stops, which then follow its orders (a state
    /// without stops hashes as before spot stops existed).
    mutating func code<Coder: StateCoder>(_ coder: inout Coder, accepts: (RestingOrder) -> String?,
                                          acceptsStop: (ConditionalOrder) -> String? = { _ in nil }) throws(Engine.SnapshotError) {
        var count = specs.count
        try coder.codeCount(&count)
        try coder.require(count == specs.count, "\(count) spot markets, the configuration has \(specs.count)")
        for m in specs.indices {
            let spec = specs[m].market
            var symbol = spec.symbol
            try coder.code(&symbol)
            try coder.require(symbol == spec.symbol, "spot market \(m) is \(symbol), the configuration's is \(spec.symbol)")
            var status = statuses[m].rawValue | (stops[m].isEmpty ? 0 : 0x80), last = lastPrices[m]
            try coder.code(&status)
            try coder.code(&last)
            let stopsFollow = status & 0x80 != 0
            if coder.isReading {
                guard let s = InstrumentStatus(rawValue: status & 0x7f) else { throw .corrupt("\(symbol): status \(status)") }
                try coder.require(last >= 0 && last <= spec.maxPrice, "\(symbol): last price \(last)")
                statuses[m] = s
                lastPrices[m] = last
            }
            for side in [Side.buy, .sell] {
                let orders = coder.isReading ? [] : books[m].ordersInPriority(side)
                var n = orders.count
                try coder.codeCount(&n)
                var previous: Int64? = nil
                for k in 0..<n {
                    let o = try RestingOrder.code(coder.isReading ? nil : orders[k], side: side, &coder)
                    guard coder.isReading else { continue }
                    try coder.require(o.price > 0 && o.price <= spec.maxPrice && o.price % spec.tickSize == 0,
                                      "\(symbol): order \(o.orderId) price \(o.price)")
                    try coder.require(o.remaining > 0 && o.remaining <= o.quantity && o.quantity % spec.lotSize == 0
                                      && o.remaining % spec.lotSize == 0 && !o.reduceOnly,
                                      "\(symbol): order \(o.orderId) quantity \(o.quantity), remaining \(o.remaining)")
                    if let p = previous {
                        try coder.require(side == .buy ? o.price <= p : o.price >= p, "\(symbol): \(side) orders not in priority order")
                    }
                    previous = o.price
                    if let problem = accepts(o) { throw .corrupt("\(symbol): order \(o.orderId): \(problem)") }
                    insert(o, market: m)
                }
            }
            if stopsFollow { try codeStops(m, &coder, acceptsStop: acceptsStop) }
        }
    }

    /// Market `m`'s waiting stops in id order (count, then each order).
    private mutating func codeStops<Coder: StateCoder>(_ m: Int, _ coder: inout Coder,
                                                       acceptsStop: (ConditionalOrder) -> String?) throws(Engine.SnapshotError) {
        let spec = specs[m].market
        let all = coder.isReading ? [] : stops[m].all
        var n = all.count
        try coder.codeCount(&n)
        try coder.require(n > 0, "\(spec.symbol): stops flagged but none follow")
        var previous = OrderID.min
        for k in 0..<n {
            let c = try ConditionalOrder.code(coder.isReading ? nil : all[k], source: .last, &coder)
            guard coder.isReading else { continue }
            try coder.require(c.orderId > previous && c.stopPrice > 0 && c.stopPrice <= spec.maxPrice && c.stopPrice % spec.tickSize == 0
                              && c.quantity > 0 && c.quantity % spec.lotSize == 0 && !c.reduceOnly
                              && (!c.type.hasLimitPrice || (c.limitPrice > 0 && c.limitPrice <= spec.maxPrice && c.limitPrice % spec.tickSize == 0)),
                              "\(spec.symbol): stop \(c.orderId) out of order or out of range")
            previous = c.orderId
            if let problem = acceptsStop(c) { throw .corrupt("\(spec.symbol): stop \(c.orderId): \(problem)") }
            stops[m].add(c)
        }
    }
}
