import Compliance
import HarbourCore
import Ledger
import Matching
import Spot

/// Spot order entry and delivery-versus-payment settlement (SPOT-1).
///
/// A spot order locks what it may need when it is accepted — a buy its quote at its limit
/// plus the most fee it may pay, a sell its base — by moving it from the client's cash
/// book to its `clientLocked` book, so margin and withdrawals no longer see it. Each fill
/// settles both legs inside one call, in one command: base from the seller's lock to the
/// buyer's cash, quote from the buyer's lock to the seller's cash, both fees to the house,
/// and the part of the buyer's lock the fill did not need back to its cash. There is no
/// state in which one leg settled and the other did not, and nobody sells what they do
/// not hold: a sell's base left the cash book before it could match.
extension Engine {
    /// The spot market index of instrument `id`, nil for a perpetual or an unknown id.
    @inline(__always)
    func spotMarket(_ id: InstrumentID) -> Int? { spot.market(id) }

    /// The balance of account `a`'s `asset` book of `kind` (0 when the book was never used).
    func assetBalance(_ key: BookKey) -> Int64 { ledger.existingBook(key).map { ledger.balance($0) } ?? 0 }

    /// A client's free balance of `asset` (cash not locked by open spot orders), raw units.
    public func balance(_ account: AccountID, asset: String) -> Int64 {
        assetBalance(.clientCash(account: account.index, asset: asset))
    }

    /// What a client's open spot orders lock of `asset`, raw units.
    public func locked(_ account: AccountID, asset: String) -> Int64 {
        assetBalance(.clientLocked(account: account.index, asset: asset))
    }

    /// The decimal scale of a held asset (the settlement asset's for an unknown code).
    public func assetScale(_ code: String) -> DecimalScale {
        if code == config.settlementAsset.code { return config.settlementAsset.scale }
        if let base = spot.specs.first(where: { $0.base.code == code }) { return base.base.scale }
        return config.securityAssets.first { $0.code == code }?.scale ?? config.settlementAsset.scale
    }

    /// The last trade price of a perpetual or spot market (0 before the first trade).
    public func lastPrice(_ id: InstrumentID) -> Int64 {
        if let m = spot.market(id) { return spot.lastPrices[m] }
        return lastPrices[Int(id.index)]
    }

    /// A spot market's trading status (`.enabled` for anything else).
    public func spotStatus(_ id: InstrumentID) -> InstrumentStatus { spot.market(id).map { spot.statuses[$0] } ?? .enabled }

    // MARK: - Place

    func placeSpot(_ o: PlaceOrder, market m: Int) {
        let coid = o.clientOrderId
        let a = o.account.index
        let ms = spot.specs[m], spec = ms.market
        func refuse(_ code: RejectCode, _ message: String) { reject(code, message, account: o.account, clientOrderId: coid) }
        if let c = coid, accounts[Int(a)].clientOrderIds.contains(c) {
            return refuse(.duplicateClientOrderId, "clientOrderId '\(c)' was already used by this account")
        }
        switch spot.statuses[m] {
        case .enabled: break
        case .cancelOnly: return refuse(.instrumentCancelOnly, "\(spec.symbol) is cancel-only: only cancels are accepted")
        case .disabled: return refuse(.instrumentDisabled, "\(spec.symbol) is disabled: only cancels are accepted")
        }
        if o.reduceOnly { return refuse(.invalidOrderType, "reduce-only has no meaning on the spot market \(spec.symbol): there is no position to reduce") }
        if let r = validateShape(o, spec: spec) { return refuse(r.code, r.message) }
        if o.side == .buy, let r = RiskIncreaseCheck.classificationRefusal(for: compliance.records[a], now: lastTimestamp) {
            return refuse(RejectCode(rawValue: r.code) ?? .notProfessionalInvestor, r.message)
        }
        if o.type.isConditional { return placeSpotStop(o, market: m) }
        executeSpot(o, market: m, orderId: nil)
    }

