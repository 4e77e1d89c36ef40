import HarbourCore
import Testing
@testable import Financing

/// Seeded random pledges, releases, drawdowns, repayments, interest, haircut raises, price
/// paths and forced-sale fills. After every step: the ledger sums to zero per asset, the
/// loans mirror their books, every under-margined loan has an open call or a forced sale,
/// the index equals its recomputation; every accepted drawdown leaves its limits held; and
/// pledged collateral moves only by pledge, release or forced sale.
@Suite struct FinancingPropertyTests {
    static let assets = ["BTC", "ETH", "0700.HK"]

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomHistoriesKeepEveryInvariant(seed: UInt64) throws {
        let reached = try history(seed: seed)
        #expect(reached.notices.isSuperset(of: [.earlyWarning, .marginCall]), "seed \(seed): \(reached.notices)")
    }

    /// Together the histories reach forced sales and several different refusals.
    @Test func theHistoriesReachForcedSalesAndManyRefusals() throws {
        var notices: Set<MarginNotice.Kind> = []
        var refusals: Set<FinancingRefusal.Code> = []
        for seed in 1...8 as ClosedRange<UInt64> {
            let reached = try history(seed: seed)
            notices.formUnion(reached.notices)
            refusals.formUnion(reached.refusals)
        }
        #expect(notices.isSuperset(of: [.earlyWarning, .marginCall, .forcedSale, .forcedSaleFilled, .callMet]), "\(notices)")
        #expect(refusals.isSuperset(of: [.insufficientMargin, .marginCallOpen]), "\(refusals)")
        #expect(refusals.count >= 3, "\(refusals)")
    }

    func history(seed: UInt64) throws -> (notices: Set<MarginNotice.Kind>, refusals: Set<FinancingRefusal.Code>) {
        var state = seed
        func random(_ bound: Int64) -> Int64 { Int64(SplitMix.next(&state) % UInt64(bound)) }
        var book = Fixture.book(limits: Fixture.limits(capitalShare: "0.3", bookShare: "0.5", minimumBook: Fixture.usd(200_000),
                                                       collateralShare: "0.95", minimumPool: Fixture.usd(300_000)),
                                capital: Fixture.capital(400_000, virtualAssets: 1_000_000))
        var loans: [LoanID] = []
        for index in 1...8 {
            let client = Fixture.client(UInt32(index), limit: Fixture.usd(100_000 + random(200_000)), group: index % 3 == 0 ? "related" : nil,
                                        securities: Fixture.usd(random(20_000)))
            book.upsert(client: client)
            loans.append(try book.openLoan(for: client.account, at: Fixture.t0))
        }
        var now = Fixture.t0
        var accepted = 0
        var kinds: Set<MarginNotice.Kind> = []
        var refusals: Set<FinancingRefusal.Code> = []
        for _ in 0..<1_000 {
            now += random(6 * 3_600_000)
            let id = loans[Int(random(Int64(loans.count)))]
            let account = book.loans[id]!.account
            let code = Self.assets[Int(random(3))]
            switch random(10) {
            case 0, 1:
                let quantity = code == "0700.HK" ? random(2_000) + 1 : random(300_000_000) + 1
                try book.deposit(account, asset: code, amount: quantity)
                kinds.formUnion(try book.pledge(id, asset: code, quantity: Quantity(raw: quantity), at: now).map(\.kind))
            case 2:
                let held = book.loans[id]!.collateral[code]?.raw ?? 0
                if held > 0 { _ = try? book.release(id, asset: code, quantity: Quantity(raw: random(held) + 1), at: now) }
            case 3, 4:
                // Half the time, all the margin allows (loans at the initial level fall into calls soon).
                let loan = book.loans[id]!
                let headroom = book.marginValue(loan).raw * 100 / 120 - loan.amountOwed.raw
                let amount = random(2) == 0 && headroom > 0 ? Amount(raw: headroom) : Amount(raw: (random(60_000) + 1) * 1_000_000)
                do {
                    kinds.formUnion(try book.drawdown(id, amount: amount, at: now).map(\.kind))
                    accepted += 1
                    try checkLimitsHold(book, after: id)
                } catch let refusal as FinancingRefusal {
                    refusals.insert(refusal.code)
                }
            case 5:
                let owed = book.loans[id]!.amountOwed.raw
                let cash = book.freeBalance(account, asset: "USD")
                if owed > 0, cash > 0 { kinds.formUnion(try book.repay(id, amount: Amount(raw: random(min(owed, cash)) + 1), at: now).map(\.kind)) }
            case 6, 7:
                let price = book.prices[code]!.raw
                let moved = max(1_000_000, price + (price * (random(31) - 17)) / 100)
                kinds.formUnion(try book.setPrice(code, Price(raw: moved), at: now).map(\.kind))
            case 8:
                _ = book.accrueInterest(at: now)
                kinds.formUnion(book.checkDeadlines(at: now).map(\.kind))
                if random(10) == 0 { _ = book.settleInterest(at: now) }
                if random(20) == 0 {
                    let raised = Rate(raw: min(Rate.one.raw, book.config.collateral[code]!.haircut.raw + random(5_000_000)))
                    _ = try book.apply(Fixture.approved(.haircut(asset: code, raised)), at: now)
                }
            default:
                kinds.formUnion(try fillSomeSale(&book, random: random, at: now))
            }
            #expect(book.invariantViolations() == [], "seed \(seed)")
            #expect(book.ledger.sumPerAsset().values.allSatisfy { $0 == 0 })
        }
        #expect(accepted > 0)
        let movers: Set<FinancingPostingReason> = [.pledge, .release, .forcedSaleDelivery]
        for posting in book.ledger.postings {
            if case .pledged = posting.from { #expect(movers.contains(posting.reason)) }
            if case .pledged = posting.to { #expect(movers.contains(posting.reason)) }
        }
        return (kinds, refusals)
    }

    /// After an accepted drawdown, no limit the drawdown is checked against is over.
    func checkLimitsHold(_ book: LoanBook, after id: LoanID) throws {
        let loan = try #require(book.loans[id])
        let client = try #require(book.clients[loan.account.index])
        let groups = Set(book.holdings(loan).map(\.0.group))
        let subjects = Set(["client:\(client.account.index)", client.groupKey, "book"]).union(groups)
        #expect(book.breaches().filter { subjects.contains($0.subject) } == [])
        #expect(Int128(book.marginValue(loan).raw) >= MarginLevels.required(loan: loan.amountOwed, at: book.config.levels.initial))
        #expect(loan.call == nil)
    }

    /// Feeds back a fill for one pending sale, at the reference price or up to 3% below.
    func fillSomeSale(_ book: inout LoanBook, random: (Int64) -> Int64, at now: Int64) throws -> [MarginNotice.Kind] {
        guard let sale = book.loans.keys.sorted().compactMap({ book.loans[$0]!.pendingSales.first }).first else { return [] }
        let asset = book.config.collateral[sale.asset]!
        let price = Price(raw: sale.referencePrice.raw - sale.referencePrice.raw * random(4) / 100)
        let proceeds = MarginValuation.marketValue(sale.quantity, of: asset, at: price)
        return try book.recordForcedSaleFill(instruction: sale.id, quantity: sale.quantity, proceeds: proceeds, at: now).map(\.kind)
    }
}
