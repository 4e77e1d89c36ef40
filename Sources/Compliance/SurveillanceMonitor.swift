import HarbourCore

/// Market surveillance (MM-5) as a deterministic projection of the venue's events, off the
/// matching path: feed it orders, cancels, trades, funding times and prices in command-time
/// order; it returns alerts with their evidence. The same stream always gives the same
/// alerts, so a replay of the journal reproduces them.
public struct SurveillanceMonitor: Sendable {
    public let policy: SurveillancePolicy
    /// Account → beneficial owner (accounts of one owner must not trade with each other).
    public private(set) var owners: [String: String]
    /// Affiliated market-maker accounts (MM-1).
    public private(set) var affiliatedMarketMakers: Set<String>
    /// Symbol → decimals of the contract's size scale (BTC-PERP 3, BTC-USD 5), so that
    /// "large" means the same amount of the asset on every contract. A symbol absent here is
    /// taken to be at `policy.largeOrderSizeDecimals`.
    public let sizeDecimals: [String: Int]

    private struct OpenOrder {
        let account: String
        let symbol: String
        let side: Side
        let quantity: Int64
        var filled: Int64
        let placedAt: Int64
        let nearTouch: Bool
        let distanceBps: Int64
    }
    private var open: [Int64: OpenOrder] = [:]
    /// Recent MM trades per symbol: (ts, account, side as taker or maker, order id).
    private var recentMarketMakerTrades: [String: [(ts: Int64, account: String, side: Side, order: Int64)]] = [:]
    private var fundingTimes: [String: [Int64]] = [:]
    /// Per account and symbol: trade times, for marking the close at the end of a period.
    private var tradeTimes: [String: [Int64]] = [:]
    /// Price divergences in progress, "symbol|mark-index" or "symbol|last-mark": an
    /// episode raises one alert when it starts, none while it lasts.
    private var divergences: Set<String> = []

    /// Records `account`'s beneficial owner (learnt from an approved classification).
    public mutating func setOwner(account: String, owner: String) { owners[account] = owner }

    /// Records `account` as an affiliated market maker (learnt from its registration).
    public mutating func addMarketMaker(_ account: String) { affiliatedMarketMakers.insert(account) }

    public init(policy: SurveillancePolicy = SurveillancePolicy(), owners: [String: String] = [:],
                affiliatedMarketMakers: Set<String> = [], sizeDecimals: [String: Int] = [:]) {
        self.policy = policy
        self.owners = owners
        self.affiliatedMarketMakers = affiliatedMarketMakers
        self.sizeDecimals = sizeDecimals
    }

    /// Whether `quantity` (raw, in `symbol`'s size scale) is at least `policy.largeOrderSize`
    /// (at `policy.largeOrderSizeDecimals`), exactly:
    /// quantity × 10^policyDecimals ≥ largeOrderSize × 10^contractDecimals.
    public func isLarge(_ quantity: Int64, symbol: String) -> Bool {
        func power(_ decimals: Int) -> Int128 { (0..<max(decimals, 0)).reduce(Int128(1)) { product, _ in product * 10 } }
        let contract = sizeDecimals[symbol] ?? policy.largeOrderSizeDecimals
        return Int128(quantity) * power(policy.largeOrderSizeDecimals) >= Int128(policy.largeOrderSize) * power(contract)
    }

    /// An order was accepted. `bestBid`/`bestAsk` are the book's best prices when it arrived
    /// (0 if none). Returns a front-running alert when an affiliated MM traded its way just before.
    public mutating func orderPlaced(orderId: Int64, account: String, symbol: String, side: Side, price: Int64,
                                     quantity: Int64, bestBid: Int64, bestAsk: Int64, at now: Int64) -> [SurveillanceAlert] {
        let (nearTouch, distance) = placement(side: side, price: price, bestBid: bestBid, bestAsk: bestAsk)
        open[orderId] = OpenOrder(account: account, symbol: symbol, side: side, quantity: quantity, filled: 0, placedAt: now,
                                  nearTouch: nearTouch, distanceBps: distance)
        guard isLarge(quantity, symbol: symbol), !affiliatedMarketMakers.contains(account) else { return [] }
        let before = recentMarketMakerTrades[symbol, default: []].filter {
            $0.side == side && now - $0.ts <= policy.frontRunWindowMs && $0.ts <= now
        }
        return before.map { trade in
            SurveillanceAlert(rule: .frontRunning, symbol: symbol, accounts: [trade.account, account], orders: [trade.order, orderId],
                              fromMs: trade.ts, toMs: now,
                              evidence: "affiliated MM \(trade.account) traded \(trade.side) \(now - trade.ts) ms before client \(account)'s large \(side) order of \(quantity)")
        }
    }

