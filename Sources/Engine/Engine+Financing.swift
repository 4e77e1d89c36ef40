import Compliance
import Financing
import HarbourCore
import Ledger
import Matching
import Spot

/// Margin financing in the engine (FIN-1..6; docs/FINANCING.md). The `Financing` target's
/// `LoanBook` decides everything — eligibility, the seven controls, valuation, calls, the
/// forced-sale quantity, interest — and the engine gives it what only the engine knows:
/// the client's free balances and PI classification, BTC/ETH index prices, the clock
/// (daily accrual, month end, call deadlines) and the spot book for forced sales.
///
/// One ledger: after every financing operation the book's postings are moved onto the
/// engine's ledger (`mirrorFinancingPostings`), its client books mapped to the client's
/// own cash books, its loan books to `loanCollateral` / `loanPrincipal` / `loanInterest`,
/// so pledged collateral is out of reach of trading, margin and withdrawals, and every
/// asset still sums to zero. `financingViolations()` checks that the two agree.
extension Engine {
    /// How long a forced sale that the spot book could not (fully) take waits before it is
    /// tried again: one second, the venue's tick.
    static let forcedSaleRetryMs: Int64 = 1_000
    static let dayMs: Int64 = 86_400_000

    // MARK: - Commands

    func applyFinancing(_ c: FinancingCommand, now: Int64) {
        guard financing != nil else {
            return reject(.financingDisabled, "this venue offers no margin financing (no financing configuration)", account: c.account, clientOrderId: nil)
        }
        if let a = c.account {
            guard validAccount(a) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
            financing!.setCompliance(compliance.records[a.index] ?? ClientComplianceRecord(), for: a)
        }
        do throws(FinancingRefusal) {
            try runFinancing(c, now: now)
        } catch {
            _ = financing!.takePostings()   // a refusal posts nothing; nothing to move
            return reject(RejectCode(rawValue: error.code.rawValue) ?? .invalidAmount, Self.describe(error), account: c.account, clientOrderId: nil)
        }
        markFinancingUsed(now: now)
        runSpotSales(now: now)
    }

    /// From the first change to the financing book on, its section is in the state hash
    /// and the daily accrual is scheduled.
    func markFinancingUsed(now: Int64) {
        guard !financingUsed else { return }
        financingUsed = true
        financingDayDueMs = (Self.floorDiv(now, Self.dayMs) + 1) * Self.dayMs
    }

    /// Why `account` may not draw a loan for want of acknowledging the current financing
    /// disclosure; nil once it has (or while none is published).
    func financingDisclosureRefusal(_ account: AccountID) -> FinancingRefusal? {
        let current = compliance.financingDisclosureVersion
        guard current > 0 else { return nil }
        let id = Self.financingDisclosureId
        let acknowledged = compliance.records[account.index]?.acknowledgements[id]?.version
        guard acknowledged != Int(current) else { return nil }
        return FinancingRefusal(.disclosureNotAcknowledged,
                                acknowledged == nil ? "read and acknowledge version \(current) of the \(id) disclosure before drawing a loan"
                                    : "the \(id) disclosure changed: read and acknowledge version \(current) (you acknowledged \(acknowledged!)) before drawing a loan")
    }

    /// A refusal's message with its figures (the limit and the numbers it was judged on).
    static func describe(_ r: FinancingRefusal) -> String {
        guard !r.figures.isEmpty else { return r.message }
        return r.message + " (" + r.figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            + "; figures in raw units: USD 1e-6, BTC and ETH 1e-8, shares 1)"
    }

