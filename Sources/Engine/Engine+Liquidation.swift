import HarbourCore
import Ledger
import Matching

/// Continuous margin monitoring (RISK-3) and liquidation (RISK-4).
///
/// Monitoring. `LiquidationIndex` keeps, per instrument, every account with a position
/// there ordered by its trigger price. At the end of every command (`runRiskChecks`):
/// - for each instrument whose mark moved, the entries the new mark crosses are visited
///   (cost: the accounts crossed, plus a binary search);
/// - accounts whose cross pool holds positions in the moved instrument *and* another one
///   (`multi`) have every entry recomputed, because their triggers elsewhere assumed the
///   old mark (cost: those accounts × their positions × ~log2(maxPrice) evaluations);
/// - every account whose position or cash changed in the command (fills, deposits,
///   withdrawals, funding, liquidation itself) has its entries recomputed.
/// A candidate is liquidated only if the exact check says so: `margin(of:)` for the cross
/// pool, the isolated margin for an isolated position. The index is a filter; the margin
/// check is the truth.
///
/// Trigger price. For the cross pool, `gap(P) = equity − maintenance` with this
/// instrument's mark at `P` and the other marks where they are; it is non-decreasing in
/// `P` for a long (equity rises by |size|·f per unit, maintenance by at most that times the
/// tier rate < 1, rounding up included) and non-increasing for a short. The trigger is
/// found by bisection over raw prices with exact integer arithmetic: a long's is the
/// highest price with `gap < 0`, a short's the lowest. Isolated positions use their
/// isolated margin as equity. So `mark crosses trigger ⇔ the account is below maintenance`.
///
/// Liquidation (waterfall, RISK-0/RISK-4): cancel the account's open orders; then, while
/// the account is below maintenance, take its position with the largest maintenance
/// margin down one tier (or entirely in the first tier):
/// 1. an IOC order into the book, no worse than the bankruptcy price (no taker fee);
/// 2. liquidation fee on the notional filled, to the insurance fund, capped at the
///    account's remaining equity and cash (never making either negative);
/// 3. cross only, for what the book did not take within bankruptcy: an IOC order down to
///    the price whose loss beyond equity the insurance fund can still pay (and within
///    the market protection of mark); the fund pays that loss (`insurancePayout`);
/// 4. the rest is auto-deleveraged at the bankruptcy price against the opposite
///    positions ranked by profit × effective leverage (`adl`).
extension Engine {
    // MARK: - Monitoring

    /// Equity minus maintenance margin of an account's cross pool with instrument `inst`
    /// marked at `price` (other marks as they are). Same arithmetic as `margin(of:)`.
    func crossGap(_ a: UInt32, instrument inst: Int, price: Int64) -> Int128 {
        let acct = accounts[Int(a)]
        var equity = Int128(ledger.balance(acct.cashBook))
        var mm: Int128 = 0
        for j in 0..<acct.positions.count {
            let p = acct.positions[j]
            if p.size == 0 || p.isolated { continue }
            let mark = Int128(j == inst ? price : marks[j])
            let f = Int128(productToAsset[j])
            equity += (Int128(p.size) * mark - Int128(p.cost)) * f
            mm += positionMaintenance(j, notional: Int128(p.size.magnitude) * mark * f)
        }
        return equity - mm
    }

    /// Maintenance margin of one position of `notional`: tier rate plus the volatility
    /// add-on (RISK-6), rounded up, less the tier's deduction (`InstrumentSpec.maintenanceMargin`,
    /// which the REG-3 positions report calls too).
    @inline(__always)
    func positionMaintenance(_ i: Int, notional: Int128) -> Int128 {
        specs[i].maintenanceMargin(notional: notional, addOnRaw: riskState.addOns[i])
    }

    func isolatedMargin(_ a: UInt32, _ i: Int) -> Int64 {
        let b = accounts[Int(a)].positions[i].isolatedBook
        return b >= 0 ? ledger.balance(b) : 0
    }

    /// Equity of an isolated position at `price`: its margin plus unrealised PnL.
    func isolatedEquity(_ a: UInt32, instrument i: Int, price: Int64) -> Int128 {
        let p = accounts[Int(a)].positions[i]
        return Int128(isolatedMargin(a, i)) + (Int128(p.size) * Int128(price) - Int128(p.cost)) * Int128(productToAsset[i])
    }