    /// Prices, locks and matches a checked spot order. `existing` nil: a new order (it gets
    /// an id and an `accepted` event); otherwise a triggered stop, which keeps its id and
    /// whose refusal ends it.
    func executeSpot(_ o: PlaceOrder, market m: Int, orderId existing: OrderID?) {
        let coid = o.clientOrderId
        let a = o.account.index
        let ms = spot.specs[m], spec = ms.market
        func refuse(_ code: RejectCode, _ message: String) {
            reject(code, message, account: o.account, clientOrderId: coid, orderId: existing)
            if let existing { finishClientId(orderId: existing, account: a) }
        }
        let limit: Int64
        if o.type.hasLimitPrice {
            let last = spot.lastPrices[m]
            if last > 0 {
                let w = Int64(Rate.scaled(Int128(last), byRaw: Int128(spec.priceBand.raw), rounding: .down))
                if o.price < last - w || o.price > last + w {
                    return refuse(.priceOutsideBand, "price \(spec.priceString(o.price)) is outside the band \(spec.priceString(last - w))–\(spec.priceString(last + w)) around the last trade \(spec.priceString(last))")
                }
            }
            limit = o.price
        } else {
            guard let best = spot.books[m].bookSide(o.side.opposite).bestPrice else {
                return refuse(.noLiquidity, "no \(o.side.opposite == .buy ? "bids" : "offers") on \(spec.symbol): a market order has nothing to trade against")
            }
            limit = protectionLimit(spec, reference: best, side: o.side)
        }
        if o.timeInForce == .postOnly, let best = spot.books[m].bookSide(o.side.opposite).bestPrice,
           o.side == .buy ? o.price >= best : o.price <= best {
            return refuse(.postOnlyWouldTake, "post-only \(o.side) at \(spec.priceString(o.price)) would take liquidity at \(spec.priceString(best))")
        }
        let rests = o.type == .limit && (o.timeInForce == .gtc || o.timeInForce == .postOnly)
        spot.ensure(account: a)
        if rests && Int(spot.openCounts[m][Int(a)]) >= spec.maxOpenOrders {
            return refuse(.tooManyOpenOrders, "at most \(spec.maxOpenOrders) open orders per account on \(spec.symbol)")
        }
        let lock = spotLock(ms, account: a, side: o.side, price: limit, quantity: o.quantity)
        let available: Int128 = o.side == .buy ? withdrawable(a) : Int128(balance(o.account, asset: ms.base.code))
        if Int128(lock.amount) > available {
            let scale = o.side == .buy ? ms.quote.scale : ms.base.scale
            let what = o.side == .buy
                ? "buying \(spec.sizeString(o.quantity)) \(ms.base.code) at up to \(spec.priceString(limit)) needs \(FixedDecimal.format(lock.amount, scale: scale)) \(ms.quote.code) with the largest fee"
                : "selling \(spec.sizeString(o.quantity)) \(ms.base.code) needs \(FixedDecimal.format(lock.amount, scale: scale)) \(ms.base.code)"
            return refuse(.insufficientBalance, "\(what); available \(FixedDecimal.format(Int64(clamping: max(0, available)), scale: scale)) (not locked by open orders\(o.side == .buy ? " nor needed as margin" : ""))")
        }
        let id: OrderID
        if let existing { id = existing } else {
            id = nextOrderId
            nextOrderId += 1
            if let coid { accounts[Int(a)].clientOrderIds.open(coid, order: id); clientIdByOrder[id] = coid }
            events.append(.accepted(orderId: id, account: o.account, instrument: o.instrument, clientOrderId: coid))
        }
        ledger.post(from: ledger.book(.clientCash(account: a, asset: lock.asset)), to: ledger.book(.clientLocked(account: a, asset: lock.asset)),
                    amount: lock.amount, reason: .spotLock)
        touchAsset(a, lock.asset)
        var taker = MatchTaker(orderId: id, account: a, group: accounts[Int(a)].group, side: o.side, limit: limit,
                               remaining: o.quantity, stp: o.stp)
        if o.timeInForce == .fok && spotFillable(taker, market: m) < o.quantity {
            return endSpotTaker(taker, market: m, reason: "FOK")
        }
        var delegate = SpotMatching(engine: self, market: m, takerLimit: limit,
                                    takerRate: config.feeTiers[accounts[Int(a)].feeTier].taker)
        let last = Matcher.match(&taker, in: spot.books[m], delegate: &delegate)
        if last != 0 { spot.lastPrices[m] = last; spot.lastPriceMoved(m) }
        if taker.remaining == 0 { return finishClientId(orderId: id, account: a) }
        if taker.stoppedBySTP { return endSpotTaker(taker, market: m, reason: "STP") }
        if rests {
            spot.insert(RestingOrder(orderId: id, account: a, group: taker.group, side: o.side, price: limit, quantity: o.quantity,
                                     remaining: taker.remaining, reduceOnly: false), market: m)
        } else {
            endSpotTaker(taker, market: m, reason: o.type.hasLimitPrice ? o.timeInForce.name : "IOC")
        }
    }

