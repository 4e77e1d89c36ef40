import HarbourCore

/// An incoming order while it matches: what the matching loop needs of it.
public struct MatchTaker: Sendable {
    public var orderId: Int64
    public var account: UInt32
    /// Self-trade-prevention group (PERP-3): never trades with a maker of the same group.
    public var group: UInt32
    public var side: Side
    /// The worst price it may trade at (a market order's protection limit).
    public var limit: Int64
    public var remaining: Int64
    public var stp: SelfTradePrevention
    /// Set when self-trade prevention stopped it (its remainder then expires).
    public var stoppedBySTP = false

    @inlinable
    public init(orderId: Int64, account: UInt32, group: UInt32, side: Side, limit: Int64, remaining: Int64,
                stp: SelfTradePrevention) {
        self.orderId = orderId
        self.account = account
        self.group = group
        self.side = side
        self.limit = limit
        self.remaining = remaining
        self.stp = stp
    }
}

/// Why the matching loop takes a resting order out of the book without a trade.
public enum MatchExpiry: Sendable {
    /// It belongs to the taker's self-trade-prevention group and the STP mode expires makers.
    case selfTrade
    /// It is reduce-only and can no longer reduce its owner's position.
    case reduceOnly
}

/// What the matching loop asks of its owner: settlement, bookkeeping and removal of
/// resting orders (the book's owner lists belong to the caller). The engine implements
/// it with risk, the ledger and events; a plain book (benchmarks, tests) with owner heads
/// only. `Matcher.match` is generic over it and inlinable, so each owner gets a
/// specialised loop with direct calls.
public protocol MatchingDelegate {
    /// Removes the resting order in `slot` (still in the book, with quantity) for `reason`.
    mutating func expire(slot: Int32, reason: MatchExpiry)
    /// The most the reduce-only `maker` may trade now (0: it expires as `.reduceOnly`).
    mutating func reduceOnlyCap(of maker: RestingOrder) -> Int64
    /// One trade of `quantity` at the maker's price, before the book is updated
    /// (`taker.remaining` still includes `quantity`).
    mutating func trade(maker: RestingOrder, taker: MatchTaker, quantity: Int64)
    /// The maker in `slot` is fully filled (its remaining is 0): take it out of the book.
    mutating func filled(slot: Int32, maker: RestingOrder)
}

/// The venue's matching loop (PERP-2, PERP-3): strict price-time priority against the
/// opposite side, every trade at the maker's price, self-trade prevention by group and
/// reduce-only caps on makers. It is the loop `Engine` runs for every order; the
/// benchmarks run the same loop on a bare book.
public enum Matcher {
    /// Matches `taker` against `book` until it is filled, its limit is reached, the book
    /// side is empty or self-trade prevention stops it. Returns the price of the last
    /// trade, 0 when nothing traded. What is left is the caller's to rest or expire.
    @inlinable
    public static func match<Delegate: MatchingDelegate>(_ taker: inout MatchTaker, in book: OrderBook,
                                                           delegate: inout Delegate) -> Int64 {
        let makerSide = taker.side.opposite
        let isBuy = taker.side == .buy
        var lastPrice: Int64 = 0
        while taker.remaining > 0, let slot = book.bestSlot(of: makerSide) {
            let maker = book[slot]
            if isBuy ? maker.price > taker.limit : maker.price < taker.limit { break }
            if maker.group == taker.group {
                if taker.stp.expiresMaker { delegate.expire(slot: slot, reason: .selfTrade) }
                if taker.stp.expiresTaker {
                    taker.stoppedBySTP = true
                    break
                }
                continue
            }
            var quantity = min(taker.remaining, maker.remaining)
            if maker.reduceOnly {
                let cap = delegate.reduceOnlyCap(of: maker)
                if cap == 0 {
                    delegate.expire(slot: slot, reason: .reduceOnly)
                    continue
                }
                quantity = min(quantity, cap)
            }
            delegate.trade(maker: maker, taker: taker, quantity: quantity)
            taker.remaining -= quantity
            lastPrice = maker.price
            if book.fill(slot: slot, quantity: quantity) {
                delegate.filled(slot: slot, maker: maker)
            } else if maker.reduceOnly && quantity < min(taker.remaining + quantity, maker.remaining) {
                // The reduce-only maker hit its cap: what is left would increase exposure.
                delegate.expire(slot: slot, reason: .reduceOnly)
            }
        }
        return lastPrice
    }
}