    private func runFinancing(_ c: FinancingCommand, now: Int64) throws(FinancingRefusal) {
        switch c {
        case let .setClient(a, agreement, group, rate, settlement, securities, by):
            guard !agreement.isEmpty, !by.isEmpty else { throw FinancingRefusal(.invalidAmount, "a margin client has an agreement reference and the staff member who recorded it") }
            guard (0...Rate.one.raw).contains(rate) else { throw FinancingRefusal(.invalidAmount, "the annual rate is between 0% and 100%", figures: ["annualRate": rate]) }
            guard securities >= 0 else { throw FinancingRefusal(.invalidAmount, "securities margin loans are not negative") }
            let existing = financing!.clients[a.index]
            financing!.upsert(client: MarginClient(account: a, marginAgreement: agreement, compliance: compliance.records[a.index] ?? ClientComplianceRecord(),
                                                   credit: existing?.credit, relatedGroup: group, securitiesMarginLoans: Amount(raw: securities),
                                                   annualRate: Rate(raw: rate), interestSettlement: settlement))
            events.append(.financing(.clientSet(account: a, agreement: agreement, relatedGroup: group, annualRate: rate, settlement: settlement,
                                                securitiesMarginLoans: securities, by: by)))
        case let .assessCredit(a, figures, limit, reviewDueAt, by):
            guard var client = financing!.clients[a.index] else { throw FinancingRefusal(.unknownClient, "\(name(of: a)) is not a margin client (record its agreement first)") }
            let declared: DeclaredFinancials
            do { declared = try Self.declared(figures) } catch { throw FinancingRefusal(.invalidAmount, "\(error)") }
            let credit = try CreditAssessment.approveWithinRule(declared, limit: Amount(raw: limit), rule: financing!.config.creditRule, by: by,
                                                                at: now, reviewDueAt: reviewDueAt)
            client.credit = credit
            financing!.upsert(client: client)
            events.append(.financing(.creditAssessed(account: a, ruleLimit: credit.ruleLimit.raw, approvedLimit: credit.approvedLimit.raw,
                                                     reviewDueAt: reviewDueAt, by: by)))
        case let .openLoan(a):
            let id = try financing!.openLoan(for: a, at: now)
            events.append(.financing(.loanOpened(loan: id.raw, account: a)))
        case let .pledge(a, loan, code, quantity):
            let id = try ownLoan(a, loan)
            let held = try collateralAsset(code)
            let notices = try financing!.pledge(id, asset: code, quantity: Quantity(raw: quantity), available: balance(a, asset: held.code), at: now)
            mirrorFinancingPostings()
            events.append(.financing(.collateralPledged(loan: loan, account: a, asset: code, quantity: quantity, pledged: pledged(id, code))))
            publish(notices, now: now)
        case let .release(a, loan, code, quantity):
            let id = try ownLoan(a, loan)
            _ = try collateralAsset(code)
            let notices = try financing!.release(id, asset: code, quantity: Quantity(raw: quantity), at: now)
            mirrorFinancingPostings()
            events.append(.financing(.collateralReleased(loan: loan, account: a, asset: code, quantity: quantity, pledged: pledged(id, code))))
            publish(notices, now: now)
        case let .drawdown(a, loan, amount):
            let id = try ownLoan(a, loan)
            guard amount > 0 else { throw FinancingRefusal(.invalidAmount, "a drawdown is a positive amount") }
            if let refusal = financingDisclosureRefusal(a) { throw refusal }
            guard ledger.balance(accounts[Int(a.index)].cashBook) <= Engine.maxBalance - amount else {
                throw FinancingRefusal(.invalidAmount, "the drawdown would take the cash balance beyond the venue's limit")
            }
            let notices = try financing!.drawdown(id, amount: Amount(raw: amount), at: now)
            mirrorFinancingPostings()
            let l = financing!.loans[id]!
            events.append(.financing(.loanDrawn(loan: loan, account: a, amount: amount, principal: l.principal.raw)))
            publish(notices, now: now)
        case let .repay(a, loan, amount):
            let id = try ownLoan(a, loan)
            let free = Int64(clamping: withdrawable(a.index))
            let notices = try financing!.repay(id, amount: Amount(raw: amount), available: free, at: now)
            mirrorFinancingPostings()
            let l = financing!.loans[id]!
            events.append(.financing(.loanRepaid(loan: loan, account: a, amount: amount, principal: l.principal.raw, accruedInterest: l.accruedInterest.raw)))
            publish(notices, now: now)
        case let .collateralPrice(code, price):
            let asset = try collateralAsset(code)
            guard asset.kind == .security else {
                throw FinancingRefusal(.invalidAmount, "\(code) is a virtual asset: it is valued at the venue's index price, not a reference price")
            }
            guard price > 0, price <= MarginValuation.maxPriceRaw else { throw FinancingRefusal(.invalidAmount, "a reference price is positive and within bounds") }
            let before = financing!.collateralBreaches()
            let notices = try financing!.setPrice(code, Price(raw: price), at: now)
            mirrorFinancingPostings()
            events.append(.financing(.collateralPriced(asset: code, price: price)))
            publishBreaches(before: before, after: financing!.collateralBreaches())
            publish(notices, now: now)
        case let .brokerCapital(fiat, securities, virtualAssets, by):
            guard fiat >= 0, securities >= 0, virtualAssets >= 0, !by.isEmpty else {
                throw FinancingRefusal(.invalidAmount, "capital items are not negative and name who recorded them")
            }
            let capital = BrokerCapital(items: [.init(name: "fiat", kind: .fiat, value: Amount(raw: fiat)),
                                                .init(name: "securities", kind: .securities, value: Amount(raw: securities)),
                                                .init(name: "virtual assets", kind: .virtualAsset, value: Amount(raw: virtualAssets))])
            let before = financing!.breaches()
            financing!.setCapital(capital)
            events.append(.financing(.capitalSet(figure: capital.figure.raw, by: by)))
            publishBreaches(before: before, after: financing!.breaches())
        case let .forcedSaleFill(instruction, quantity, proceeds):
            guard let sale = pendingSale(instruction), sale.venue == .securitiesDesk else {
                throw FinancingRefusal(.unknownInstruction, "no pending securities-desk forced sale \(instruction) (spot-book sales are the engine's own)")
            }
            let notices = try financing!.recordForcedSaleFill(instruction: instruction, quantity: Quantity(raw: quantity), proceeds: Amount(raw: proceeds), at: now)
            mirrorFinancingPostings()
            publish(notices, now: now)
        }
    }

