import HarbourCore
import Matching

/// Order entry: validation, pre-trade risk, matching, resting, cancel and amend
/// (PERP-2, PERP-3, RISK-2). Every refusal is an event with a stable code and changes
/// nothing.
extension Engine {
    /// An order on its way through matching.
    struct Taker {
        var orderId: OrderID
        var account: UInt32
        var group: UInt32
        var instrument: UInt16
        var side: Side
        var limit: Int64
        var remaining: Int64
        var quantity: Int64
        var stp: SelfTradePrevention
        var reduceOnly: Bool
        var stoppedBySTP = false
        /// Fee rate charged instead of the account's taker rate (liquidation orders pay none here).
        var feeOverride: Rate? = nil
    }

    func place(_ o: PlaceOrder) {
        let coid = o.clientOrderId
        // Checked here too (not only at the edges) so that no command, from any source,
        // puts a control character or an over-long id into the engine's state; the
        // refusal does not echo the id.
        if let c = coid, !ClientOrderIdFormat.isValid(c) {
            let r = ClientOrderIdFormat.rejection(c)
            return reject(r.code, r.message, account: validAccount(o.account) ? o.account : nil, clientOrderId: nil)
        }
        guard validAccount(o.account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: coid) }
        if let m = spotMarket(o.instrument) { return placeSpot(o, market: m) }
        guard validInstrument(o.instrument) else { return reject(.unknownSymbol, "unknown symbol", account: o.account, clientOrderId: coid) }
        let a = Int(o.account.index), i = Int(o.instrument.index)
        let spec = specs[i]
        if let c = coid {
            if accounts[a].clientOrderIds.contains(c) {
                return reject(.duplicateClientOrderId, "clientOrderId '\(c)' was already used by this account", account: o.account, clientOrderId: c)
            }
        }
        if let r = statusCheck(i, reduceOnly: o.reduceOnly) { return reject(r.code, r.message, account: o.account, clientOrderId: coid) }
        if let r = validateShape(o, spec: spec) { return reject(r.code, r.message, account: o.account, clientOrderId: coid) }
        guard marks[i] > 0 else {
            return reject(.noMarkPrice, "\(spec.symbol) has no mark price yet; orders open when it does", account: o.account, clientOrderId: coid)
        }
        if !o.reduceOnly, let r = riskIncreaseRefusal(a, i, side: o.side, quantity: o.quantity, price: o.price) {
            return reject(r.code, r.message, account: o.account, clientOrderId: coid)
        }
        if o.type.isConditional {
            let reference = o.trigger == .mark ? marks[i] : (lastPrices[i] > 0 ? lastPrices[i] : marks[i])
            let probe = ConditionalOrder(orderId: 0, account: o.account.index, side: o.side, type: o.type, stopPrice: o.stopPrice,
                                         limitPrice: o.price, quantity: o.quantity, reduceOnly: o.reduceOnly,
                                         timeInForce: o.timeInForce, stp: o.stp, source: o.trigger, clientOrderId: coid)
            if probe.isTriggered(by: reference) {
                return reject(.stopWouldTriggerImmediately,
                              "stop price \(spec.priceString(o.stopPrice)) would trigger at once against the \(o.trigger.name) price \(spec.priceString(reference))",
                              account: o.account, clientOrderId: coid)
            }
            let id = nextOrderId
            nextOrderId += 1
            var c = probe
            c.orderId = id
            conditionals[i][o.trigger == .mark ? 0 : 1].add(c)
            conditionalLocation[id] = (UInt16(i), o.trigger)
            if let coid { accounts[a].clientOrderIds.open(coid, order: id); clientIdByOrder[id] = coid }
            events.append(.accepted(orderId: id, account: o.account, instrument: o.instrument, clientOrderId: coid))
            return
        }
        if let r = preTradeCheck(o, spec: spec) { return reject(r.code, r.message, account: o.account, clientOrderId: coid) }
        let id = nextOrderId
        nextOrderId += 1
        if let coid { accounts[a].clientOrderIds.open(coid, order: id); clientIdByOrder[id] = coid }
        events.append(.accepted(orderId: id, account: o.account, instrument: o.instrument, clientOrderId: coid))
        execute(o, orderId: id)
    }

    /// The PI-3 refusal of a new order that could increase account `a`'s position on `i`
    /// (nil when it only reduces, or the account may add risk). Market orders count at mark.
    func riskIncreaseRefusal(_ a: Int, _ i: Int, side: Side, quantity: Int64, price: Int64) -> Rejection? {
        let p = accounts[a].positions[i]
        guard mayIncreaseRisk(p, side: side, quantity: quantity) else { return nil }
        let notional = Int128(quantity) * Int128(price > 0 ? price : marks[i]) * Int128(productToAsset[i])
        return eligibilityRefusal(account: UInt32(a), instrument: i, leverage: p.leverage, addedNotional: notional)
    }

    /// Whether the instrument's status admits a new order (cancels are always admitted).
    func statusCheck(_ i: Int, reduceOnly: Bool) -> Rejection? {
        switch statuses[i] {
        case .enabled: return nil
        case .cancelOnly:
            return reduceOnly ? nil : Rejection(.instrumentCancelOnly, "\(specs[i].symbol) is cancel-only: only cancels and reduce-only orders are accepted")
        case .disabled: return Rejection(.instrumentDisabled, "\(specs[i].symbol) is disabled: only cancels are accepted")
        }
    }

    /// Static checks of an order against its contract: sizes, ticks, required fields.
    func validateShape(_ o: PlaceOrder, spec: InstrumentSpec) -> Rejection? {
        if o.quantity <= 0 { return Rejection(.invalidQuantity, "quantity must be positive") }
        if o.quantity % spec.lotSize != 0 {
            return Rejection(.quantityOffLot, "quantity \(spec.sizeString(o.quantity)) is not a multiple of the lot size \(spec.sizeString(spec.lotSize))")
        }
        if o.quantity < spec.minQuantity {
            return Rejection(.quantityBelowMinimum, "quantity \(spec.sizeString(o.quantity)) is below the minimum \(spec.sizeString(spec.minQuantity))")
        }
        if o.quantity > spec.maxQuantity {
            return Rejection(.quantityAboveMaximum, "quantity \(spec.sizeString(o.quantity)) is above the maximum \(spec.sizeString(spec.maxQuantity)) per order")
        }
        if o.type.hasLimitPrice {
            if o.price == 0 { return Rejection(.missingPrice, "\(o.type.name) orders need a price") }
            if let r = checkPrice(o.price, spec: spec, what: "price") { return r }
        } else if o.timeInForce == .postOnly || o.timeInForce == .fok {
            return Rejection(.invalidTimeInForce, "\(o.type.name) orders cannot be \(o.timeInForce.name)")
        }
        if o.type.isConditional {
            if o.stopPrice == 0 { return Rejection(.missingStopPrice, "\(o.type.name) orders need a stopPrice") }
            if let r = checkPrice(o.stopPrice, spec: spec, what: "stopPrice") { return r }
        }
        return nil
    }

    func checkPrice(_ price: Int64, spec: InstrumentSpec, what: String) -> Rejection? {
        if price <= 0 || price > spec.maxPrice {
            return Rejection(.invalidPrice, "\(what) must be positive and at most \(spec.priceString(spec.maxPrice))")
        }
        if price % spec.tickSize != 0 {
            return Rejection(.priceOffTick, "\(what) \(spec.priceString(price)) is not a multiple of the tick size \(spec.priceString(spec.tickSize))")
        }
        return nil
    }

    /// The band of acceptable limit prices around mark (PRICE-4).
    func band(_ i: Int) -> (low: Int64, high: Int64) {
        let mark = marks[i]
        let w = Int64(Rate.scaled(Int128(mark), byRaw: Int128(specs[i].priceBand.raw), rounding: .down))
        return (mark - w, mark + w)
    }

    /// The worst price a market order may fill at: mark ± protection, on the tick.
    func marketLimit(_ i: Int, side: Side) -> Int64 {
        let spec = specs[i]
        let mark = marks[i]
        let w = Int64(Rate.scaled(Int128(mark), byRaw: Int128(spec.marketProtection.raw), rounding: .down))
        if side == .buy {
            let p = min(mark + w, spec.maxPrice)
            return p - p % spec.tickSize
        } else {
            let p = mark - w
            let r = p % spec.tickSize
            return max(spec.tickSize, r == 0 ? p : p - r + spec.tickSize)
        }
    }

    /// Pre-trade checks that depend on state: band, reduce-only, post-only, order count,
    /// position limit and initial margin with this order counted as resting (RISK-2).
    func preTradeCheck(_ o: PlaceOrder, spec: InstrumentSpec) -> Rejection? {
        let a = Int(o.account.index), i = Int(o.instrument.index)
        let p = accounts[a].positions[i]
        let limit: Int64
        if o.type.hasLimitPrice {
            let b = band(i)
            if o.price < b.low || o.price > b.high {
                return Rejection(.priceOutsideBand, "price \(spec.priceString(o.price)) is outside the band \(spec.priceString(b.low))–\(spec.priceString(b.high)) around mark \(spec.priceString(marks[i]))")
            }
            limit = o.price
        } else {
            limit = marketLimit(i, side: o.side)
        }
        if o.reduceOnly {
            let reducible = o.side == .sell ? max(0, p.size) : max(0, -p.size)
            if o.quantity > reducible {
                return Rejection(.reduceOnlyWouldIncrease, "reduce-only \(o.side) of \(spec.sizeString(o.quantity)) exceeds the \(spec.sizeString(reducible)) it can reduce")
            }
        }
        if o.timeInForce == .postOnly, let best = books[i].bookSide(o.side.opposite).bestPrice,
           o.side == .buy ? o.price >= best : o.price <= best {
            return Rejection(.postOnlyWouldTake, "post-only \(o.side) at \(spec.priceString(o.price)) would take liquidity at \(spec.priceString(best))")
        }
        let rests = o.type == .limit || o.type == .stopLimit || o.type == .takeProfitLimit
        if rests && (o.timeInForce == .gtc || o.timeInForce == .postOnly) && Int(p.openOrders) >= spec.maxOpenOrders {
            return Rejection(.tooManyOpenOrders, "at most \(spec.maxOpenOrders) open orders per account on \(spec.symbol)")
        }
        if !o.reduceOnly {
            let worst = o.side == .buy ? (p.size + p.buyQuantity + o.quantity).magnitude : (p.size - p.sellQuantity - o.quantity).magnitude
            if worst > UInt64(spec.positionLimit) {
                return Rejection(.positionLimitExceeded, "position plus open \(o.side) orders would reach \(spec.sizeString(Int64(worst))), above the limit \(spec.sizeString(spec.positionLimit))")
            }
            let m = margin(of: o.account.index, extra: ExtraOrder(instrument: UInt16(i), side: o.side, quantity: o.quantity, price: limit))
            if m.initialRequired > m.equity {
                let s = config.settlementAsset.scale
                return Rejection(.insufficientMargin, "initial margin required \(FixedDecimal.format(Int64(clamping: m.initialRequired), scale: s)) exceeds equity \(FixedDecimal.format(Int64(clamping: m.equity), scale: s))")
            }
        }
        return nil
    }

    /// Matches an accepted order and rests or expires what is left.
    func execute(_ o: PlaceOrder, orderId: OrderID) {
        let a = Int(o.account.index), i = Int(o.instrument.index)
        let limit = o.type.hasLimitPrice ? o.price : marketLimit(i, side: o.side)
        var t = Taker(orderId: orderId, account: o.account.index, group: accounts[a].group, instrument: UInt16(i),
                      side: o.side, limit: limit, remaining: o.quantity, quantity: o.quantity, stp: o.stp, reduceOnly: o.reduceOnly)
        if o.timeInForce == .fok && fillable(t) < o.quantity {
            return endTaker(t, reason: "FOK")
        }
        match(&t)
        if t.remaining == 0 { return finishClientId(orderId: orderId, account: t.account) }
        if t.stoppedBySTP { return endTaker(t, reason: "STP") }
        if o.type.hasLimitPrice && (o.timeInForce == .gtc || o.timeInForce == .postOnly) {
            rest(t, reduceOnly: o.reduceOnly)
        } else {
            endTaker(t, reason: o.type.hasLimitPrice ? o.timeInForce.name : "IOC")
        }
    }

    func endTaker(_ t: Taker, reason: String) {
        events.append(.expired(OrderEnd(orderId: t.orderId, account: AccountID(t.account), instrument: InstrumentID(t.instrument),
                                        clientOrderId: clientIdByOrder[t.orderId], reason: reason, remaining: t.remaining)))
        finishClientId(orderId: t.orderId, account: t.account)
    }

    @inline(__always)
    func finishClientId(orderId: OrderID, account: UInt32) {
        if clientIdByOrder.isEmpty { return }
        if let c = clientIdByOrder.removeValue(forKey: orderId) {
            accounts[Int(account)].clientOrderIds.finish(c, memory: config.clientOrderIdMemory)
        }
    }

    /// How much of `t` could fill now, honouring self-trade prevention (for FOK).
    func fillable(_ t: Taker) -> Int64 {
        books[Int(t.instrument)].fillable(side: t.side, limit: t.limit, group: t.group, stp: t.stp, remaining: t.remaining)
    }

    /// Matches a taker with the venue's matching loop (`Matcher`), the engine providing
    /// settlement, reduce-only caps and removal of makers (`EngineMatching`).
    func match(_ t: inout Taker) {
        let i = Int(t.instrument)
        var delegate = EngineMatching(engine: self, instrument: t.instrument,
                                      takerFeeRate: t.feeOverride ?? config.feeTiers[accounts[Int(t.account)].feeTier].taker)
        var taker = MatchTaker(orderId: t.orderId, account: t.account, group: t.group, side: t.side, limit: t.limit,
                               remaining: t.remaining, stp: t.stp)
        let lastPrice = Matcher.match(&taker, in: books[i], delegate: &delegate)
        t.remaining = taker.remaining
        t.stoppedBySTP = taker.stoppedBySTP
        if lastPrice != 0 {
            lastPrices[i] = lastPrice
            if !conditionals[i][1].isEmpty { lastPriceMoved.append(UInt16(i)) }
        }
    }

    /// Rests the remainder of a taker in the book.
    func rest(_ t: Taker, reduceOnly: Bool) {
        let a = Int(t.account), i = Int(t.instrument)
        let order = RestingOrder(orderId: t.orderId, account: t.account, group: t.group, side: t.side, price: t.limit,
                                 quantity: t.quantity, remaining: t.remaining, reduceOnly: reduceOnly)
        books[i].insert(order, ownerHead: &accounts[a].positions[i].orderHead)
        accounts[a].positions[i].addOpen(t.side, quantity: t.remaining, price: t.limit)
        accounts[a].positions[i].openOrders += 1
        if reduceOnly { accounts[a].positions[i].reduceOnlyOrders += 1 }
    }

    /// Takes a fully filled order out of the book and its owner's bookkeeping.
    @inline(__always)
    func detach(slot: Int32, instrument: UInt16) {
        let i = Int(instrument)
        let a = Int(books[i][slot].account)
        let o = books[i].remove(slot: slot, ownerHead: &accounts[a].positions[i].orderHead)
        accounts[a].positions[i].openOrders -= 1
        if o.reduceOnly { accounts[a].positions[i].reduceOnlyOrders -= 1 }
    }

    /// Removes a resting order that still has quantity, with an event.
    func removeResting(slot: Int32, instrument: UInt16, reason: String, canceled: Bool) {
        let i = Int(instrument)
        let book = books[i]
        let o = book[slot]
        let a = Int(o.account)
        accounts[a].positions[i].removeOpen(o.side, quantity: o.remaining, price: o.price)
        detach(slot: slot, instrument: instrument)
        let end = OrderEnd(orderId: o.orderId, account: AccountID(o.account), instrument: InstrumentID(instrument),
                           clientOrderId: clientIdByOrder[o.orderId], reason: reason, remaining: o.remaining)
        events.append(canceled ? .canceled(end) : .expired(end))
        finishClientId(orderId: o.orderId, account: o.account)
    }

    /// After a position change, no reduce-only order may be able to increase exposure:
    /// orders on the increasing side expire, larger ones shrink to the position.
    func enforceReduceOnly(account: UInt32, instrument: UInt16) {
        let i = Int(instrument), a = Int(account)
        let book = books[i]
        let size = accounts[a].positions[i].size
        for slot in book.ownerSlots(head: accounts[a].positions[i].orderHead) {
            let o = book[slot]
            guard o.reduceOnly else { continue }
            let cap = o.side == .sell ? max(0, size) : max(0, -size)
            if cap == 0 {
                removeResting(slot: slot, instrument: instrument, reason: "REDUCE_ONLY", canceled: false)
            } else if o.remaining > cap {
                let cut = o.remaining - cap
                _ = book.fill(slot: slot, quantity: cut)
                book.setQuantity(slot: slot, quantity: o.quantity - cut)
                accounts[a].positions[i].removeOpen(o.side, quantity: cut, price: o.price)
                events.append(.amended(orderId: o.orderId, account: AccountID(account), instrument: InstrumentID(instrument),
                                       price: o.price, quantity: o.quantity - cut, clientOrderId: clientIdByOrder[o.orderId]))
            }
        }
    }

    // MARK: - Cancel

    /// Finds an open (resting or conditional) order of this account.
    func locate(account: AccountID, instrument: InstrumentID, ref: OrderRef) -> (id: OrderID, slot: Int32?)? {
        let id: OrderID
        switch ref {
        case .id(let x): id = x
        case .client(let c):
            guard let x = accounts[Int(account.index)].clientOrderIds.order(for: c) else { return nil }
            id = x
        }
        if let slot = books[Int(instrument.index)].slot(of: id) {
            return books[Int(instrument.index)][slot].account == account.index ? (id, slot) : nil
        }
        if let loc = conditionalLocation[id], loc.instrument == instrument.index,
           let c = conditionals[Int(loc.instrument)][loc.source == .mark ? 0 : 1].find(orderId: id), c.account == account.index {
            return (id, nil)
        }
        return nil
    }

    func cancel(account: AccountID, instrument: InstrumentID, ref: OrderRef) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let m = spotMarket(instrument) { return cancelSpot(account: account, market: m, ref: ref) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil) }
        guard let (id, slot) = locate(account: account, instrument: instrument, ref: ref) else {
            return reject(.unknownOrder, "no open order \(ref.text) for this account on \(specs[Int(instrument.index)].symbol)",
                          account: account, clientOrderId: ref.clientId)
        }
        if let slot {
            removeResting(slot: slot, instrument: instrument.index, reason: "USER", canceled: true)
        } else {
            cancelConditional(id, reason: "USER")
        }
    }

    func cancelConditional(_ id: OrderID, reason: String) {
        guard let loc = conditionalLocation.removeValue(forKey: id),
              let c = conditionals[Int(loc.instrument)][loc.source == .mark ? 0 : 1].remove(orderId: id) else { return }
        events.append(.canceled(OrderEnd(orderId: id, account: AccountID(c.account), instrument: InstrumentID(loc.instrument),
                                         clientOrderId: c.clientOrderId, reason: reason, remaining: c.quantity)))
        finishClientId(orderId: id, account: c.account)
    }

    func cancelAll(account: AccountID, instrument: InstrumentID?) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let instrument, let m = spotMarket(instrument) { return cancelAllSpot(account: account, market: m) }
        if let instrument, !validInstrument(instrument) {
            return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil)
        }
        let targets = instrument.map { [Int($0.index)] } ?? Array(specs.indices)
        defer { if instrument == nil { for m in spot.specs.indices { cancelAllSpot(account: account, market: m) } } }
        for i in targets {
            let book = books[i]
            let slots = book.ownerSlots(head: accounts[Int(account.index)].positions[i].orderHead)
                .sorted { book[$0].orderId < book[$1].orderId }
            for slot in slots { removeResting(slot: slot, instrument: UInt16(i), reason: "MASS_CANCEL", canceled: true) }
            for c in conditionalsOf(account: account.index, instrument: UInt16(i)) { cancelConditional(c.orderId, reason: "MASS_CANCEL") }
        }
    }

    // MARK: - Amend

    func amend(account: AccountID, instrument: InstrumentID, ref: OrderRef, price: Int64?, quantity: Int64?) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let m = spotMarket(instrument) { return amendSpot(account: account, market: m, ref: ref, price: price, quantity: quantity) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil) }
        let i = Int(instrument.index), a = Int(account.index)
        let spec = specs[i]
        guard let (id, slotOpt) = locate(account: account, instrument: instrument, ref: ref) else {
            return reject(.unknownOrder, "no open order \(ref.text) for this account on \(spec.symbol)", account: account, clientOrderId: ref.clientId)
        }
        let coid = clientIdByOrder[id]
        guard let slot = slotOpt else {
            return reject(.orderNotAmendable, "conditional orders cannot be amended; cancel and place a new one", account: account, clientOrderId: coid, orderId: id)
        }
        let book = books[i]
        let o = book[slot]
        let filled = o.quantity - o.remaining
        let newPrice = price ?? o.price
        let newQuantity = quantity ?? o.quantity
        if price == nil && quantity == nil {
            return reject(.malformedCommand, "amend needs a new price or a new quantity", account: account, clientOrderId: coid, orderId: id)
        }
        if let r = checkPrice(newPrice, spec: spec, what: "price") { return reject(r.code, r.message, account: account, clientOrderId: coid, orderId: id) }
        if newQuantity <= 0 || newQuantity % spec.lotSize != 0 || newQuantity > spec.maxQuantity {
            return reject(newQuantity % spec.lotSize != 0 ? .quantityOffLot : .invalidQuantity,
                          "new quantity must be a positive multiple of the lot \(spec.sizeString(spec.lotSize)) up to \(spec.sizeString(spec.maxQuantity))",
                          account: account, clientOrderId: coid, orderId: id)
        }
        guard newQuantity > filled else {
            return reject(.invalidQuantity, "new quantity \(spec.sizeString(newQuantity)) must exceed the \(spec.sizeString(filled)) already filled",
                          account: account, clientOrderId: coid, orderId: id)
        }
        let newRemaining = newQuantity - filled
        if newPrice == o.price && newRemaining <= o.remaining {
            // Size decrease at the same price keeps time priority.
            let cut = o.remaining - newRemaining
            if cut > 0 {
                _ = book.fill(slot: slot, quantity: cut)
                book.setQuantity(slot: slot, quantity: newQuantity)
                accounts[a].positions[i].removeOpen(o.side, quantity: cut, price: o.price)
            }
            events.append(.amended(orderId: id, account: account, instrument: instrument, price: newPrice, quantity: newQuantity, clientOrderId: coid))
            return
        }
        // Price change or size increase: the order loses its place. Check it as if new,
        // with its old self taken out; on refusal nothing changes.
        if let r = statusCheck(i, reduceOnly: o.reduceOnly) { return reject(r.code, r.message, account: account, clientOrderId: coid, orderId: id) }
        let b = band(i)
        if newPrice < b.low || newPrice > b.high {
            return reject(.priceOutsideBand, "price \(spec.priceString(newPrice)) is outside the band \(spec.priceString(b.low))–\(spec.priceString(b.high)) around mark",
                          account: account, clientOrderId: coid, orderId: id)
        }
        var p = accounts[a].positions[i]
        p.removeOpen(o.side, quantity: o.remaining, price: o.price)
        if !o.reduceOnly, mayIncreaseRisk(p, side: o.side, quantity: newRemaining),
           let r = eligibilityRefusal(account: account.index, instrument: i, leverage: p.leverage,
                                      addedNotional: Int128(newRemaining) * Int128(newPrice) * Int128(productToAsset[i])) {
            return reject(r.code, r.message, account: account, clientOrderId: coid, orderId: id)
        }
        if o.reduceOnly {
            let reducible = o.side == .sell ? max(0, p.size) : max(0, -p.size)
            if newRemaining > reducible {
                return reject(.reduceOnlyWouldIncrease, "reduce-only order would exceed the position it reduces", account: account, clientOrderId: coid, orderId: id)
            }
        } else {
            let worst = o.side == .buy ? (p.size + p.buyQuantity + newRemaining).magnitude : (p.size - p.sellQuantity - newRemaining).magnitude
            if worst > UInt64(spec.positionLimit) {
                return reject(.positionLimitExceeded, "position plus open orders would exceed the limit \(spec.sizeString(spec.positionLimit))",
                              account: account, clientOrderId: coid, orderId: id)
            }
            let saved = accounts[a].positions[i]
            accounts[a].positions[i] = p
            let m = margin(of: account.index, extra: ExtraOrder(instrument: UInt16(i), side: o.side, quantity: newRemaining, price: newPrice))
            accounts[a].positions[i] = saved
            if m.initialRequired > m.equity {
                return reject(.insufficientMargin, "amended order would need more initial margin than the account's equity",
                              account: account, clientOrderId: coid, orderId: id)
            }
        }
        // Remove the old resting order silently and run the amended one as an incoming order.
        accounts[a].positions[i].removeOpen(o.side, quantity: o.remaining, price: o.price)
        detach(slot: slot, instrument: instrument.index)
        events.append(.amended(orderId: id, account: account, instrument: instrument, price: newPrice, quantity: newQuantity, clientOrderId: coid))
        var t = Taker(orderId: id, account: account.index, group: accounts[a].group, instrument: instrument.index, side: o.side,
                      limit: newPrice, remaining: newRemaining, quantity: newQuantity, stp: .expireTaker, reduceOnly: o.reduceOnly)
        match(&t)
        if t.remaining == 0 { return finishClientId(orderId: id, account: account.index) }
        if t.stoppedBySTP { return endTaker(t, reason: "STP") }
        rest(t, reduceOnly: o.reduceOnly)
    }

    // MARK: - Conditional orders

    /// Fires the conditional orders that `price` triggers on one source.
    func fireConditionals(instrument: UInt16, source: TriggerSource, price: Int64) {
        let fired = conditionals[Int(instrument)][source == .mark ? 0 : 1].popTriggered(by: price)
        for c in fired { activate(c, instrument: instrument) }
    }

    /// Fires last-price conditionals after trades, until no more fire.
    func runLastPriceTriggers() {
        while let i = lastPriceMoved.popLast() {
            fireConditionals(instrument: i, source: .last, price: lastPrices[Int(i)])
        }
    }

    /// A triggered conditional order becomes a live order, checked like a new one.
    func activate(_ c: ConditionalOrder, instrument i: UInt16) {
        conditionalLocation.removeValue(forKey: c.orderId)
        let account = AccountID(c.account), instrument = InstrumentID(i)
        events.append(.triggered(orderId: c.orderId, account: account, instrument: instrument, clientOrderId: c.clientOrderId))
        let type: OrderType = c.type.hasLimitPrice ? .limit : .market
        let o = PlaceOrder(account: account, instrument: instrument, side: c.side, type: type,
                           timeInForce: type == .limit ? c.timeInForce : .ioc, price: type == .limit ? c.limitPrice : 0,
                           quantity: c.quantity, reduceOnly: c.reduceOnly, stp: c.stp, clientOrderId: c.clientOrderId)
        let eligibility = c.reduceOnly ? nil : riskIncreaseRefusal(Int(c.account), Int(i), side: c.side, quantity: c.quantity,
                                                                   price: type == .limit ? c.limitPrice : 0)
        if let r = statusCheck(Int(i), reduceOnly: c.reduceOnly) ?? eligibility ?? preTradeCheck(o, spec: specs[Int(instrument.index)]) {
            reject(r.code, r.message, account: account, clientOrderId: c.clientOrderId, orderId: c.orderId)
            finishClientId(orderId: c.orderId, account: c.account)
            return
        }
        execute(o, orderId: c.orderId)
    }

}