    func isolatedGap(_ a: UInt32, instrument i: Int, price: Int64) -> Int128 {
        let p = accounts[Int(a)].positions[i]
        return isolatedEquity(a, instrument: i, price: price)
            - positionMaintenance(i, notional: Int128(p.size.magnitude) * Int128(price) * Int128(productToAsset[i]))
    }

    @inline(__always)
    func riskGap(_ a: UInt32, instrument i: Int, price: Int64) -> Int128 {
        accounts[Int(a)].positions[i].isolated ? isolatedGap(a, instrument: i, price: price) : crossGap(a, instrument: i, price: price)
    }

    /// The trigger price of an account's position on `i` (see the type comment); nil for
    /// no position or a position no positive mark can breach.
    ///
    /// Same answer as bisection over [1, maxPrice] (`triggerPriceByBisection`), found from
    /// a guess: the gap is linear in the mark within a risk tier, so
    /// `guess = mark − gap(mark) / slope` with `slope = size·f − |size|·f·(tier rate +
    /// add-on)` is at or next to the trigger for a single-tier move; an exponential search
    /// from the guess brackets the trigger and bisection finishes inside the bracket. Every
    /// step is an exact gap evaluation, so the guess only decides how many are needed
    /// (typically 3–6 instead of ~27).
    func triggerPrice(_ a: UInt32, instrument i: Int) -> (price: Int64, long: Bool)? {
        let size = accounts[Int(a)].positions[i].size
        if size == 0 { return nil }
        let maxP = specs[i].maxPrice
        var guess = marks[i] > 0 ? min(marks[i], maxP) : maxP / 2
        if marks[i] > 0 {
            let f = Int128(productToAsset[i])
            let notional = Int128(size.magnitude) * Int128(guess) * f
            let rate = Int128(specs[i].tier(forNotional: notional.clampedInt64).maintenanceRate.raw + riskState.addOns[i])
            // slope × 1e8, per raw price unit.
            let slope = Int128(size) * f * Rate.rawDenominator - Int128(size.magnitude) * f * rate
            if slope != 0 {
                let gap = riskGap(a, instrument: i, price: guess)
                // The guess only steers the search: its rounding does not matter.
                let step = slope > 0 ? (gap * Rate.rawDenominator).divided(by: slope, rounding: .down)
                    : -(gap * Rate.rawDenominator).divided(by: -slope, rounding: .down)
                guess = Int64(clamping: max(1, min(Int128(maxP), Int128(guess) - step)))
            }
        }
        if size > 0 {
            // Highest P with gap(P) < 0; gap non-decreasing in P.
            guard let p = Self.lastTrue(in: maxP, from: guess, { riskGap(a, instrument: i, price: $0) < 0 }) else { return nil }
            return (p, true)
        } else {
            // Lowest P with gap(P) < 0; gap non-increasing: mirror P → maxP + 1 − P.
            guard let q = Self.lastTrue(in: maxP, from: maxP + 1 - guess, { riskGap(a, instrument: i, price: maxP + 1 - $0) < 0 }) else {
                return nil
            }
            return (maxP + 1 - q, false)
        }
    }