    private func ownLoan(_ a: AccountID, _ loan: Int64) throws(FinancingRefusal) -> LoanID {
        let id = LoanID(loan)
        guard let l = financing!.loans[id], l.account == a else { throw FinancingRefusal(.unknownLoan, "\(name(of: a)) has no loan \(loan)") }
        return id
    }

    private func collateralAsset(_ code: String) throws(FinancingRefusal) -> CollateralAsset {
        guard let asset = financing!.config.collateral[code], config.asset(code: code) != nil else {
            let list = financing!.config.collateral.keys.sorted().joined(separator: ", ")
            throw FinancingRefusal(.unknownAsset, "'\(code)' is not on the collateral list (\(list))")
        }
        return asset
    }

    private func pledged(_ id: LoanID, _ code: String) -> Int64 { financing!.loans[id]?.collateral[code]?.raw ?? 0 }

    /// The pending instruction with this id (ids are unique, so no order is needed: one pass).
    func pendingSale(_ instruction: Int64) -> ForcedSaleInstruction? {
        for loan in financing!.loans.values {
            if let s = loan.pendingSales.first(where: { $0.id == instruction }) { return s }
        }
        return nil
    }

    func name(of a: AccountID) -> String { Int(a.index) < accounts.count ? accounts[Int(a.index)].name : "account \(a.index)" }

    // MARK: - One ledger

    /// Moves the financing book's postings onto the engine's ledger. During a spot forced
    /// sale (`spotSaleOf`), the collateral already went to the spot book through the lock
    /// and the proceeds already sit in the client's cash, so the book's `external` side is
    /// the client's cash and its delivery leg is skipped.
    func mirrorFinancingPostings(spotSaleOf seller: UInt32? = nil) {
        let settlement = config.settlementAsset.code
        for p in financing!.takePostings() {
            if seller != nil, p.reason == .forcedSaleDelivery { continue }
            let from = mainBook(p.from, seller: seller), to = mainBook(p.to, seller: seller)
            if from == to { continue }
            ledger.post(from: ledger.book(from), to: ledger.book(to), amount: p.amount, reason: Self.postingReason(p.reason))
            for key in [from, to] {
                guard case let .clientCash(a, asset) = key else { continue }
                if asset == settlement { touchBalance(a) } else { touchAsset(a, asset) }
            }
        }
    }

    private func mainBook(_ b: FinancingBook, seller: UInt32?) -> BookKey {
        switch b {
        case let .clientFree(a, asset): return .clientCash(account: a, asset: asset)
        case let .pledged(loan, asset): return .loanCollateral(loan: loan, asset: asset)
        case let .loanPrincipal(loan, asset): return .loanPrincipal(loan: loan, asset: asset)
        case let .accruedInterest(loan, asset): return .loanInterest(loan: loan, asset: asset)
        case let .brokerInterestIncome(asset): return .interestIncome(asset: asset)
        case let .external(asset):
            if let seller { return .clientCash(account: seller, asset: asset) }
            return .external(asset: asset)
        }
    }

