import HarbourCore
import Compliance
import Matching

/// Amending a resting spot order (SPOT-1), with the perpetuals' rules: a smaller quantity
/// at the same price keeps the order's place and gives back the lock of the cut; a new
/// price or a larger quantity takes the order out, checks it as if new (status, band,
/// eligibility for a buy, funds with its old lock counted as free), and runs it as an
/// incoming order that may trade, resting what is left at the back of its level. On any
/// refusal nothing changes.
extension Engine {
    func amendSpot(account: AccountID, market m: Int, ref: OrderRef, price: Int64?, quantity: Int64?) {
        let a = account.index, ms = spot.specs[m], spec = ms.market
        let id: OrderID?
        switch ref {
        case .id(let x): id = x
        case .client(let c): id = accounts[Int(a)].clientOrderIds.order(for: c)
        }
        guard let id, let slot = spot.books[m].slot(of: id), spot.books[m][slot].account == a else {
            return reject(.unknownOrder, "no open order \(ref.text) for this account on \(spec.symbol)", account: account, clientOrderId: ref.clientId)
        }
        let coid = clientIdByOrder[id]
        func refuse(_ code: RejectCode, _ message: String) { reject(code, message, account: account, clientOrderId: coid, orderId: id) }
        let o = spot.books[m][slot]
        guard price != nil || quantity != nil else { return refuse(.malformedCommand, "amend needs a new price or a new quantity") }
        let newPrice = price ?? o.price, newQuantity = quantity ?? o.quantity, filled = o.quantity - o.remaining
        if let r = checkPrice(newPrice, spec: spec, what: "price") { return refuse(r.code, r.message) }
        if newQuantity <= 0 || newQuantity % spec.lotSize != 0 || newQuantity > spec.maxQuantity {
            return refuse(newQuantity % spec.lotSize != 0 ? .quantityOffLot : .invalidQuantity,
                          "new quantity must be a positive multiple of the lot \(spec.sizeString(spec.lotSize)) up to \(spec.sizeString(spec.maxQuantity))")
        }
        guard newQuantity > filled else {
            return refuse(.invalidQuantity, "new quantity \(spec.sizeString(newQuantity)) must exceed the \(spec.sizeString(filled)) already filled")
        }
        let newRemaining = newQuantity - filled
        if newPrice == o.price && newRemaining <= o.remaining {
            let cut = o.remaining - newRemaining
            if cut > 0 {
                _ = spot.books[m].fill(slot: slot, quantity: cut)
                spot.books[m].setQuantity(slot: slot, quantity: newQuantity)
                releaseSpot(m, account: a, side: o.side, price: o.price, quantity: cut)
            }
            events.append(.amended(orderId: id, account: account, instrument: InstrumentID(UInt16(spot.firstId + m)), price: newPrice,
                                   quantity: newQuantity, clientOrderId: coid))
            return
        }
        if let r = spotAmendProblem(m, account: account, order: o, price: newPrice, remaining: newRemaining) { return refuse(r.code, r.message) }
        // Out of the book with its lock, the new lock in, then matched as an incoming order.
        spot.remove(slot: slot, market: m)
        releaseSpot(m, account: a, side: o.side, price: o.price, quantity: o.remaining)
        let lock = spotLock(ms, account: a, side: o.side, price: newPrice, quantity: newRemaining)
        ledger.post(from: ledger.book(.clientCash(account: a, asset: lock.asset)), to: ledger.book(.clientLocked(account: a, asset: lock.asset)),
                    amount: lock.amount, reason: .spotLock)
        touchAsset(a, lock.asset)
        events.append(.amended(orderId: id, account: account, instrument: InstrumentID(UInt16(spot.firstId + m)), price: newPrice,
                               quantity: newQuantity, clientOrderId: coid))
        var taker = MatchTaker(orderId: id, account: a, group: accounts[Int(a)].group, side: o.side, limit: newPrice,
                               remaining: newRemaining, stp: .expireTaker)
        var delegate = SpotMatching(engine: self, market: m, takerLimit: newPrice, takerRate: config.feeTiers[accounts[Int(a)].feeTier].taker)
        let last = Matcher.match(&taker, in: spot.books[m], delegate: &delegate)
        if last != 0 { spot.lastPrices[m] = last; spot.lastPriceMoved(m) }
        if taker.remaining == 0 { return finishClientId(orderId: id, account: a) }
        if taker.stoppedBySTP { return endSpotTaker(taker, market: m, reason: "STP") }
        spot.insert(RestingOrder(orderId: id, account: a, group: taker.group, side: o.side, price: newPrice, quantity: newQuantity,
                                 remaining: taker.remaining, reduceOnly: false), market: m)
    }

    /// Why the amended order (losing its place) cannot be accepted; nil when it can. Its
    /// old lock counts as free: it is given back before the new one is taken.
    private func spotAmendProblem(_ m: Int, account: AccountID, order o: RestingOrder, price: Int64, remaining: Int64) -> Rejection? {
        let a = account.index, ms = spot.specs[m], spec = ms.market
        switch spot.statuses[m] {
        case .enabled: break
        case .cancelOnly: return Rejection(.instrumentCancelOnly, "\(spec.symbol) is cancel-only: only cancels and size decreases are accepted")
        case .disabled: return Rejection(.instrumentDisabled, "\(spec.symbol) is disabled: only cancels are accepted")
        }
        let last = spot.lastPrices[m]
        if last > 0 {
            let w = Int64(Rate.scaled(Int128(last), byRaw: Int128(spec.priceBand.raw), rounding: .down))
            if price < last - w || price > last + w {
                return Rejection(.priceOutsideBand, "price \(spec.priceString(price)) is outside the band \(spec.priceString(last - w))–\(spec.priceString(last + w)) around the last trade \(spec.priceString(last))")
            }
        }
        if o.side == .buy, let r = RiskIncreaseCheck.classificationRefusal(for: compliance.records[a], now: lastTimestamp) {
            return Rejection(RejectCode(rawValue: r.code) ?? .notProfessionalInvestor, r.message)
        }
        let old = spotLock(ms, account: a, side: o.side, price: o.price, quantity: o.remaining)
        let new = spotLock(ms, account: a, side: o.side, price: price, quantity: remaining)
        let free: Int128 = o.side == .buy ? withdrawable(a) : Int128(balance(account, asset: ms.base.code))
        guard Int128(new.amount) <= free + Int128(old.amount) else {
            let scale = o.side == .buy ? ms.quote.scale : ms.base.scale
            return Rejection(.insufficientBalance, "the amended order locks \(FixedDecimal.format(new.amount, scale: scale)) \(new.asset); "
                             + "free \(FixedDecimal.format(Int64(clamping: max(0, free)), scale: scale)) plus its present lock \(FixedDecimal.format(old.amount, scale: scale))")
        }
        return nil
    }
}
