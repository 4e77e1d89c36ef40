import Compliance
import HarbourCore
import Matching
import Spot

/// Stop and take-profit orders on the spot markets (SPOT-1: the perpetuals' order types
/// where they make sense). A spot stop waits in its market's `ConditionalOrderBook` and is
/// triggered by the market's last trade price (a spot market has no mark price); when it
/// triggers it becomes a limit or market order with the same id, checked and locked like a
/// new one at that moment. A waiting stop locks nothing, as a perpetual's conditional order
/// reserves no margin: what it would sell or pay is checked when it is placed (an early,
/// clear refusal) and again when it triggers, so nothing is ever sold that is not held.
extension Engine {
    /// Files a checked stop order (shape, status and eligibility already passed).
    func placeSpotStop(_ o: PlaceOrder, market m: Int) {
        let ms = spot.specs[m], spec = ms.market, a = o.account.index, coid = o.clientOrderId
        func refuse(_ code: RejectCode, _ message: String) { reject(code, message, account: o.account, clientOrderId: coid) }
        guard o.trigger == .last else {
            return refuse(.invalidOrderType, "stops on the spot market \(spec.symbol) trigger on its last trade price (trigger last): a spot market has no mark price")
        }
        let probe = ConditionalOrder(orderId: 0, account: a, side: o.side, type: o.type, stopPrice: o.stopPrice, limitPrice: o.price,
                                     quantity: o.quantity, reduceOnly: false, timeInForce: o.timeInForce, stp: o.stp,
                                     source: .last, clientOrderId: coid)
        let last = spot.lastPrices[m]
        if last > 0 && probe.isTriggered(by: last) {
            return refuse(.stopWouldTriggerImmediately,
                          "stop price \(spec.priceString(o.stopPrice)) would trigger at once against the last trade \(spec.priceString(last))")
        }
        spot.ensure(account: a)
        if Int(spot.openCounts[m][Int(a)]) + spotStops(of: a, market: m).count >= spec.maxOpenOrders {
            return refuse(.tooManyOpenOrders, "at most \(spec.maxOpenOrders) open orders (resting and stops) per account on \(spec.symbol)")
        }
        if let r = spotStopFundsRefusal(o, market: m) { return refuse(r.code, r.message) }
        let id = nextOrderId
        nextOrderId += 1
        var c = probe
        c.orderId = id
        spot.stops[m].add(c)
        conditionalLocation[id] = (UInt16(spot.firstId + m), .last)
        if let coid { accounts[Int(a)].clientOrderIds.open(coid, order: id); clientIdByOrder[id] = coid }
        events.append(.accepted(orderId: id, account: o.account, instrument: o.instrument, clientOrderId: coid))
    }

    /// Whether the account holds now what the stop would sell (its base) or pay (a limit
    /// buy's quote at its limit with the largest fee); a market buy's cost is known only
    /// when it triggers.
    func spotStopFundsRefusal(_ o: PlaceOrder, market m: Int) -> Rejection? {
        let ms = spot.specs[m], spec = ms.market
        guard o.side == .sell || o.type.hasLimitPrice else { return nil }
        let need = spotLock(ms, account: o.account.index, side: o.side, price: o.price, quantity: o.quantity)
        let available: Int128 = o.side == .buy ? withdrawable(o.account.index) : Int128(balance(o.account, asset: ms.base.code))
        guard Int128(need.amount) > available else { return nil }
        let scale = o.side == .buy ? ms.quote.scale : ms.base.scale
        return Rejection(.insufficientBalance,
                         "the stop would \(o.side == .buy ? "pay" : "sell") \(FixedDecimal.format(need.amount, scale: scale)) \(need.asset) when it triggers (\(spec.sizeString(o.quantity)) \(ms.base.code)); available \(FixedDecimal.format(Int64(clamping: max(0, available)), scale: scale)) — a waiting stop locks nothing and is checked again when it triggers")
    }

    /// Fires the stops that the markets' new last prices trigger, until none fire (a
    /// triggered order's trades move the price again).
    func runSpotStops() {
        while let m = spot.stopsMoved.popLast() {
            for c in spot.stops[m].popTriggered(by: spot.lastPrices[m]) { activateSpotStop(c, market: m) }
        }
    }

    /// A triggered stop becomes a live order with its id, checked like a new one now.
    func activateSpotStop(_ c: ConditionalOrder, market m: Int) {
        conditionalLocation.removeValue(forKey: c.orderId)
        let account = AccountID(c.account), instrument = InstrumentID(UInt16(spot.firstId + m))
        events.append(.triggered(orderId: c.orderId, account: account, instrument: instrument, clientOrderId: c.clientOrderId))
        let type: OrderType = c.type.hasLimitPrice ? .limit : .market
        let o = PlaceOrder(account: account, instrument: instrument, side: c.side, type: type,
                           timeInForce: type == .limit ? c.timeInForce : .ioc, price: type == .limit ? c.limitPrice : 0,
                           quantity: c.quantity, reduceOnly: false, stp: c.stp, clientOrderId: c.clientOrderId)
        var refusal: Rejection?
        switch spot.statuses[m] {
        case .enabled: break
        case .cancelOnly: refusal = Rejection(.instrumentCancelOnly, "\(spot.specs[m].symbol) is cancel-only: the triggered stop cannot trade")
        case .disabled: refusal = Rejection(.instrumentDisabled, "\(spot.specs[m].symbol) is disabled: the triggered stop cannot trade")
        }
        if refusal == nil, c.side == .buy, let r = RiskIncreaseCheck.classificationRefusal(for: compliance.records[c.account], now: lastTimestamp) {
            refusal = Rejection(RejectCode(rawValue: r.code) ?? .notProfessionalInvestor, r.message)
        }
        if let r = refusal {
            reject(r.code, r.message, account: account, clientOrderId: c.clientOrderId, orderId: c.orderId)
            return finishClientId(orderId: c.orderId, account: c.account)
        }
        executeSpot(o, market: m, orderId: c.orderId)
    }

    /// Removes a waiting stop with a `canceled` event.
    func cancelSpotStop(_ id: OrderID, market m: Int, reason: String) {
        guard let c = spot.stops[m].remove(orderId: id) else { return }
        conditionalLocation.removeValue(forKey: id)
        events.append(.canceled(OrderEnd(orderId: id, account: AccountID(c.account), instrument: InstrumentID(UInt16(spot.firstId + m)),
                                         clientOrderId: c.clientOrderId, reason: reason, remaining: c.quantity)))
        finishClientId(orderId: id, account: c.account)
    }

    /// Account `a`'s waiting stops in market `m`, in id order.
    func spotStops(of a: UInt32, market m: Int) -> [ConditionalOrder] { spot.stops[m].all.filter { $0.account == a } }
}