    static func postingReason(_ r: FinancingPostingReason) -> PostingReason {
        switch r {
        case .deposit: return .deposit
        case .pledge: return .pledge
        case .release: return .release
        case .drawdown: return .drawdown
        case .interestAccrual: return .interestAccrual
        case .interestCapitalised: return .interestCapitalised
        case .interestPaid: return .interestPaid
        case .repayment: return .repayment
        case .forcedSaleDelivery: return .forcedSale
        case .forcedSaleProceeds: return .forcedSaleProceeds
        }
    }

    // MARK: - Notices and forced sales

    /// Publishes margin notices; records call deadlines and queues spot-book sales.
    func publish(_ notices: [MarginNotice], now: Int64) {
        for n in notices {
            events.append(.financing(.notice(n)))
            if n.kind == .marginCall, let d = n.deadline { financingDeadlineMs = min(financingDeadlineMs, d) }
            if n.kind == .forcedSale {
                for s in n.instructions where s.venue == .spotBook { freshSpotSales.append(s.id) }
            }
        }
    }

    /// Sends the forced sales this command issued to the spot book, once each. What the
    /// book could not take, and any follow-up sale a partial fill causes, waits and is
    /// tried again a second later (`retrySpotSales`), so a command does a bounded amount
    /// of selling and an empty book costs one attempt per second.
    func runSpotSales(now: Int64) {
        guard !freshSpotSales.isEmpty else { return }
        let batch = freshSpotSales
        freshSpotSales.removeAll()
        for id in batch where pendingSale(id)?.venue == .spotBook { sellOnSpot(id, now: now) }
        parkFreshSpotSales(now: now)
    }

    /// One more attempt at every waiting spot forced sale.
    func retrySpotSales(now: Int64) {
        let batch = spotSaleQueue
        spotSaleQueue.removeAll()
        spotSaleRetryMs = .max
        for id in batch where pendingSale(id)?.venue == .spotBook { sellOnSpot(id, now: now) }
        parkFreshSpotSales(now: now)
    }

    /// Follow-up sales issued while selling wait for the next attempt.
    private func parkFreshSpotSales(now: Int64) {
        spotSaleQueue += freshSpotSales
        freshSpotSales.removeAll()
        spotSaleQueue.sort()
        if !spotSaleQueue.isEmpty && spotSaleRetryMs == .max { spotSaleRetryMs = now + Self.forcedSaleRetryMs }
    }

