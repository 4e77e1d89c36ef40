import HarbourCore
import Ledger
import Risk

/// The pricing part of an engine snapshot (version 2): index, mark basis, premium,
/// volatility guard, funding clock and guard flags of every instrument, and the funding
/// clearing book.
///
///     config identity, per instrument: funding interval and every pricing parameter
///     fundingClearingBook (i32, −1 before the first settlement)
///     per instrument:
///       live, degraded, engineHeld (bools)
///       publishedIndex, nextRefreshAtMs, nextPremiumAtMs, nextFundingAtMs, pausedUntilMs
///       stateWords of the index, basis, premium and volatility calculators (u32 count, i64s)
///       lastResult: present?; price?; status; per source: price?, status (+ age / deviation, median)
///       lastComponents: present?; index, basisAverage, basisApplied, clamped, mark, sampleCount
///
/// Restored calculators are rebuilt from their words by their restoring initialisers;
/// `pricingNextDueMs` is derived. Every value is checked against the invariants the
/// engine keeps (below), so restored pricing can neither trap nor run away (e.g. settle
/// funding for every interval since 1970) in a later command.
extension Engine {
    /// Pricing times are ms since the epoch; anything outside this range is damage.
    static let saneTimes: ClosedRange<Int64> = 0...(Int64.max / 4)

    /// The pricing configuration of instrument `i`, as bytes (the snapshot refuses another).
    func pricingIdentity(_ i: Int) -> [UInt8] {
        let p = pricing[i].params
        var w = ByteWriter(out: [])
        w.i64(specs[i].fundingIntervalMs)
        w.u32(UInt32(p.sources.count))
        for s in p.sources { w.str(s.name); w.i64(s.weight) }
        for v in [p.staleAfterMs, p.maxDeviation.raw, Int64(p.minSources), Int64(p.basisSamples), p.basisSampleIntervalMs,
                  p.basisCap.raw, p.premiumSampleIntervalMs, p.impactMargin, p.interestPer8h.raw, p.interestClamp.raw,
                  p.fundingCap.raw, p.fundingFloor.raw, p.volatilityThreshold.raw, p.volatilityWindowMs, p.volatilityCoolOffMs] {
            w.i64(v)
        }
        return w.out
    }

    func writePricingIdentity(_ w: inout ByteWriter) {
        for i in specs.indices {
            let id = pricingIdentity(i)
            w.u32(UInt32(id.count))
            w.out.append(contentsOf: id)
        }
    }

    func checkPricingIdentity(_ r: inout SnapshotReader) throws(SnapshotError) {
        for i in specs.indices {
            let n = try r.count()
            let recorded = try r.bytes(n)
            guard recorded.elementsEqual(pricingIdentity(i)) else {
                throw SnapshotError(.configMismatch,
                                    "\(specs[i].symbol): snapshot taken with other pricing parameters or funding interval than the configuration's")
            }
        }
    }

    // MARK: - Writing

    func writePricing(_ w: inout ByteWriter) {
        w.i32(fundingClearingBook)
        for p in pricing {
            w.u8(p.live ? 1 : 0); w.u8(p.degraded ? 1 : 0); w.u8(p.engineHeld ? 1 : 0)
            w.i64(p.publishedIndex); w.i64(p.nextRefreshAtMs); w.i64(p.nextPremiumAtMs); w.i64(p.nextFundingAtMs)
            w.i64(p.pausedUntilMs)
            for words in [p.index.stateWords, p.basis.stateWords, p.premium.stateWords, p.volatility.stateWords] {
                w.u32(UInt32(words.count))
                for x in words { w.i64(x) }
            }
            if let r = p.lastResult {
                w.u8(1)
                w.optI64(r.price?.raw)
                w.u8(r.status == .ok ? 0 : 1)
                w.u32(UInt32(r.sources.count))
                for s in r.sources {
                    w.optI64(s.price?.raw)
                    switch s.status {
                    case .used: w.u8(0)
                    case .noData: w.u8(1)
                    case .stale(let age): w.u8(2); w.i64(age)
                    case .deviating(let d, let m): w.u8(3); w.i64(d.raw); w.i64(m.raw)
                    }
                }
            } else {
                w.u8(0)
            }
            if let c = p.lastComponents {
                w.u8(1)
                w.i64(c.index.raw); w.i64(c.basisAverage.raw); w.i64(c.basisApplied.raw); w.u8(c.clamped ? 1 : 0)
                w.i64(c.mark.raw); w.i64(Int64(c.sampleCount))
            } else {
                w.u8(0)
            }
        }
    }

    // MARK: - Reading