extension OrderRef {
    var text: String {
        switch self {
        case .id(let x): return "with orderId \(x)"
        case .client(let c): return "with clientOrderId '\(c)'"
        }
    }
    var clientId: String? {
        if case .client(let c) = self { return c }
        return nil
    }
}

extension InstrumentSpec {
    func priceString(_ raw: Int64) -> String { FixedDecimal.format(raw, scale: priceScale) }
    func sizeString(_ raw: Int64) -> String { FixedDecimal.format(raw, scale: sizeScale) }
}

/// The engine's side of the matching loop: every trade settles on the ledger for maker
/// and taker, the maker's open-order totals shrink, and makers leave the book through the
/// engine's bookkeeping (owner lists, client order ids, events).
struct EngineMatching: MatchingDelegate {
    unowned(unsafe) let engine: Engine
    let instrument: UInt16
    let takerFeeRate: Rate

    @inline(__always)
    func expire(slot: Int32, reason: MatchExpiry) {
        engine.removeResting(slot: slot, instrument: instrument, reason: reason == .selfTrade ? "STP" : "REDUCE_ONLY", canceled: false)
    }

    @inline(__always)
    func reduceOnlyCap(of maker: RestingOrder) -> Int64 {
        let size = engine.accounts[Int(maker.account)].positions[Int(instrument)].size
        return maker.side == .sell ? max(0, size) : max(0, -size)
    }

    @inline(__always)
    func trade(maker: RestingOrder, taker: MatchTaker, quantity: Int64) {
        let e = engine
        let makerFee = e.settleFill(account: maker.account, instrument: instrument, side: maker.side, quantity: quantity,
                                    price: maker.price, feeRate: e.config.feeTiers[e.accounts[Int(maker.account)].feeTier].maker)
        let takerFee = e.settleFill(account: taker.account, instrument: instrument, side: taker.side, quantity: quantity,
                                    price: maker.price, feeRate: takerFeeRate)
        e.accounts[Int(maker.account)].positions[Int(instrument)].removeOpen(maker.side, quantity: quantity, price: maker.price)
        e.events.append(.trade(Trade(instrument: InstrumentID(instrument), price: maker.price, quantity: quantity,
                                     makerOrderId: maker.orderId, takerOrderId: taker.orderId,
                                     makerAccount: AccountID(maker.account), takerAccount: AccountID(taker.account),
                                     takerSide: taker.side, makerFee: makerFee, takerFee: takerFee)))
    }

    @inline(__always)
    func filled(slot: Int32, maker: RestingOrder) {
        engine.detach(slot: slot, instrument: instrument)
        engine.finishClientId(orderId: maker.orderId, account: maker.account)
    }
}