    /// One attempt at a spot-book forced sale: an IOC sell for the borrower, at no less
    /// than the instruction's protection limit, of the instruction's quantity rounded up to
    /// the market's lot (the least the market can sell), never more than the loan holds
    /// outside its other sales. The quantity moves from the pledged book to the sell lock,
    /// matches, the rest goes back; the fill and the net proceeds go to the loan book.
    func sellOnSpot(_ instruction: Int64, now: Int64) {
        guard let sale = pendingSale(instruction), let loan = financing!.loans[sale.loan],
              let m = spot.specs.firstIndex(where: { $0.base.code == sale.asset && $0.quote.code == config.settlementAsset.code }) else { return }
        let ms = spot.specs[m], spec = ms.market, a = loan.account.index
        let sellable = (loan.collateral[sale.asset]?.raw ?? 0) - loan.quantityInSale(sale.asset).raw + sale.quantity.raw
        let factor = ms.baseFactor
        // The taker fee comes out of the proceeds: sell enough more that the net proceeds
        // are what the instruction's quantity would raise at its price.
        let takerRate = max(0, config.feeTiers[accounts[Int(a)].feeTier].taker.raw)
        let gross = Int64((Int128(sale.quantity.raw) * Int128(Rate.one.raw)).divided(by: Int128(Rate.one.raw - min(takerRate, Rate.one.raw / 2)), rounding: .up))
        var size = (gross + factor - 1) / factor
        size = (size + spec.lotSize - 1) / spec.lotSize * spec.lotSize
        size = min(size, sellable / factor / spec.lotSize * spec.lotSize, spec.maxQuantity / spec.lotSize * spec.lotSize)
        guard size >= spec.minQuantity, spot.statuses[m] == .enabled else {
            spotSaleQueue.append(instruction)   // dust below a lot, or the market halted: stays pending, tried again
            if spotSaleRetryMs == .max { spotSaleRetryMs = now + Self.forcedSaleRetryMs }
            return
        }
        let scaleUp = Self.power10(spec.priceScale.decimals), scaleDown = Self.power10(config.settlementAsset.scale.decimals)
        var limit = Int64((Int128(sale.limitPrice.raw) * Int128(scaleUp)).divided(by: Int128(scaleDown), rounding: .up))
        limit = (limit + spec.tickSize - 1) / spec.tickSize * spec.tickSize
        guard limit <= spec.maxPrice else {
            spotSaleQueue.append(instruction)
            if spotSaleRetryMs == .max { spotSaleRetryMs = now + Self.forcedSaleRetryMs }
            return
        }
        let delivered = size * factor
        let collateralBook = ledger.book(.loanCollateral(loan: sale.loan.raw, asset: sale.asset))
        let lockBook = ledger.book(.clientLocked(account: a, asset: sale.asset))
        let cashBefore = ledger.balance(accounts[Int(a)].cashBook)
        ledger.post(from: collateralBook, to: lockBook, amount: delivered, reason: .forcedSale)
        spot.ensure(account: a)
        let id = nextOrderId
        nextOrderId += 1
        let instrument = InstrumentID(UInt16(spot.firstId + m))
        events.append(.accepted(orderId: id, account: loan.account, instrument: instrument, clientOrderId: nil))
        var taker = MatchTaker(orderId: id, account: a, group: accounts[Int(a)].group, side: .sell, limit: limit, remaining: size, stp: .expireMaker)
        var delegate = SpotMatching(engine: self, market: m, takerLimit: limit, takerRate: config.feeTiers[accounts[Int(a)].feeTier].taker)
        let last = Matcher.match(&taker, in: spot.books[m], delegate: &delegate)
        if last != 0 { spot.lastPrices[m] = last; spot.lastPriceMoved(m) }
        if taker.remaining > 0 {
            ledger.post(from: lockBook, to: collateralBook, amount: taker.remaining * factor, reason: .forcedSale)
            events.append(.expired(OrderEnd(orderId: id, account: loan.account, instrument: instrument, clientOrderId: nil,
                                            reason: "FORCED_SALE_IOC", remaining: taker.remaining)))
        }
        let filled = (size - taker.remaining) * factor
        let proceeds = ledger.balance(accounts[Int(a)].cashBook) - cashBefore
        touchAsset(a, sale.asset)
        events.append(.financing(.forcedSaleOrder(instruction: instruction, loan: sale.loan.raw, account: loan.account, asset: sale.asset,
                                                  quantity: sale.quantity.raw, limitPrice: limit, order: Int64(id), filled: filled, proceeds: proceeds)))
        guard filled > 0 else {
            spotSaleQueue.append(instruction)   // nothing bid within the band: tried again
            if spotSaleRetryMs == .max { spotSaleRetryMs = now + Self.forcedSaleRetryMs }
            return
        }
        do {
            let notices = try financing!.recordForcedSaleFill(instruction: instruction, quantity: Quantity(raw: filled), proceeds: Amount(raw: max(0, proceeds)), at: now)
            mirrorFinancingPostings(spotSaleOf: a)
            publish(notices, now: now)
        } catch {
            preconditionFailure("a spot forced-sale fill the engine computed was refused: \(error)")
        }
    }