    /// The worst price a market order may fill at: `reference` ± protection, on the tick.
    func protectionLimit(_ spec: InstrumentSpec, reference: Int64, side: Side) -> Int64 {
        let w = Int64(Rate.scaled(Int128(reference), byRaw: Int128(spec.marketProtection.raw), rounding: .down))
        if side == .buy {
            let p = min(reference + w, spec.maxPrice)
            return p - p % spec.tickSize
        }
        let p = reference - w, r = p % spec.tickSize
        return max(spec.tickSize, r == 0 ? p : p - r + spec.tickSize)
    }

    /// What an order of account `a` locks for `quantity` at `price`: quote for a buy, base for a sell.
    @inline(__always)
    func spotLock(_ ms: SpotMarketSpec, account a: UInt32, side: Side, price: Int64, quantity: Int64) -> (asset: String, amount: Int64) {
        if side == .buy {
            let rate = SpotSettlement.lockRate(config.feeTiers[accounts[Int(a)].feeTier])
            return (ms.quote.code, SpotSettlement.buyLock(ms, price: price, quantity: quantity, rate: rate))
        }
        return (ms.base.code, SpotSettlement.delivery(ms, quantity: quantity))
    }

    /// Gives back what `quantity` of an order locked at `price` (its unfilled part).
    func releaseSpot(_ m: Int, account a: UInt32, side: Side, price: Int64, quantity: Int64) {
        let lock = spotLock(spot.specs[m], account: a, side: side, price: price, quantity: quantity)
        ledger.post(from: ledger.book(.clientLocked(account: a, asset: lock.asset)), to: ledger.book(.clientCash(account: a, asset: lock.asset)),
                    amount: lock.amount, reason: .spotRelease)
        touchAsset(a, lock.asset)
    }

    /// Ends an incoming order's unfilled remainder (IOC, FOK, STP, market) and unlocks it.
    func endSpotTaker(_ t: MatchTaker, market m: Int, reason: String) {
        releaseSpot(m, account: t.account, side: t.side, price: t.limit, quantity: t.remaining)
        events.append(.expired(OrderEnd(orderId: t.orderId, account: AccountID(t.account), instrument: InstrumentID(UInt16(spot.firstId + m)),
                                        clientOrderId: clientIdByOrder[t.orderId], reason: reason, remaining: t.remaining)))
        finishClientId(orderId: t.orderId, account: t.account)
    }

    /// How much of `t` could fill now in market `m`, honouring self-trade prevention (FOK).
    func spotFillable(_ t: MatchTaker, market m: Int) -> Int64 {
        spot.books[m].fillable(side: t.side, limit: t.limit, group: t.group, stp: t.stp, remaining: t.remaining)
    }