    /// An order was amended to `price` and total `quantity` (filled part included). It is
    /// judged again as if placed now, against the touch without it: moving a large order
    /// next to the touch and pulling it is spoofing as much as placing it there.
    public mutating func orderAmended(orderId: Int64, price: Int64, quantity: Int64, bestBid: Int64, bestAsk: Int64, at now: Int64) {
        guard let order = open[orderId] else { return }
        let (nearTouch, distance) = placement(side: order.side, price: price, bestBid: bestBid, bestAsk: bestAsk)
        open[orderId] = OpenOrder(account: order.account, symbol: order.symbol, side: order.side, quantity: quantity,
                                  filled: order.filled, placedAt: now, nearTouch: nearTouch, distanceBps: distance)
    }

    /// Whether a price is near the touch on its side, and its distance from it in bps
    /// (rounded down; `.max` with no touch or no price).
    private func placement(side: Side, price: Int64, bestBid: Int64, bestAsk: Int64) -> (nearTouch: Bool, distanceBps: Int64) {
        let touch = side == .buy ? bestBid : bestAsk
        guard touch > 0 && price > 0 else { return (false, .max) }
        let gap = Int128(max(side == .buy ? touch - price : price - touch, 0))
        return (gap * 10_000 <= Int128(policy.nearTouchBps) * Int128(touch), Int64(gap * 10_000 / Int128(touch)))
    }

    /// An order left the book by cancellation. A large order near the touch cancelled fast,
    /// mostly unfilled, is a spoofing/layering alert.
    public mutating func orderCanceled(orderId: Int64, at now: Int64) -> [SurveillanceAlert] {
        guard let order = open.removeValue(forKey: orderId) else { return [] }
        let alive = now - order.placedAt
        let filledBps = order.quantity == 0 ? 0 : Int64(Int128(order.filled) * 10_000 / Int128(order.quantity))
        guard isLarge(order.quantity, symbol: order.symbol), order.nearTouch, alive <= policy.spoofCancelWithinMs,
              filledBps < policy.spoofMaxFilledBps else { return [] }
        return [SurveillanceAlert(rule: .spoofing, symbol: order.symbol, accounts: [order.account], orders: [orderId],
                                  fromMs: order.placedAt, toMs: now,
                                  evidence: "order of \(order.quantity) \(order.distanceBps) bps from the touch cancelled after \(alive) ms with \(order.filled) filled")]
    }

    /// An order left the book otherwise (filled, expired).
    public mutating func orderClosed(orderId: Int64) { open[orderId] = nil }

    /// A trade. Same beneficial owner on both sides (through different accounts) is a wash trade.
    public mutating func trade(symbol: String, price: Int64, quantity: Int64, makerOrder: Int64, takerOrder: Int64,
                               makerAccount: String, takerAccount: String, takerSide: Side, at now: Int64) -> [SurveillanceAlert] {
        open[makerOrder]?.filled += quantity
        open[takerOrder]?.filled += quantity
        tradeTimes[makerAccount + "|" + symbol, default: []].append(now)
        tradeTimes[takerAccount + "|" + symbol, default: []].append(now)
        for (account, side, order) in [(makerAccount, takerSide.opposite, makerOrder), (takerAccount, takerSide, takerOrder)]
        where affiliatedMarketMakers.contains(account) {
            var list = recentMarketMakerTrades[symbol, default: []]
            list.removeAll { now - $0.ts > policy.frontRunWindowMs }
            list.append((now, account, side, order))
            recentMarketMakerTrades[symbol] = list
        }
        let makerOwner = owners[makerAccount] ?? makerAccount
        let takerOwner = owners[takerAccount] ?? takerAccount
        guard makerOwner == takerOwner, makerAccount != takerAccount else { return [] }
        return [SurveillanceAlert(rule: .washTrade, symbol: symbol, accounts: [makerAccount, takerAccount], orders: [makerOrder, takerOrder],
                                  fromMs: now, toMs: now,
                                  evidence: "\(quantity) at \(price) between two accounts of beneficial owner \(makerOwner)")]
    }

