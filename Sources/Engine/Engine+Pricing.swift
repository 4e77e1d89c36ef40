import HarbourCore
import Ledger
import Matching
import Risk

/// Index, mark and volatility guard (PRICE-1, PRICE-2, PRICE-4) and the time-driven work
/// of every command. See docs/PRICING.md for the disclosed method.
///
/// - An instrument becomes **index-driven** the first time its index is computed from
///   enough sources (`indexPrice` commands). Until then it is driven by `markPrice`
///   commands only: no funding, no guards, no time-driven work (so streams without
///   index feeds behave exactly as before).
/// - **Precedence:** an explicit `markPrice` command always sets the mark at once; on an
///   index-driven instrument the next index-driven recomputation (the next `indexPrice`
///   or the next basis sample, at most one sample interval later) replaces it.
/// - **Time-driven work** runs at the start of every command (before the command's own
///   work, and even if the command is then refused — the refusal changes nothing, the
///   passing of time does), instrument by instrument in configuration order:
///   1. volatility-interruption expiry;
///   2. funding at each funding time `≤ now` (multiples of the interval since the epoch);
///   3. at each basis sample time: index recomputation (stale sources drop out), basis
///      sample `mid − index`, mark recomputation, volatility observation;
///   4. at each premium sample time: one premium sample from impact bid/ask.
///   Work whose time has passed several times over is done once (no back-fill), except
///   funding, which settles every funding time passed.
extension Engine {
    // MARK: - Time-driven work

    func runTimeDrivenWork(now: Int64) {
        timeWorkRan = true
        for i in pricing.indices where pricing[i].live && pricing[i].nextDueMs <= now {
            let inst = InstrumentID(UInt16(i))
            if pricing[i].pausedUntilMs > 0 && now >= pricing[i].pausedUntilMs {
                pricing[i].pausedUntilMs = 0
                events.append(.volatilityResumed(instrument: inst))
                releaseGuard(i)
            }
            while now >= pricing[i].nextFundingAtMs {
                let t = pricing[i].nextFundingAtMs
                settleFunding(i, fundingTime: t)
                pricing[i].nextFundingAtMs = t + specs[i].fundingIntervalMs
            }
            if now >= pricing[i].nextRefreshAtMs {
                pricing[i].nextRefreshAtMs = Self.nextBoundary(after: now, every: pricing[i].params.basisSampleIntervalMs)
                refreshIndex(i, now: now, alwaysPublish: false)
                if !pricing[i].degraded, let index = pricing[i].index.lastIndex {
                    let (bid, ask) = bestBidAsk(i)
                    pricing[i].basis.sampleIfDue(nowMs: now, index: index, bestBid: bid, bestAsk: ask)
                    updateMarkFromIndex(i)
                    observeVolatility(i, now: now)
                }
            }
            if now >= pricing[i].nextPremiumAtMs {
                pricing[i].nextPremiumAtMs = Self.nextBoundary(after: now, every: pricing[i].params.premiumSampleIntervalMs)
                samplePremium(i)
            }
        }
        recomputePricingDue()
    }

    /// The first multiple of `period` strictly after `t` (floor division, t ≥ 0 in practice).
    static func nextBoundary(after t: Int64, every period: Int64) -> Int64 {
        ((Int128(t).divided(by: Int128(period), rounding: .down) + 1) * Int128(period)).clampedInt64
    }

    func recomputePricingDue() {
        var t = Int64.max
        for p in pricing { t = min(t, p.nextDueMs) }
        pricingNextDueMs = t
    }

    // MARK: - Index