    /// The highest `p` in 1...n with `holds(p)`, for a predicate true on a prefix of 1...n
    /// and false after it; nil if `holds(1)` is false. Searches outward from `start`.
    @inline(__always)
    static func lastTrue(in n: Int64, from start: Int64, _ holds: (Int64) -> Bool) -> Int64? {
        var lo: Int64, hi: Int64              // holds(lo), !holds(hi) (hi may be n + 1)
        let s = max(1, min(n, start))
        if holds(s) {
            lo = s
            var step: Int64 = 1
            while true {
                if lo >= n { return n }
                let c = lo > n - step ? n : lo + step
                if holds(c) { lo = c; step = step > Int64.max / 4 ? step : step * 2 } else { hi = c; break }
            }
        } else {
            hi = s
            var step: Int64 = 1
            while true {
                if hi <= 1 { return nil }
                let c = hi - 1 < step ? 1 : hi - step
                if holds(c) { lo = c; break } else { hi = c; step = step > Int64.max / 4 ? step : step * 2 }
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if holds(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// `triggerPrice` by plain bisection over [1, maxPrice] (~log2(maxPrice) margin
    /// evaluations): the reference the guided search is tested against.
    func triggerPriceByBisection(_ a: UInt32, instrument i: Int) -> (price: Int64, long: Bool)? {
        let size = accounts[Int(a)].positions[i].size
        if size == 0 { return nil }
        let maxP = specs[i].maxPrice
        if size > 0 {
            if riskGap(a, instrument: i, price: 1) >= 0 { return nil }
            if riskGap(a, instrument: i, price: maxP) < 0 { return (maxP, true) }
            var lo: Int64 = 1, hi = maxP          // gap(lo) < 0 ≤ gap(hi)
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if riskGap(a, instrument: i, price: mid) < 0 { lo = mid } else { hi = mid }
            }
            return (lo, true)
        } else {
            if riskGap(a, instrument: i, price: maxP) >= 0 { return nil }
            if riskGap(a, instrument: i, price: 1) < 0 { return (1, false) }
            var lo: Int64 = 1, hi = maxP          // gap(lo) ≥ 0 > gap(hi)
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if riskGap(a, instrument: i, price: mid) < 0 { hi = mid } else { lo = mid }
            }
            return (hi, false)
        }
    }

    /// Recomputes an account's entries; returns whether the current mark crosses any.
    @discardableResult
    func refreshLiquidationEntries(_ a: UInt32) -> Bool {
        refreshLiquidationEntries(a, in: &liq)
    }

    /// Sets account `a`'s entries in `index` (the engine's own, or one being rebuilt).
    @discardableResult
    func refreshLiquidationEntries(_ a: UInt32, in index: inout LiquidationIndex) -> Bool {
        let positions = accounts[Int(a)].positions
        var crossCount = 0
        for p in positions where p.size != 0 && !p.isolated { crossCount += 1 }
        var crossed = false
        for i in 0..<positions.count {
            let p = positions[i]
            let t = triggerPrice(a, instrument: i)
            index.set(account: a, instrument: i, to: t)
            index.setMulti(account: a, instrument: i, p.size != 0 && !p.isolated && crossCount > 1)
            if let t, marks[i] > 0, t.long ? marks[i] <= t.price : marks[i] >= t.price { crossed = true }
        }
        return crossed
    }

    /// Recomputes the whole index from positions, cash and marks (after a restore).
    public func rebuildLiquidationIndex() {
        liq.removeAll()
        for a in accounts.indices { refreshLiquidationEntries(UInt32(a)) }
        liq.valid = true
    }

    /// A liquidation index computed from scratch, leaving the engine's own untouched (for
    /// the state hash and the invariant check, which must not change state).
    func rebuiltLiquidationIndex() -> LiquidationIndex {
        var index = LiquidationIndex(instruments: specs.count)
        for a in accounts.indices { refreshLiquidationEntries(UInt32(a), in: &index) }
        index.valid = true
        return index
    }

    /// End-of-command monitoring and liquidation, repeated while liquidations happen
    /// (their fills move other accounts and the last price).
    func runRiskChecks() {
        var rounds = 0
        while riskPass() {
            runLastPriceTriggers()
            rounds += 1
            if rounds >= 64 { break }
        }
    }

    /// One pass: gathers candidates (crossed entries of moved marks, recomputed
    /// multi-instrument accounts, accounts changed by the command) and liquidates those
    /// the exact check finds below maintenance. Returns whether any was liquidated.
    func riskPass() -> Bool {
        // Swap buffers instead of copy-then-clear: clearing a shared array would allocate.
        var moved: [UInt16] = []
        swap(&moved, &movedScratch)
        moved.removeAll(keepingCapacity: true)
        swap(&moved, &liq.movedMarks)
        defer { movedScratch = moved }
        if !liq.valid {
            rebuildLiquidationIndex()
            moved = (0..<specs.count).map { UInt16($0) }
        }
        if moved.isEmpty && touchedPositions.isEmpty && touchedBalances.isEmpty && riskState.pendingChecks.isEmpty { return false }
        var candidates: [UInt32] = []
        var seen = Set<UInt32>()
        var refreshed = Set<UInt32>()
        func refresh(_ a: UInt32) {
            guard refreshed.insert(a).inserted else { return }
            if refreshLiquidationEntries(a), seen.insert(a).inserted { candidates.append(a) }
        }
        for j in moved where marks[Int(j)] > 0 {
            for a in liq.instruments[Int(j)].multi { refresh(a) }
            for a in liq.crossed(instrument: Int(j), mark: marks[Int(j)]) where seen.insert(a).inserted { candidates.append(a) }
        }
        for (a, _) in touchedPositions { refresh(a) }
        for a in touchedBalances { refresh(a) }
        if !riskState.pendingChecks.isEmpty {
            // Margin requirements changed (an add-on step): new triggers, and whoever is
            // now below maintenance is a candidate whether or not its trigger moved.
            for a in riskState.pendingChecks {
                refresh(a)
                if seen.insert(a).inserted { candidates.append(a) }
            }
            riskState.pendingChecks.removeAll(keepingCapacity: true)
        }
        var any = false
        for a in candidates where liquidateIfBreached(a) { any = true }
        return any
    }

    // MARK: - Liquidation

    /// Liquidates whatever of the account is below maintenance; returns whether anything was.
    func liquidateIfBreached(_ a: UInt32) -> Bool {
        var did = false
        for i in 0..<specs.count {
            let p = accounts[Int(a)].positions[i]
            guard p.size != 0, p.isolated, marks[i] > 0, isolatedGap(a, instrument: i, price: marks[i]) < 0 else { continue }
            if !did { cancelForLiquidation(a) }
            did = true
            liquidateIsolated(a, instrument: i)
        }
        let m = margin(of: a)
        if m.maintenanceRequired > 0 && m.equity < m.maintenanceRequired {
            if !did { cancelForLiquidation(a) }
            did = true
            liquidateCross(a)
        }
        return did
    }

    /// Cancels every open and conditional order of the account.
    func cancelForLiquidation(_ a: UInt32) {
        for i in specs.indices {
            let book = books[i]
            let slots = book.ownerSlots(head: accounts[Int(a)].positions[i].orderHead).sorted { book[$0].orderId < book[$1].orderId }
            for slot in slots { removeResting(slot: slot, instrument: UInt16(i), reason: "LIQUIDATION", canceled: true) }
            for c in conditionalsOf(account: a, instrument: UInt16(i)) { cancelConditional(c.orderId, reason: "LIQUIDATION") }
        }
    }

    /// Quantity to close in one step: down to the previous tier's cap at mark, or all.
    func liquidationStep(_ a: UInt32, instrument i: Int) -> Int64 {
        let p = accounts[Int(a)].positions[i]
        let spec = specs[i]
        let absSize = Int64(p.size.magnitude)
        let unit = Int128(marks[i]) * Int128(productToAsset[i])
        let notional = Int128(absSize) * unit
        var tier = 0
        while tier < spec.tiers.count - 1 && notional > Int128(spec.tiers[tier].notionalCap) { tier += 1 }
        guard tier > 0, unit > 0 else { return absSize }
        var keep = Int64(Int128(spec.tiers[tier - 1].notionalCap).divided(by: unit, rounding: .down))
        keep -= keep % spec.lotSize
        return keep > 0 && keep < absSize ? absSize - keep : absSize
    }

    func liquidateCross(_ a: UInt32) {
        var steps = 0
        while steps < 64 {
            let m = margin(of: a)
            guard m.maintenanceRequired > 0, m.equity < m.maintenanceRequired else { break }
            // The cross position with the largest maintenance margin goes first.
            var pick = -1
            var pickMM: Int128 = -1
            for i in specs.indices {
                let p = accounts[Int(a)].positions[i]
                guard p.size != 0, !p.isolated else { continue }
                let mm = positionMaintenance(i, notional: Int128(p.size.magnitude) * Int128(marks[i]) * Int128(productToAsset[i]))
                if mm > pickMM { pick = i; pickMM = mm }
            }
            guard pick >= 0 else { break }
            let qty = liquidationStep(a, instrument: pick)
            let size = accounts[Int(a)].positions[pick].size
            events.append(.liquidation(LiquidationEvent(
                account: AccountID(a), instrument: InstrumentID(UInt16(pick)), size: qty, markPrice: marks[pick],
                equity: m.equity.clampedInt64, maintenanceMargin: m.maintenanceRequired.clampedInt64,
                partial: qty < Int64(size.magnitude))))
            closeLiquidated(a, instrument: pick, quantity: qty, isolated: false)
            steps += 1
            if accounts[Int(a)].positions[pick].size == size { break }   // nothing could close it
        }
        coverShortfall(a)
    }

    func liquidateIsolated(_ a: UInt32, instrument i: Int) {
        var steps = 0
        while steps < 64 {
            let p = accounts[Int(a)].positions[i]
            guard p.size != 0, isolatedGap(a, instrument: i, price: marks[i]) < 0 else { break }
            let equity = isolatedEquity(a, instrument: i, price: marks[i])
            let mm = positionMaintenance(i, notional: Int128(p.size.magnitude) * Int128(marks[i]) * Int128(productToAsset[i]))
            let qty = liquidationStep(a, instrument: i)
            events.append(.liquidation(LiquidationEvent(
                account: AccountID(a), instrument: InstrumentID(UInt16(i)), size: qty, markPrice: marks[i],
                equity: equity.clampedInt64, maintenanceMargin: mm.clampedInt64, partial: qty < Int64(p.size.magnitude))))
            closeLiquidated(a, instrument: i, quantity: qty, isolated: true)
            steps += 1
            if accounts[Int(a)].positions[i].size == p.size { break }   // nothing could close it
        }
        coverShortfall(a)
    }

    /// Bankruptcy price of the position on `i`: where the equity backing it (cross pool
    /// with other marks fixed, or isolated margin) is zero. A long's is rounded up to the
    /// tick, a short's down (the platform's side), and kept within [tick, maxPrice].
    func bankruptcyPrice(_ a: UInt32, instrument i: Int, isolated: Bool) -> Int64 {
        let p = accounts[Int(a)].positions[i]
        let f = Int128(productToAsset[i])
        let spec = specs[i]
        // Equity backing the position, excluding its own unrealised PnL.
        let backing: Int128 = isolated
            ? Int128(isolatedMargin(a, i))
            : margin(of: a).equity - (Int128(p.size) * Int128(marks[i]) - Int128(p.cost)) * f
        let tick = Int128(spec.tickSize)
        let raw: Int128
        if p.size > 0 {
            let exact = (Int128(p.cost) * f - backing).divided(by: Int128(p.size) * f, rounding: .up)
            raw = exact.divided(by: tick, rounding: .up) * tick
        } else {
            let exact = (backing - Int128(p.cost) * f).divided(by: Int128(p.size.magnitude) * f, rounding: .down)
            raw = exact.divided(by: tick, rounding: .down) * tick
        }
        return Int64(min(max(raw, tick), Int128(spec.maxPrice - spec.maxPrice % spec.tickSize)))
    }

    /// Closes `quantity` of the position: book within bankruptcy, fee, insurance-backed
    /// book (cross), then auto-deleveraging.
    func closeLiquidated(_ a: UInt32, instrument i: Int, quantity: Int64, isolated: Bool) {
        let size = accounts[Int(a)].positions[i].size
        let side: Side = size > 0 ? .sell : .buy
        var remaining = quantity
        let cashBefore = Int128(ledger.balance(accounts[Int(a)].cashBook))
        var filledNotional: Int128 = 0
        if statuses[i] != .disabled {
            let bk = bankruptcyPrice(a, instrument: i, isolated: isolated)
            let r = liquidationOrder(a, instrument: i, side: side, quantity: remaining, limit: bk)
            remaining = r.remaining
            filledNotional += r.notional
        }
        // Liquidation fee from what is left: never makes equity or cash negative.
        if filledNotional > 0 {
            let fee = Rate.scaled(filledNotional, byRaw: Int128(config.liquidationFeeRate.raw), rounding: .up)
            let cash = Int128(ledger.balance(accounts[Int(a)].cashBook))
            let room = isolated ? min(cash, cash - cashBefore) : min(cash, margin(of: a).equity)
            let charged = max(0, min(fee, room))
            if charged > 0 {
                ledger.post(from: accounts[Int(a)].cashBook, to: insuranceBook, amount: Int64(charged), reason: .liquidationFee)
                touchBalance(a)
            }
        }
        // Insurance-backed: fill beyond bankruptcy only as far as the fund can pay the loss.
        if remaining > 0 && !isolated && statuses[i] != .disabled {
            let fund = Int128(ledger.balance(insuranceBook)) - max(0, -Int128(ledger.balance(accounts[Int(a)].cashBook)))
            if fund > 0 {
                let bk = Int128(bankruptcyPrice(a, instrument: i, isolated: false))
                let d = fund.divided(by: Int128(remaining) * Int128(productToAsset[i]), rounding: .down)
                let tick = Int128(specs[i].tickSize)
                let protection = Int128(marketLimit(i, side: side))
                let limit: Int128 = side == .sell
                    ? max((bk - d).divided(by: tick, rounding: .up) * tick, protection, tick)
                    : min((bk + d).divided(by: tick, rounding: .down) * tick, protection)
                if side == .sell ? limit < bk : limit > bk {
                    let r = liquidationOrder(a, instrument: i, side: side, quantity: remaining, limit: Int64(limit))
                    remaining = r.remaining
                }
                coverShortfall(a, final: false)
            }
        }
        if remaining > 0 {
            let bk = bankruptcyPrice(a, instrument: i, isolated: isolated)
            autoDeleverage(a, instrument: i, side: side, quantity: remaining, price: bk)
        }
    }

    /// An IOC liquidation order into the book (no taker fee; makers of the account's own
    /// self-trade group are expired, never traded with). Returns what is left and the
    /// notional filled.
    func liquidationOrder(_ a: UInt32, instrument i: Int, side: Side, quantity: Int64, limit: Int64) -> (remaining: Int64, notional: Int128) {
        guard let best = books[i].bookSide(side.opposite).bestPrice, side == .sell ? best >= limit : best <= limit else {
            return (quantity, 0)
        }
        let id = nextOrderId
        nextOrderId += 1
        events.append(.accepted(orderId: id, account: AccountID(a), instrument: InstrumentID(UInt16(i)), clientOrderId: nil))
        let first = events.count
        var t = Taker(orderId: id, account: a, group: accounts[Int(a)].group, instrument: UInt16(i), side: side, limit: limit,
                      remaining: quantity, quantity: quantity, stp: .expireMaker, reduceOnly: true, feeOverride: .zero)
        match(&t)
        var notional: Int128 = 0
        for k in first..<events.count {
            if case .trade(let tr) = events[k], tr.takerOrderId == id {
                notional += Int128(tr.price) * Int128(tr.quantity) * Int128(productToAsset[i])
            }
        }
        if t.remaining > 0 { endTaker(t, reason: "IOC") }
        return (t.remaining, notional)
    }

    /// If the account's cross pool holds no position and its cash is negative, the
    /// insurance fund pays what it can (`insurancePayout`). A remainder (only from tick
    /// rounding of an auto-deleveraging price, or a fund that is empty) is absorbed by
    /// the house rounding book so no client is left owing money (RISK-0).
    func coverShortfall(_ a: UInt32, final: Bool = true) {
        let acct = accounts[Int(a)]
        let cash = Int128(ledger.balance(acct.cashBook))
        guard cash < 0 else { return }
        var need = -cash
        if acct.positions.contains(where: { $0.size != 0 && !$0.isolated }) {
            // Positions remain: only a negative equity is a loss beyond the account's means.
            let equity = margin(of: a).equity
            if equity >= 0 { return }
            need = min(need, -equity)
        }
        let paid = min(need, max(0, Int128(ledger.balance(insuranceBook))))
        if paid > 0 {
            ledger.post(from: insuranceBook, to: acct.cashBook, amount: Int64(paid), reason: .insurancePayout)
            events.append(.insurancePayout(account: AccountID(a), amount: Int64(paid)))
            touchBalance(a)
        }
        if final && need > paid && !acct.positions.contains(where: { $0.size != 0 && !$0.isolated }) {
            ledger.post(from: roundingBook, to: acct.cashBook, amount: Int64(need - paid), reason: .rounding)
            touchBalance(a)
        }
    }

    // MARK: - Auto-deleveraging

    /// Closes `quantity` of the bankrupt account's position at `price` against opposite
    /// positions, highest ADL score first.
    func autoDeleverage(_ a: UInt32, instrument i: Int, side: Side, quantity: Int64, price: Int64) {
        var remaining = quantity
        // Counterparties hold the opposite position: a bankrupt long (selling) meets shorts.
        for (c, _) in adlRanking(instrument: i, longs: side == .buy) where c != a {
            if remaining == 0 { break }
            let q = min(remaining, Int64(accounts[Int(c)].positions[i].size.magnitude))
            if q == 0 { continue }
            _ = settleFill(account: a, instrument: UInt16(i), side: side, quantity: q, price: price, feeRate: .zero)
            _ = settleFill(account: c, instrument: UInt16(i), side: side.opposite, quantity: q, price: price, feeRate: .zero)
            events.append(.adl(account: AccountID(a), counterparty: AccountID(c), instrument: InstrumentID(UInt16(i)),
                               quantity: q, price: price))
            remaining -= q
        }
    }

    /// Positions on one side of an instrument ranked for auto-deleveraging: score =
    /// unrealised PnL × effective leverage (notional / equity backing the position),
    /// highest first; equity ≤ 0 ranks first; ties by account. Cost: every account (only
    /// at auto-deleveraging and for `adlRank`).
    func adlRanking(instrument i: Int, longs: Bool) -> [(account: UInt32, score: Int128)] {
        var out: [(account: UInt32, score: Int128)] = []
        for a in accounts.indices {
            let p = accounts[a].positions[i]
            guard p.size != 0, (p.size > 0) == longs else { continue }
            out.append((UInt32(a), adlScore(UInt32(a), instrument: i)))
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.account < $1.account }
        return out
    }

    /// The auto-deleveraging score of account `a`'s open position on instrument `i` at the
    /// mark: unrealised PnL × notional ÷ equity (the largest possible with no equity).
    func adlScore(_ a: UInt32, instrument i: Int) -> Int128 {
        let p = accounts[Int(a)].positions[i]
        let mark = Int128(marks[i]), f = Int128(productToAsset[i])
        let upnl = (Int128(p.size) * mark - Int128(p.cost)) * f
        let notional = Int128(p.size.magnitude) * mark * f
        let equity = p.isolated ? isolatedEquity(a, instrument: i, price: marks[i]) : crossEquity(a)
        return equity <= 0 ? Int128(Int64.max) * Int128(Int64.max) : (upnl * notional).divided(by: equity, rounding: .down)
    }

    /// Equity of an account's cross pool at the current marks: cash plus the unrealised
    /// PnL of its cross positions (exactly `margin(of:).equity`, without the requirements).
    func crossEquity(_ a: UInt32) -> Int128 {
        let ai = Int(a)
        var equity = Int128(ledger.balance(accounts[ai].cashBook))
        for i in 0..<accounts[ai].positions.count {
            let p = accounts[ai].positions[i]
            if p.size == 0 || p.isolated { continue }
            equity += (Int128(p.size) * Int128(marks[i]) - Int128(p.cost)) * Int128(productToAsset[i])
        }
        return equity
    }

    /// The account's auto-deleveraging quintile on an instrument, 5 = first in line,
    /// 1 = last; nil without a position.
    public func adlRank(_ account: AccountID, _ instrument: InstrumentID) -> Int? {
        let i = Int(instrument.index)
        let size = accounts[Int(account.index)].positions[i].size
        guard size != 0 else { return nil }
        let ranking = adlRanking(instrument: i, longs: size > 0)
        guard let r = ranking.firstIndex(where: { $0.account == account.index }) else { return nil }
        return 5 - (r * 5) / ranking.count
    }

    /// An account's trigger price on an instrument from the index (nil: none).
    public func liquidationTrigger(_ account: AccountID, _ instrument: InstrumentID) -> Int64? {
        if !liq.valid { rebuildLiquidationIndex() }
        return liq.instruments[Int(instrument.index)].byAccount[account.index]?.price
    }
}