    /// Settles one fill of `quantity` at the maker's price, both legs at once (see the type's comment).
    func settleSpot(market m: Int, maker: RestingOrder, taker: MatchTaker, quantity: Int64, takerLimit: Int64, takerRate: Rate) {
        let ms = spot.specs[m]
        let price = maker.price
        let takerBuys = taker.side == .buy
        let buyer = takerBuys ? taker.account : maker.account
        let seller = takerBuys ? maker.account : taker.account
        let makerRate = config.feeTiers[accounts[Int(maker.account)].feeTier].maker
        let notional = SpotSettlement.notional(ms, price: price, quantity: quantity)
        let buyerFee = SpotSettlement.fee(notional: notional, rate: takerBuys ? takerRate : makerRate)
        let sellerFee = SpotSettlement.fee(notional: notional, rate: takerBuys ? makerRate : takerRate)
        let quote = ms.quote.code, base = ms.base.code
        // Delivery: the seller's locked base to the buyer.
        ledger.post(from: ledger.book(.clientLocked(account: seller, asset: base)), to: ledger.book(.clientCash(account: buyer, asset: base)),
                    amount: SpotSettlement.delivery(ms, quantity: quantity), reason: .spotDelivery)
        // Payment: the buyer's locked quote to the seller, the buyer's fee to the house.
        let buyerLock = ledger.book(.clientLocked(account: buyer, asset: quote))
        let buyerCash = accounts[Int(buyer)].cashBook, sellerCash = accounts[Int(seller)].cashBook
        ledger.post(from: buyerLock, to: sellerCash, amount: notional, reason: .spotPayment)
        if buyerFee >= 0 {
            ledger.post(from: buyerLock, to: feesBook, amount: buyerFee, reason: .fee)
        } else {
            ledger.post(from: feesBook, to: buyerCash, amount: -buyerFee, reason: .rebate)
        }
        let buyerLimit = takerBuys ? takerLimit : maker.price
        let unlocked = spotLock(ms, account: buyer, side: .buy, price: buyerLimit, quantity: quantity).amount - notional - max(0, buyerFee)
        precondition(unlocked >= 0, "a buy's lock covers its fills and fees (SpotSettlement)")
        ledger.post(from: buyerLock, to: buyerCash, amount: unlocked, reason: .spotRelease)
        if sellerFee >= 0 {
            ledger.post(from: sellerCash, to: feesBook, amount: sellerFee, reason: .fee)
        } else {
            ledger.post(from: feesBook, to: sellerCash, amount: -sellerFee, reason: .rebate)
        }
        touchBalance(buyer)
        touchBalance(seller)
        touchAsset(buyer, base)
        touchAsset(seller, base)
        events.append(.trade(Trade(instrument: InstrumentID(UInt16(spot.firstId + m)), price: price, quantity: quantity,
                                   makerOrderId: maker.orderId, takerOrderId: taker.orderId,
                                   makerAccount: AccountID(maker.account), takerAccount: AccountID(taker.account),
                                   takerSide: taker.side, makerFee: takerBuys ? sellerFee : buyerFee,
                                   takerFee: takerBuys ? buyerFee : sellerFee)))
    }

    /// Queues a balance event for a non-settlement asset of account `a` (settlement-asset
    /// balances go through `touchBalance`).
    func touchAsset(_ a: UInt32, _ asset: String) {
        if asset == config.settlementAsset.code { return touchBalance(a) }
        if !touchedAssets.contains(where: { $0.account == a && $0.asset == asset }) { touchedAssets.append((a, asset)) }
    }

    // MARK: - Cancel

    /// Removes a resting spot order that still has quantity, unlocking it, with an event.
    func removeSpotResting(slot: Int32, market m: Int, reason: String, canceled: Bool) {
        let o = spot.remove(slot: slot, market: m)
        releaseSpot(m, account: o.account, side: o.side, price: o.price, quantity: o.remaining)
        let end = OrderEnd(orderId: o.orderId, account: AccountID(o.account), instrument: InstrumentID(UInt16(spot.firstId + m)),
                           clientOrderId: clientIdByOrder[o.orderId], reason: reason, remaining: o.remaining)
        events.append(canceled ? .canceled(end) : .expired(end))
        finishClientId(orderId: o.orderId, account: o.account)
    }

    func cancelSpot(account: AccountID, market m: Int, ref: OrderRef) {
        let id: OrderID?
        switch ref {
        case .id(let x): id = x
        case .client(let c): id = accounts[Int(account.index)].clientOrderIds.order(for: c)
        }
        if let id, spot.stops[m].find(orderId: id)?.account == account.index { return cancelSpotStop(id, market: m, reason: "USER") }
        guard let id, let slot = spot.books[m].slot(of: id), spot.books[m][slot].account == account.index else {
            return reject(.unknownOrder, "no open order \(ref.text) for this account on \(spot.specs[m].symbol)",
                          account: account, clientOrderId: ref.clientId)
        }
        removeSpotResting(slot: slot, market: m, reason: "USER", canceled: true)
    }

    /// Cancels every resting order of `account` in market `m`, oldest first.
    func cancelAllSpot(account: AccountID, market m: Int) {
        for slot in spot.slots(of: account.index, market: m) {
            removeSpotResting(slot: slot, market: m, reason: "MASS_CANCEL", canceled: true)
        }
        for c in spotStops(of: account.index, market: m) { cancelSpotStop(c.orderId, market: m, reason: "MASS_CANCEL") }
    }

    // MARK: - Deposits and withdrawals of spot assets

    /// Operator-recorded deposit of a spot asset (BTC, ETH) into a client's cash.
    func depositAsset(account: AccountID, asset: Asset, amount: Int64) {
        let a = account.index
        let current = balance(account, asset: asset.code)
        guard current.addingReportingOverflow(amount).overflow == false, current + amount <= Engine.maxBalance else {
            return reject(.invalidAmount, "deposit would take the balance beyond the venue's limit", account: account, clientOrderId: nil)
        }
        ledger.post(from: ledger.book(.external(asset: asset.code)), to: ledger.book(.clientCash(account: a, asset: asset.code)),
                    amount: amount, reason: .deposit)
        touchAsset(a, asset.code)
    }