    /// Decodes the pricing section into this engine (statuses, ledger and `lastTimestamp`
    /// are already restored) and derives `pricingNextDueMs`.
    func restorePricing(_ r: inout SnapshotReader) throws(SnapshotError) {
        let asset = config.settlementAsset.code
        let clearing = try r.i32()
        let existing = ledger.existingBook(.fundingClearing(asset: asset))
        if clearing == -1 {
            guard existing == nil else { throw .corrupt("the ledger has a funding clearing book the engine does not know") }
        } else {
            guard let existing, existing == clearing else { throw .corrupt("funding clearing book \(clearing) is not the ledger's") }
            guard ledger.balance(existing) == 0 else { throw .corrupt("funding clearing book does not balance to zero") }
        }
        fundingClearingBook = clearing
        for i in specs.indices {
            pricing[i] = try restorePricingState(i, &r)
        }
        recomputePricingDue()
    }

    private func words(_ r: inout SnapshotReader) throws(SnapshotError) -> [Int64] {
        let n = try r.count()
        var out: [Int64] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try r.i64()) }
        return out
    }

    private func restorePricingState(_ i: Int, _ r: inout SnapshotReader) throws(SnapshotError) -> PricingState {
        let spec = specs[i], sym = spec.symbol
        var p = pricing[i]                   // fresh: parameters and derived constants from the configuration
        let params = p.params
        let now = lastTimestamp
        func bad(_ what: String) -> SnapshotError { .corrupt("\(sym) pricing: \(what)") }

        p.live = try r.bool(); p.degraded = try r.bool(); p.engineHeld = try r.bool()
        p.publishedIndex = try r.i64(); p.nextRefreshAtMs = try r.i64(); p.nextPremiumAtMs = try r.i64()
        p.nextFundingAtMs = try r.i64(); p.pausedUntilMs = try r.i64()

        // Calculators: structure checked by their restoring initialisers, domain here.
        let indexWords = try words(&r), basisWords = try words(&r), premiumWords = try words(&r), volWords = try words(&r)
        guard let index = IndexPriceCalculator(sources: params.sources, staleAfterMs: params.staleAfterMs,
                                               maxDeviation: params.maxDeviation, minSources: params.minSources,
                                               restoring: indexWords) else { throw bad("index calculator state") }
        for k in params.sources.indices where indexWords[3 * k] == 1 {
            guard indexWords[3 * k + 1] <= spec.maxPrice, Self.saneTimes.contains(indexWords[3 * k + 2]),
                  indexWords[3 * k + 2] <= now else { throw bad("source \(params.sources[k].name): price or time") }
        }
        guard (index.lastIndex?.raw ?? 0) <= spec.maxPrice else { throw bad("index \(index.lastIndex!.raw) above the maximum price") }
        guard let basis = MarkPriceCalculator(capacity: params.basisSamples, sampleIntervalMs: params.basisSampleIntervalMs,
                                              basisCap: params.basisCap, missingMid: .zeroBasis,
                                              restoring: basisWords) else { throw bad("mark basis state") }
        let (twiceMax, o) = spec.maxPrice.multipliedReportingOverflow(by: 2)
        guard basisWords[0] == -1 || Self.saneTimes.contains(basisWords[0]),
              o || basisWords.dropFirst(2).allSatisfy({ (-twiceMax...twiceMax).contains($0) }) else { throw bad("basis samples") }
        guard let premium = PremiumIndex(restoring: premiumWords) else { throw bad("premium accumulator") }
        // At most one premium sample per sample interval within one funding interval.
        guard premium.count - 2 <= spec.fundingIntervalMs / params.premiumSampleIntervalMs else {
            throw bad("\(premium.count) premium samples in one funding interval")
        }
        guard let volatility = VolatilityInterruption(threshold: params.volatilityThreshold, windowMs: params.volatilityWindowMs,
                                                      coolOffMs: params.volatilityCoolOffMs, capacity: p.volatility.capacity,
                                                      restoring: volWords) else { throw bad("volatility guard state") }
        guard volWords[0] == -1 || Self.saneTimes.contains(volWords[0]) else { throw bad("volatility pause end") }
        for k in 0..<Int(volWords[1]) {
            let t = volWords[2 + 2 * k], price = volWords[3 + 2 * k]
            guard Self.saneTimes.contains(t), t <= now, price > 0, price <= spec.maxPrice else { throw bad("volatility observation") }
        }
        p.index = index; p.basis = basis; p.premium = premium; p.volatility = volatility

        // The last index result.
        if try r.bool() {
            let price = try r.bool() ? try r.i64() : nil
            let status: IndexResult.Status
            switch try r.u8() {
            case 0: status = .ok
            case 1: status = .degraded
            case let x: throw bad("index result status \(x)")
            }
            let n = try r.count()
            guard n == params.sources.count else { throw bad("index result of \(n) sources") }
            var outcomes: [IndexResult.SourceOutcome] = []
            for k in 0..<n {
                let sourcePrice = try r.bool() ? try r.i64() : nil
                let st: IndexResult.SourceStatus
                switch try r.u8() {
                case 0: st = .used
                case 1: st = .noData
                case 2: st = .stale(ageMs: try r.i64())
                case 3:
                    let d = try r.i64(), m = try r.i64()
                    guard d >= 0, m > 0, m <= spec.maxPrice else { throw bad("deviating source \(k)") }
                    st = .deviating(deviation: Rate(raw: d), medianOfOthers: Price(raw: m))
                case let x: throw bad("source status \(x)")
                }
                // The result was computed from the calculator's current source prices.
                let has = indexWords[3 * k] == 1
                guard sourcePrice == (has ? indexWords[3 * k + 1] : nil), (st == .noData) == !has else {
                    throw bad("index result of source \(k) does not match the calculator")
                }
                if case .stale(let age) = st, age <= params.staleAfterMs { throw bad("stale source \(k) of age \(age)") }
                outcomes.append(IndexResult.SourceOutcome(index: k, name: params.sources[k].name,
                                                          price: sourcePrice.map(Price.init(raw:)), status: st))
            }
            guard price == index.lastIndex?.raw else { throw bad("index result price is not the calculator's index") }
            p.lastResult = IndexResult(price: price.map(Price.init(raw:)), status: status, sources: outcomes)
        } else {
            p.lastResult = nil
        }

        // The last mark components: always those of the basis at the current index.
        if try r.bool() {
            let ci = try r.i64(), average = try r.i64(), applied = try r.i64(), clamped = try r.bool()
            let mark = try r.i64(), samples = try r.i64()
            guard let li = index.lastIndex else { throw bad("mark components without an index") }
            let c = basis.mark(index: li)
            guard c.index.raw == ci, c.basisAverage.raw == average, c.basisApplied.raw == applied, c.clamped == clamped,
                  c.mark.raw == mark, Int64(c.sampleCount) == samples else {
                throw bad("mark components are not those of the index and basis")
            }
            p.lastComponents = c
        } else {
            p.lastComponents = nil
        }

        // Invariants between the pieces.
        let published = p.lastResult?.price?.raw ?? 0
        guard p.publishedIndex == published else { throw bad("published index \(p.publishedIndex), last result \(published)") }
        if p.live {
            guard Self.saneTimes.contains(now) else { throw bad("index-driven at time \(now)") }
            guard let result = p.lastResult, index.lastIndex != nil, p.lastComponents != nil,
                  p.degraded == (result.status == .degraded) else { throw bad("index-driven without a consistent index") }
            // The time-driven work of the last command has run: every clock is in the future.
            guard p.nextFundingAtMs == Self.nextBoundary(after: now, every: spec.fundingIntervalMs) else {
                throw bad("next funding time \(p.nextFundingAtMs) is not the first after \(now)")
            }
            for (t, every) in [(p.nextRefreshAtMs, params.basisSampleIntervalMs), (p.nextPremiumAtMs, params.premiumSampleIntervalMs)] {
                guard t == now || t == Self.nextBoundary(after: now, every: every) else { throw bad("sample time \(t)") }
            }
            if p.pausedUntilMs != 0 {
                // Set to (observation time ≤ now) + cool-off; ended by the first command at or after it.
                guard Self.saneTimes.contains(p.pausedUntilMs), p.pausedUntilMs > now || params.volatilityCoolOffMs == 0,
                      p.pausedUntilMs >= now, p.pausedUntilMs - now <= params.volatilityCoolOffMs,
                      volWords[0] == p.pausedUntilMs else { throw bad("volatility pause until \(p.pausedUntilMs)") }
            }
            if p.engineHeld {
                guard statuses[i] == .cancelOnly, p.degraded || p.pausedUntilMs != 0 else {
                    throw bad("engine-held cancel-only without a guard holding it")
                }
            }
        } else {
            // Not index-driven yet: only source prices (and a degraded result) can exist.
            guard !p.degraded, !p.engineHeld, p.nextRefreshAtMs == 0, p.nextPremiumAtMs == 0, p.nextFundingAtMs == 0,
                  p.pausedUntilMs == 0, index.lastIndex == nil, basisWords == [-1, 0], premium.count == 0, volWords == [-1, 0],
                  p.lastComponents == nil, p.lastResult?.status != .ok else { throw bad("state of an instrument that is not index-driven") }
        }
        return p
    }
}