    /// Division rounding toward negative infinity (days before 1970 stay in their day).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func power10(_ n: Int) -> Int64 {
        var f: Int64 = 1
        for _ in 0..<max(0, n) { f *= 10 }
        return f
    }

    // MARK: - Prices and time

    /// The index of a perpetual moved: the collateral asset it references (BTC, ETH) is
    /// re-valued at it, which re-evaluates exactly the loans whose zone it crosses.
    func feedCollateralPrice(instrument i: Int, index: Int64, now: Int64) {
        guard financing != nil, index > 0 else { return }
        let code = specs[i].underlying
        guard let asset = financing!.config.collateral[code], asset.kind == .virtualAsset else { return }
        let decimals = config.settlementAsset.scale.decimals - specs[i].priceScale.decimals
        guard decimals >= 0 else { return }
        let price = Price(raw: index * Self.power10(decimals))
        guard financing!.prices[code] != price else { return }
        let before = financingUsed ? financing!.collateralBreaches() : []
        do {
            let notices = try financing!.setPrice(code, price, at: now)
            if financingUsed { publishBreaches(before: before, after: financing!.collateralBreaches()) }
            mirrorFinancingPostings()
            publish(notices, now: now)
        } catch {
            return   // a price beyond the valuation's bounds leaves the last one in force
        }
        runSpotSales(now: now)
    }

    /// Publishes the FIN-3 breaches that appeared or disappeared between two evaluations.
    func publishBreaches(before: [ControlBreach], after: [ControlBreach]) {
        let key = { (b: ControlBreach) in b.code.rawValue + " " + b.subject }
        let was = Set(before.map(key)), now = Set(after.map(key))
        let limits = financing!.config.limits
        for b in after where !was.contains(key(b)) {
            let m = b.measured(under: limits)
            events.append(.financing(.controlBreach(code: b.code.rawValue, subject: b.subject, message: Self.describe(b), raised: true, value: m.value, limit: m.limit)))
        }
        for b in before where !now.contains(key(b)) {
            let m = b.measured(under: limits)   // the figures it was last over the limit on
            events.append(.financing(.controlBreach(code: b.code.rawValue, subject: b.subject, message: Self.describe(b), raised: false, value: m.value, limit: m.limit)))
        }
    }

    static func describe(_ b: ControlBreach) -> String {
        b.message + " (" + b.figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// Earliest time financing's time-driven work is due.
    var financingDueMs: Int64 { min(financingDayDueMs, financingDeadlineMs, spotSaleRetryMs) }

    /// Daily interest accrual (and month-end settlement on the first day of a month), call
    /// deadlines that passed, and forced sales waiting for the spot book.
    func runFinancingDue(now: Int64) {
        guard financing != nil else { return }
        timeWorkRan = true
        if now >= financingDayDueMs {
            let before = financing!.breaches()
            defer { publishBreaches(before: before, after: financing!.breaches()) }
            let notices = financing!.accrueInterest(at: now)
            mirrorFinancingPostings()
            publish(notices, now: now)
            if Self.isFirstOfMonth(day: Self.floorDiv(now, Self.dayMs)) {
                let notices = financing!.settleInterest(at: now) { [self] account in Int64(clamping: withdrawable(account.index)) }
                mirrorFinancingPostings()
                publish(notices, now: now)
                publishMonthlyStressTest()
            }
            publishControlUtilisation()
            financingDayDueMs = (Self.floorDiv(now, Self.dayMs) + 1) * Self.dayMs
        }
        if now >= financingDeadlineMs {
            let notices = financing!.checkDeadlines(at: now)
            mirrorFinancingPostings()
            publish(notices, now: now)
            financingDeadlineMs = nextCallDeadline()
        }
        runSpotSales(now: now)
        if now >= spotSaleRetryMs { retrySpotSales(now: now) }
    }

    /// FIN-6 "at least monthly by schedule": the standard scenarios over the loan book as it
    /// stands after the month's settlement, one event each (read-only: nothing changes).
    func publishMonthlyStressTest() {
        guard let book = financing, !book.loans.isEmpty else { return }
        for scenario in StressScenario.standard(for: book.config) {
            let r = book.stressTest(scenario)
            events.append(.financing(.stressTested(scenario: scenario.name, clients: Int64(r.clients.count), loansUnderWater: Int64(r.loansUnderWater),
                                                   marginShortfall: r.totalMarginShortfall.raw, uncoveredLoss: r.totalUncoveredLoss.raw,
                                                   capital: r.capital.raw, capitalAtRiskShare: r.capitalAtRiskShare.raw,
                                                   shortfallShareOfCapital: r.shortfallShareOfCapital.raw)))
        }
    }

    /// FIN-3 "raise an alert at once" has its daily counterpart: at each daily accrual (the
    /// first command after a UTC midnight, once however many days it covers) the utilisation
    /// of every limit — the book's lending capacity, and the most used clients, related
    /// groups and collateral groups (`LoanBook.utilisationSubjects`, not every client: the
    /// event stream stays proportional to the controls) — one event each (read-only).
    func publishControlUtilisation() {
        guard let book = financing else { return }
        for u in book.controlUtilisation() { events.append(.financing(.controlUtilisation(u))) }
    }

    /// The earliest deadline of an open call (`.max`: none).
    func nextCallDeadline() -> Int64 {
        financing?.loans.values.compactMap { $0.pendingSales.isEmpty ? $0.call?.deadline : nil }.min() ?? .max
    }

    /// Whether civil day `day` (days since 1970-01-01, UTC) is the first of its month
    /// (H. Hinnant's civil-from-days).
    static func isFirstOfMonth(day: Int64) -> Bool {
        let z = day + 719_468
        let era = Self.floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        return doy - (153 * mp + 2) / 5 + 1 == 1
    }

    // MARK: - Queries and invariants

    /// The financing book (nil when the venue offers no financing).
    public var loanBook: LoanBook? { financing }

    /// The financing book agrees with itself and with the engine's ledger: every loan's
    /// collateral, principal and interest books hold what the loan records.
    func financingViolations() -> [String] {
        guard let book = financing else { return [] }
        var out = book.invariantViolations().map { "financing: " + $0 }
        let cash = config.settlementAsset.code
        for (id, loan) in book.loans.sorted(by: { $0.key < $1.key }) {
            if assetBalance(.loanPrincipal(loan: id.raw, asset: cash)) != -loan.principal.raw { out.append("financing: \(id) principal differs from the ledger") }
            if assetBalance(.loanInterest(loan: id.raw, asset: cash)) != -loan.accruedInterest.raw { out.append("financing: \(id) interest differs from the ledger") }
            for code in book.config.collateral.keys.sorted() where assetBalance(.loanCollateral(loan: id.raw, asset: code)) != (loan.collateral[code]?.raw ?? 0) {
                out.append("financing: \(id) \(code) collateral differs from the ledger")
            }
        }
        if !freshSpotSales.isEmpty { out.append("financing: forced sales issued and not sent: \(freshSpotSales)") }
        let queued = Set(spotSaleQueue)
        for loan in book.loans.values { for s in loan.pendingSales where s.venue == .spotBook && !queued.contains(s.id) {
            out.append("financing: spot forced sale \(s.id) is pending but not queued")
        } }
        return out
    }
}