    func applyIndexPrice(instrument: InstrumentID, source: String, price: Int64, now: Int64) {
        if let r = notPerpetual(instrument, "index price feed") { return reject(r) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: nil, clientOrderId: nil) }
        let i = Int(instrument.index)
        guard let s = pricing[i].index.sourceIndex(named: source) else {
            let names = pricing[i].params.sources.map(\.name).joined(separator: ", ")
            return reject(.unknownIndexSource, "'\(source)' is not an index source of \(specs[i].symbol) (sources: \(names))",
                          account: nil, clientOrderId: nil)
        }
        guard price > 0, price <= specs[i].maxPrice else {
            return reject(.invalidPrice, "index source price must be positive and at most the instrument's maximum price",
                          account: nil, clientOrderId: nil)
        }
        pricing[i].index.update(source: s, price: Price(raw: price), timestampMs: now)
        refreshIndex(i, now: now, alwaysPublish: true)
        updateMarkFromIndex(i)
        recomputePricingDue()
    }

    /// Recomputes the index at `now`; publishes an `index` event when asked or when the
    /// price or the degraded state changed; moves the guard on a degraded transition.
    func refreshIndex(_ i: Int, now: Int64, alwaysPublish: Bool) {
        let r = pricing[i].index.compute(nowMs: now)
        pricing[i].lastResult = r
        let wasDegraded = pricing[i].degraded
        if r.status == .ok {
            if !pricing[i].live { goLive(i, now: now) }
            pricing[i].degraded = false
        } else if pricing[i].live {
            pricing[i].degraded = true
        }
        let price = r.price?.raw ?? 0
        if alwaysPublish || price != pricing[i].publishedIndex || pricing[i].degraded != wasDegraded {
            pricing[i].publishedIndex = price
            events.append(.index(instrument: InstrumentID(UInt16(i)), result: r))
        }
        if r.status == .ok { feedCollateralPrice(instrument: i, index: price, now: now) }
        if pricing[i].degraded != wasDegraded {
            if pricing[i].degraded { holdGuard(i) } else { releaseGuard(i) }
        }
    }

    /// The instrument becomes index-driven: its funding clock and samplers start.
    func goLive(_ i: Int, now: Int64) {
        pricing[i].live = true
        pricing[i].nextFundingAtMs = Self.nextBoundary(after: now, every: specs[i].fundingIntervalMs)
        // Both samplers are due at the next command (a tick at the latest).
        pricing[i].nextRefreshAtMs = now
        pricing[i].nextPremiumAtMs = now
    }

    func bestBidAsk(_ i: Int) -> (Price?, Price?) {
        let book = books[i]
        return (book.bestSlot(of: .buy).map { Price(raw: book[$0].price) },
                book.bestSlot(of: .sell).map { Price(raw: book[$0].price) })
    }

    // MARK: - Mark

    /// Sets the mark from index + clamped basis when it changed, through the same path
    /// as the `markPrice` command (conditional-order triggers).
    func updateMarkFromIndex(_ i: Int) {
        guard pricing[i].live, !pricing[i].degraded, let index = pricing[i].index.lastIndex else { return }
        let c = pricing[i].basis.mark(index: index)
        pricing[i].lastComponents = c
        guard c.mark.raw != marks[i], c.mark.raw > 0, c.mark.raw <= specs[i].maxPrice else { return }
        let inst = InstrumentID(UInt16(i))
        events.append(.markComponents(instrument: inst, components: c))
        setMark(instrument: inst, price: c.mark.raw)
    }

    // MARK: - Volatility interruption and guards

    func observeVolatility(_ i: Int, now: Int64) {
        guard pricing[i].pausedUntilMs == 0, marks[i] > 0 else { return }
        guard let t = pricing[i].volatility.observe(mark: Price(raw: marks[i]), nowMs: now) else { return }
        pricing[i].pausedUntilMs = t.pausedUntilMs
        events.append(.volatilityInterruption(VolatilityInterruptionEvent(
            instrument: InstrumentID(UInt16(i)), from: t.reference.raw, to: t.mark.raw, move: t.move, untilMs: t.pausedUntilMs)))
        holdGuard(i)
        recomputePricingDue()
    }

    /// A guard (degraded index or volatility interruption) holds: an enabled instrument
    /// goes cancel-only, remembered as the engine's doing. An operator's cancel-only or
    /// disabled status is left alone.
    func holdGuard(_ i: Int) {
        guard !pricing[i].engineHeld, statuses[i] == .enabled else { return }
        pricing[i].engineHeld = true
        statuses[i] = .cancelOnly
        events.append(.instrumentStatus(instrument: InstrumentID(UInt16(i)), status: .cancelOnly))
    }

    /// When no guard holds any more, the engine undoes its own cancel-only.
    func releaseGuard(_ i: Int) {
        guard pricing[i].engineHeld, !pricing[i].degraded, pricing[i].pausedUntilMs == 0 else { return }
        pricing[i].engineHeld = false
        if statuses[i] == .cancelOnly {
            statuses[i] = .enabled
            events.append(.instrumentStatus(instrument: InstrumentID(UInt16(i)), status: .enabled))
        }
    }

    /// An operator's `setInstrumentStatus` wins: the engine no longer owns the status.
    func operatorSetStatus(_ instrument: InstrumentID) {
        pricing[Int(instrument.index)].engineHeld = false
    }

    // MARK: - Queries

    /// The index price (held when degraded); nil before the first computed index.
    public func indexPrice(_ instrument: InstrumentID) -> Int64? { pricing[Int(instrument.index)].index.lastIndex?.raw }
    /// The last index computation with every source's status.
    public func indexResult(_ instrument: InstrumentID) -> IndexResult? { pricing[Int(instrument.index)].lastResult }
    /// Whether the index is currently degraded (too few sources).
    public func indexDegraded(_ instrument: InstrumentID) -> Bool { pricing[Int(instrument.index)].degraded }
    /// Whether the instrument's mark comes from its index (see the type's documentation).
    public func isIndexDriven(_ instrument: InstrumentID) -> Bool { pricing[Int(instrument.index)].live }
    /// The components of the last index-driven mark computation.
    public func markComponents(_ instrument: InstrumentID) -> MarkPriceComponents? { pricing[Int(instrument.index)].lastComponents }
    /// The instrument's pricing parameters.
    public func pricingParameters(_ instrument: InstrumentID) -> PricingParameters { pricing[Int(instrument.index)].params }
    /// End of the current volatility interruption (ms), if one is in force.
    public func volatilityPausedUntil(_ instrument: InstrumentID) -> Int64? {
        let t = pricing[Int(instrument.index)].pausedUntilMs
        return t > 0 ? t : nil
    }

    // MARK: - State hash

    func hashPricing(into e: inout StateEncoder) {
        e.int(fundingClearingBook)
        for p in pricing {
            e.bool(p.live); e.bool(p.degraded); e.bool(p.engineHeld)
            e.int(p.publishedIndex); e.int(p.nextRefreshAtMs); e.int(p.nextPremiumAtMs); e.int(p.nextFundingAtMs)
            e.int(p.pausedUntilMs)
            for words in [p.index.stateWords, p.basis.stateWords, p.premium.stateWords, p.volatility.stateWords] {
                e.int(words.count)
                for w in words { e.int(w) }
            }
            if let r = p.lastResult {
                e.bool(true); e.int(r.price?.raw ?? 0); e.bool(r.status == .ok)
                for s in r.sources {
                    switch s.status {
                    case .used: e.int(0)
                    case .noData: e.int(1)
                    case .stale(let age): e.int(2); e.int(age)
                    case .deviating(let d, let m): e.int(3); e.int(d.raw); e.int(m.raw)
                    }
                }
            } else {
                e.bool(false)
            }
            if let c = p.lastComponents {
                e.bool(true); e.int(c.index.raw); e.int(c.basisAverage.raw); e.int(c.basisApplied.raw); e.int(c.mark.raw)
                e.int(c.sampleCount)
            } else {
                e.bool(false)
            }
        }
    }
}

extension Engine {
    /// Mark, last trade price and trading status of instrument `i`: one description for
    /// snapshot, restore and state hash (issue 13). Reading checks both prices are within
    /// 0...maxPrice (0: none yet) and the status is known.
    func codeInstrumentPrices<Coder: StateCoder>(_ i: Int, _ coder: inout Coder) throws(SnapshotError) {
        var mark = marks[i], last = lastPrices[i], status = statuses[i].rawValue
        try coder.code(&mark)
        try coder.code(&last)
        try coder.code(&status)
        guard coder.isReading else { return }
        let range = 0...specs[i].maxPrice
        try coder.require(range.contains(mark) && range.contains(last),
                          "\(specs[i].symbol): mark \(mark) / last price \(last) out of range")
        guard let restored = InstrumentStatus(rawValue: status) else { throw .corrupt("\(specs[i].symbol): bad status") }
        marks[i] = mark
        lastPrices[i] = last
        statuses[i] = restored
    }
}