    /// A funding (or index) timestamp of `symbol`, for marking the close.
    public mutating func fundingTime(symbol: String, at time: Int64) { fundingTimes[symbol, default: []].append(time) }

    /// Prices at a moment: a mark far from the index, or a last price far from the mark, is an anomaly.
    public func prices(symbol: String, mark: Int64, index: Int64, last: Int64, at now: Int64) -> [SurveillanceAlert] {
        var alerts: [SurveillanceAlert] = []
        func bps(_ a: Int64, _ b: Int64) -> Int64 { b <= 0 ? 0 : Int64(Int128((a - b).magnitude) * 10_000 / Int128(b)) }
        /// |a − b| / b > limit, exactly: |a − b| × 10,000 > limit × b.
        func beyond(_ a: Int64, _ b: Int64, _ limit: Int64) -> Bool { Int128((a - b).magnitude) * 10_000 > Int128(limit) * Int128(b) }
        if index > 0, beyond(mark, index, policy.markIndexDivergenceBps) {
            alerts.append(SurveillanceAlert(rule: .priceAnomaly, symbol: symbol, accounts: [], orders: [], fromMs: now, toMs: now,
                                            evidence: "mark \(mark) is \(bps(mark, index)) bps from index \(index)"))
        }
        if last > 0, mark > 0, beyond(last, mark, policy.lastMarkDivergenceBps) {
            alerts.append(SurveillanceAlert(rule: .priceAnomaly, symbol: symbol, accounts: [], orders: [], fromMs: now, toMs: now,
                                            evidence: "last \(last) is \(bps(last, mark)) bps from mark \(mark)"))
        }
        return alerts
    }

    /// At the end of a review period: accounts whose trades cluster around funding times.
    public func markingTheClose(fromMs: Int64, toMs: Int64) -> [SurveillanceAlert] {
        var alerts: [SurveillanceAlert] = []
        for key in tradeTimes.keys.sorted() {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            let (account, symbol) = (parts[0], parts[1])
            let times = tradeTimes[key]!.filter { $0 >= fromMs && $0 < toMs }
            guard times.count >= policy.markingMinTrades else { continue }
            let windows = fundingTimes[symbol, default: []]
            let near = times.filter { t in windows.contains { abs(t - $0) <= policy.markingWindowMs } }.count
            guard Int64(near) * 10_000 >= policy.markingShareBps * Int64(times.count) else { continue }
            alerts.append(SurveillanceAlert(rule: .markingTheClose, symbol: symbol, accounts: [account], orders: [], fromMs: fromMs, toMs: toMs,
                                            evidence: "\(near) of \(times.count) trades within ±\(policy.markingWindowMs / 1000) s of funding times"))
        }
        return alerts
    }

    /// Prices after a command, as a stream: like `prices`, but a divergence raises an alert
    /// only when it starts (the previous observation of that pair was within its limit), so
    /// a mark that stays away from the index for an hour is one alert, not one per second.
    public mutating func pricesObserved(symbol: String, mark: Int64, index: Int64, last: Int64, at now: Int64) -> [SurveillanceAlert] {
        let current = prices(symbol: symbol, mark: mark, index: index, last: last, at: now)
        var active: Set<String> = []
        var raised: [SurveillanceAlert] = []
        for alert in current {
            let key = symbol + (alert.evidence.hasPrefix("mark") ? "|mark-index" : "|last-mark")
            active.insert(key)
            if !divergences.contains(key) { raised.append(alert) }
        }
        for key in [symbol + "|mark-index", symbol + "|last-mark"] {
            if active.contains(key) { divergences.insert(key) } else { divergences.remove(key) }
        }
        return raised
    }

    /// Ends a review period `[fromMs, toMs)`: returns its marking-the-close alerts and
    /// forgets the trade times before `toMs` and the funding times too old to matter for
    /// later trades, so a long-running projection keeps bounded state.
    public mutating func closePeriod(fromMs: Int64, toMs: Int64) -> [SurveillanceAlert] {
        let alerts = markingTheClose(fromMs: fromMs, toMs: toMs)
        for key in tradeTimes.keys.sorted() {
            let kept = tradeTimes[key]!.filter { $0 >= toMs }
            tradeTimes[key] = kept.isEmpty ? nil : kept
        }
        for symbol in fundingTimes.keys.sorted() {
            fundingTimes[symbol] = fundingTimes[symbol]!.filter { $0 >= toMs - policy.markingWindowMs }
        }
        return alerts
    }
}