// MARK: - Four-eyes financing changes (REG-4)

extension Engine {
    /// Whether a credit limit or haircut change can be made now, and what it amounts to.
    func checkFinancingChange(_ change: StaffChange, now: Int64) -> Result<[String], Rejection> {
        guard let book = financing else { return .failure(Rejection(.financingDisabled, "this venue offers no margin financing")) }
        let scale = config.settlementAsset.scale
        switch change {
        case let .creditLimit(account, figures, limit, reviewDueAt):
            guard book.clients[account.index]?.marginAgreement != nil else {
                return .failure(Rejection(.unknownClient, "\(name(of: account)) is not a margin client (record its agreement first)"))
            }
            guard limit >= 0, reviewDueAt > now else { return .failure(Rejection(.invalidAmount, "a limit is not negative and the review date is after now")) }
            let declared: DeclaredFinancials
            do { declared = try Self.declared(figures) } catch { return .failure(Rejection(.invalidAmount, "\(error)")) }
            let rule = book.config.creditRule.limit(for: declared)
            let within = Amount(raw: limit) <= rule
            return .success(["rule limit \(FixedDecimal.format(rule.raw, scale: scale)); requested \(FixedDecimal.format(limit, scale: scale))"
                             + (within ? " (within the rule)" : " (ABOVE the rule: a waiver, recorded with the request's reason)")])
        case let .haircut(code, haircut):
            guard let asset = book.config.collateral[code] else {
                return .failure(Rejection(.unknownCollateralAsset, "'\(code)' is not on the collateral list (\(book.config.collateral.keys.sorted().joined(separator: ", ")))"))
            }
            do { try CollateralAsset.validate(haircut: Rate(raw: haircut), for: code, kind: asset.kind) } catch {
                return .failure(Rejection(.invalidFinancingConfig, "\(error)"))
            }
            let holding = book.loans.values.filter { $0.collateral[code] != nil }.count
            return .success(["\(code) haircut \(asset.haircut.formatted) → \(Rate(raw: haircut).formatted), applied at once to \(holding) loan(s)"])
        case let .financingLimits(figures):
            do { _ = try figures.limits() } catch { return .failure(Rejection(.invalidFinancingConfig, "\(error)")) }
            let now = FinancingLimitFigures(book.config.limits)
            let changed = zip(FinancingLimitFigures.fieldNames, zip(now.figures, figures.figures)).filter { $0.1.0 != $0.1.1 }
            return .success(changed.isEmpty ? ["the limits are unchanged"]
                            : changed.map { "\($0.0) \(Self.limitFigure($0.0, $0.1.0, scale)) → \(Self.limitFigure($0.0, $0.1.1, scale))" })
        default:
            return .failure(Rejection(.malformedCommand, "not a financing change"))
        }
    }

