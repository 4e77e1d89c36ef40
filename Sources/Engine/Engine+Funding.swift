import HarbourCore
import Ledger
import Matching
import Risk

/// Funding (PRICE-3): premium sampling and settlement at each funding time.
///
/// - Premium sample (every `premiumSampleIntervalMs`, aligned to multiples since the
///   epoch; 60 s by default — Binance samples every 5 s, a minute is enough for an
///   8-hour average and keeps the work per tick small): impact bid and ask for the impact
///   notional (impact margin × max leverage, e.g. 200 USD × 50 = 10,000 USD on BTC-PERP)
///   walked through the book, and `PremiumIndex.premium` against the index. A side too
///   thin for the impact notional counts as the index (contributes no premium). No
///   sample while the index is degraded. A sample belongs to the interval in which it
///   is taken, so one taken at or after a funding time counts for the next interval.
/// - Rate: `FundingRate.rate` of the simple mean of the interval's samples (zero
///   premium when there are none), interest scaled to the interval, clamp, cap/floor.
/// - Settlement at each funding time: every open position pays `size × mark × rate`
///   (payers rounded up, receivers down, `FundingSettlement`), at the mark in force.
///   Payers' cash → funding clearing book → receivers' cash, then the residue from the
///   clearing book to the house rounding book, so the clearing book is back to zero.
///   Funding always settles to the account's cash, isolated positions included (their
///   isolated margin is untouched). Cash may go negative; liquidation handles that.
extension Engine {
    func samplePremium(_ i: Int) {
        guard !pricing[i].degraded, let index = pricing[i].index.lastIndex else { return }
        let book = books[i]
        let n = pricing[i].notional, target = pricing[i].impactNotional
        let bids = book.depth(.buy, limit: Int.max).lazy.map { BookLevel(price: Price(raw: $0.price), quantity: Quantity(raw: $0.quantity)) }
        let asks = book.depth(.sell, limit: Int.max).lazy.map { BookLevel(price: Price(raw: $0.price), quantity: Quantity(raw: $0.quantity)) }
        let impactBid = ImpactPrice.compute(side: .bid, levels: bids, impactNotional: target, notional: n) ?? index
        let impactAsk = ImpactPrice.compute(side: .ask, levels: asks, impactNotional: target, notional: n) ?? index
        pricing[i].premium.add(PremiumIndex.premium(impactBid: impactBid, impactAsk: impactAsk, index: index))
    }

    /// Settles the interval ending at `fundingTime` and starts the next one.
    func settleFunding(_ i: Int, fundingTime: Int64) {
        let p = pricing[i]
        let premium = p.premium.average(.simpleMean)
        let rate = p.fundingRate.rate(averagePremium: premium)
        pricing[i].premium.reset()
        let mark = marks[i]
        var positions: [(account: AccountID, position: Quantity)] = []
        if mark > 0 {
            for a in accounts.indices where accounts[a].positions[i].size != 0 {
                positions.append((AccountID(UInt32(a)), Quantity(raw: accounts[a].positions[i].size)))
            }
        }
        let result: FundingSettlement.Result
        do {
            result = try FundingSettlement.settle(positions: positions, mark: Price(raw: mark), rate: rate, notional: p.notional)
        } catch {
            // Positions always net to zero (every fill has two sides); never move money otherwise.
            assertionFailure("funding: \(error)")
            return
        }
        if fundingClearingBook < 0 { fundingClearingBook = ledger.book(.fundingClearing(asset: config.settlementAsset.code)) }
        let clearing = fundingClearingBook
        var payers: [FundingPayment] = [], receivers: [FundingPayment] = []
        for e in result.entries where e.change.raw < 0 {
            ledger.post(from: accounts[Int(e.account.index)].cashBook, to: clearing, amount: -e.change.raw, reason: .funding)
            payers.append(FundingPayment(account: e.account, position: e.position.raw, amount: -e.change.raw))
            touchBalance(e.account.index)
        }
        for e in result.entries where e.change.raw > 0 {
            ledger.post(from: clearing, to: accounts[Int(e.account.index)].cashBook, amount: e.change.raw, reason: .funding)
            receivers.append(FundingPayment(account: e.account, position: e.position.raw, amount: e.change.raw))
            touchBalance(e.account.index)
        }
        ledger.post(from: clearing, to: roundingBook, amount: result.residue.raw, reason: .fundingRounding)
        precondition(ledger.balance(clearing) == 0, "funding clearing book must return to zero")
        events.append(.funding(FundingEvent(
            instrument: InstrumentID(UInt16(i)), rate: rate, premium: premium, interest: p.fundingRate.interest,
            premiumSamples: p.premium.count, mark: mark, fundingTime: fundingTime,
            payers: payers, receivers: receivers, residue: result.residue.raw)))
    }

    // MARK: - Queries

    /// The next funding time (ms since the epoch); nil until the instrument is index-driven.
    public func nextFundingTime(_ instrument: InstrumentID) -> Int64? {
        let p = pricing[Int(instrument.index)]
        return p.live ? p.nextFundingAtMs : nil
    }

    /// The funding rate the samples of the current interval imply so far; nil until the
    /// instrument is index-driven.
    public func predictedFundingRate(_ instrument: InstrumentID) -> Rate? {
        let p = pricing[Int(instrument.index)]
        return p.live ? p.fundingRate.rate(averagePremium: p.premium.average(.simpleMean)) : nil
    }

    /// The average premium of the current interval and its sample count.
    public func currentPremium(_ instrument: InstrumentID) -> (average: Rate, samples: Int64) {
        let p = pricing[Int(instrument.index)].premium
        return (p.average(.simpleMean), p.count)
    }
}