    /// Withdrawal of a spot asset: free units only (not locked by open orders).
    func withdrawAsset(account: AccountID, asset: Asset, amount: Int64) {
        if let large = config.largeAssetWithdrawals[asset.code], amount >= large {
            return reject(.fourEyesRequired,
                          "withdrawals of \(FixedDecimal.format(large, scale: asset.scale)) \(asset.code) or more need a maker and a different checker: propose it (proposeWithdrawal) for another staff member to approve",
                          account: account, clientOrderId: nil)
        }
        if let r = assetWithdrawalProblem(account, asset, amount) { return reject(r.code, r.message, account: account, clientOrderId: nil) }
        payOutAsset(account.index, asset.code, amount)
    }

    /// Why `amount` of `asset` cannot leave `account` now (free units only), nil when it can.
    func assetWithdrawalProblem(_ account: AccountID, _ asset: Asset, _ amount: Int64) -> Rejection? {
        let free = balance(account, asset: asset.code)
        guard amount <= free else {
            return Rejection(.insufficientBalance, "withdrawal of \(FixedDecimal.format(amount, scale: asset.scale)) \(asset.code) exceeds the free \(FixedDecimal.format(free, scale: asset.scale)) (units locked by open orders or pledged to a loan cannot leave)")
        }
        return nil
    }

    /// Posts a withdrawal of checked free units of a spot asset.
    func payOutAsset(_ a: UInt32, _ code: String, _ amount: Int64) {
        ledger.post(from: ledger.book(.clientCash(account: a, asset: code)), to: ledger.book(.external(asset: code)),
                    amount: amount, reason: .withdrawal)
        touchAsset(a, code)
    }

    // MARK: - Invariants

    /// Each account's locked books hold exactly what its open spot orders lock.
    func spotLockViolations() -> [String] {
        var expected: [BookKey: Int64] = [:]
        for m in spot.specs.indices {
            for side in [Side.buy, .sell] {
                for o in spot.books[m].ordersInPriority(side) {
                    let lock = spotLock(spot.specs[m], account: o.account, side: side, price: o.price, quantity: o.remaining)
                    expected[.clientLocked(account: o.account, asset: lock.asset), default: 0] += lock.amount
                }
            }
        }
        var problems: [String] = []
        for (i, key) in ledger.keys.enumerated() {
            guard case let .clientLocked(a, asset) = key else { continue }
            let want = expected[key] ?? 0
            if ledger.balances[i] != want {
                problems.append("account \(accounts[Int(a)].name): \(asset) locked \(ledger.balances[i]), its open spot orders lock \(want)")
            }
            expected[key] = nil
        }
        for (key, amount) in expected where amount != 0 { problems.append("\(key): open spot orders lock \(amount) but the book does not exist") }
        for (i, key) in ledger.keys.enumerated() {
            if case .clientCash(_, let asset) = key, asset != config.settlementAsset.code, ledger.balances[i] < 0 {
                problems.append("\(key) is negative: \(ledger.balances[i])")
            }
        }
        return problems
    }
}

/// The matching loop's delegate on a spot book: DvP settlement per fill, removal of
/// makers stopped by self-trade prevention (unlocking them) and of filled makers.
struct SpotMatching: MatchingDelegate {
    unowned(unsafe) let engine: Engine
    let market: Int
    let takerLimit: Int64
    let takerRate: Rate

    func expire(slot: Int32, reason: MatchExpiry) {
        engine.removeSpotResting(slot: slot, market: market, reason: "STP", canceled: false)
    }

    /// Spot has no reduce-only orders.
    func reduceOnlyCap(of maker: RestingOrder) -> Int64 { maker.remaining }

    func trade(maker: RestingOrder, taker: MatchTaker, quantity: Int64) {
        engine.settleSpot(market: market, maker: maker, taker: taker, quantity: quantity, takerLimit: takerLimit, takerRate: takerRate)
    }

    func filled(slot: Int32, maker: RestingOrder) {
        engine.spot.remove(slot: slot, market: market)
        engine.finishClientId(orderId: maker.orderId, account: maker.account)
    }
}