    /// Applies an approved credit limit or haircut; nil on success (events appended), or
    /// the refusal (nothing changed).
    func approveFinancingChange(_ change: StaffChange, request: FourEyesRequest<StaffChange>, checker: String, now: Int64) -> Rejection? {
        guard financing != nil else { return Rejection(.financingDisabled, "this venue offers no margin financing") }
        switch change {
        case let .creditLimit(account, figures, limit, reviewDueAt):
            guard var client = financing!.clients[account.index], let declared = try? Self.declared(figures) else {
                return Rejection(.unknownClient, "\(name(of: account)) is not a margin client")
            }
            let rule = financing!.config.creditRule
            let credit: CreditAssessment
            do throws(FinancingRefusal) {
                if Amount(raw: limit) <= rule.limit(for: declared) {
                    credit = try CreditAssessment.approveWithinRule(declared, limit: Amount(raw: limit), rule: rule, by: checker, at: now,
                                                                    reviewDueAt: reviewDueAt)
                } else {
                    let waiver = CreditWaiver(declared: declared, limit: Amount(raw: limit), reviewDueAt: reviewDueAt, maker: request.maker, reason: request.reason)
                    var w: FourEyesRequest<CreditWaiver>
                    do {
                        w = try FourEyesRequest(id: request.id, change: waiver, maker: request.maker, madeAt: request.madeAt, reason: request.reason)
                        _ = try w.approve(by: checker, at: now)
                    } catch { throw FinancingRefusal(.waiverInvalid, "\(error)") }
                    credit = try CreditAssessment.approveWaiver(w, rule: rule)
                }
            } catch {
                return Rejection(RejectCode(rawValue: error.code.rawValue) ?? .invalidAmount, Self.describe(error))
            }
            client.credit = credit
            financing!.upsert(client: client)
            markFinancingUsed(now: now)
            events.append(.financing(.creditAssessed(account: account, ruleLimit: credit.ruleLimit.raw, approvedLimit: credit.approvedLimit.raw,
                                                     reviewDueAt: reviewDueAt, by: checker)))
            return nil
        case let .haircut(code, haircut):
            var r: FourEyesRequest<FinancingChange>
            let notices: [MarginNotice]
            do {
                r = try FourEyesRequest(id: request.id, change: .haircut(asset: code, Rate(raw: haircut)), maker: request.maker,
                                        madeAt: request.madeAt, reason: request.reason)
                _ = try r.approve(by: checker, at: now)
            } catch { return Rejection(.sameMakerAndChecker, "\(error)") }
            let before = financing!.breaches()
            do { notices = try financing!.apply(r, at: now) } catch { return Rejection(.invalidFinancingConfig, "\(error)") }
            publishBreaches(before: before, after: financing!.breaches())
            mirrorFinancingPostings()
            events.append(.financing(.haircutSet(asset: code, haircut: haircut, by: checker)))
            publish(notices, now: now)
            markFinancingUsed(now: now)
            runSpotSales(now: now)
            return nil
        case let .financingLimits(figures):
            var r: FourEyesRequest<FinancingChange>
            do {
                r = try FourEyesRequest(id: request.id, change: .limits(try figures.limits()), maker: request.maker,
                                        madeAt: request.madeAt, reason: request.reason)
                _ = try r.approve(by: checker, at: now)
            } catch { return Rejection(.invalidFinancingConfig, "\(error)") }
            let before = financing!.breaches()
            do { _ = try financing!.apply(r, at: now) } catch { return Rejection(.invalidFinancingConfig, "\(error)") }
            // Limits judge drawdowns; a tighter one the book is already over is a breach for the risk team now.
            publishBreaches(before: before, after: financing!.breaches())
            events.append(.financing(.limitsSet(figures, by: checker)))
            markFinancingUsed(now: now)
            return nil
        default:
            return Rejection(.malformedCommand, "not a financing change")
        }
    }

    /// One limit figure for a message: shares as decimal fractions, sizes in the settlement asset.
    static func limitFigure(_ name: String, _ value: Int64, _ money: DecimalScale) -> String {
        switch name {
        case "lendingMultiple": "\(value)×"
        case "loanBookShareMinimumBook", "collateralShareMinimumPool": FixedDecimal.format(value, scale: money)
        default: Rate(raw: value).formatted
        }
    }

    static func declared(_ f: DeclaredFigures) throws(FinancingError) -> DeclaredFinancials {
        let d = { (v: Int64) in DatedAmount(Amount(raw: v), asOf: f.asOf) }
        return try DeclaredFinancials(netWorthFiat: d(f.netWorthFiat), netWorthNonFiat: d(f.netWorthNonFiat), liquidFiat: d(f.liquidFiat),
                                      liquidNonFiat: d(f.liquidNonFiat), annualIncome: d(f.annualIncome), liabilities: d(f.liabilities))
    }
}