/// A book with nothing around it: the matching loop on one `OrderBook` with owner
/// lists per account and no risk, settlement or reduce-only (the "matching only"
/// benchmark, and tests of the loop). Every order is a GTC limit order.
public struct BookOnlyMatching: MatchingDelegate {
    /// One trade, at the maker's price.
    public struct Fill: Sendable, Hashable {
        public var makerOrderId: Int64
        public var makerAccount: UInt32
        public var price: Int64
        public var quantity: Int64

        public init(makerOrderId: Int64, makerAccount: UInt32, price: Int64, quantity: Int64) {
            self.makerOrderId = makerOrderId
            self.makerAccount = makerAccount
            self.price = price
            self.quantity = quantity
        }
    }

    public let book: OrderBook
    /// Head slot of each account's resting orders (the book's owner list), -1 when none.
    @usableFromInline var ownerHeads: ContiguousArray<Int32>
    /// When set, the fills of the last `submit`, in matching order (a reused buffer).
    public var recordsFills: Bool
    public var fills: [Fill] = []
    /// Trades since creation.
    public var fillCount: Int64 = 0

    /// `accounts` only pre-sizes the owner-head table; larger account numbers grow it.
    public init(instrument: InstrumentID = InstrumentID(0), accounts: Int = 16, recordsFills: Bool = true) {
        book = OrderBook(instrument: instrument)
        ownerHeads = ContiguousArray(repeating: -1, count: max(1, accounts))
        self.recordsFills = recordsFills
        fills.reserveCapacity(64)
    }

    /// Matches a GTC limit order and rests what is left. Returns the quantity filled.
    @inlinable @discardableResult
    public mutating func submit(orderId: Int64, account: UInt32, group: UInt32, side: Side, price: Int64,
                                quantity: Int64, stp: SelfTradePrevention = .expireTaker) -> Int64 {
        precondition(quantity > 0, "quantity must be positive")
        if recordsFills && !fills.isEmpty { fills.removeAll(keepingCapacity: true) }
        if Int(account) >= ownerHeads.count {
            ownerHeads.append(contentsOf: repeatElement(-1, count: Int(account) + 1 - ownerHeads.count))
        }
        var taker = MatchTaker(orderId: orderId, account: account, group: group, side: side, limit: price,
                               remaining: quantity, stp: stp)
        let book = self.book
        _ = Matcher.match(&taker, in: book, delegate: &self)
        if taker.remaining > 0 && !taker.stoppedBySTP {
            let order = RestingOrder(orderId: orderId, account: account, group: group, side: side, price: price,
                                     quantity: quantity, remaining: taker.remaining, reduceOnly: false)
            book.insert(order, ownerHead: &ownerHeads[Int(account)])
        }
        return quantity - taker.remaining
    }

    /// Cancels a resting order; returns its remaining quantity, or nil when it is not resting.
    @discardableResult
    public mutating func cancel(orderId: Int64) -> Int64? {
        guard let slot = book.slot(of: orderId) else { return nil }
        let account = Int(book[slot].account)
        return book.remove(slot: slot, ownerHead: &ownerHeads[account]).remaining
    }

    @inlinable
    public mutating func expire(slot: Int32, reason: MatchExpiry) {
        let account = Int(book[slot].account)
        book.remove(slot: slot, ownerHead: &ownerHeads[account])
    }

    @inlinable
    public func reduceOnlyCap(of maker: RestingOrder) -> Int64 { maker.remaining }

    @inlinable
    public mutating func trade(maker: RestingOrder, taker: MatchTaker, quantity: Int64) {
        fillCount &+= 1
        if recordsFills {
            fills.append(Fill(makerOrderId: maker.orderId, makerAccount: maker.account, price: maker.price, quantity: quantity))
        }
    }

    @inlinable
    public mutating func filled(slot: Int32, maker: RestingOrder) {
        book.remove(slot: slot, ownerHead: &ownerHeads[Int(maker.account)])
    }
}
