import HarbourCore
import Testing
@testable import Financing

/// FIN-5: early warning, call, deadline, forced sale of exactly the restoring amount, the
/// haircut raise applied at once, and the index visiting only crossed loans.
@Suite struct MarginMonitoringTests {
    let t0 = Fixture.t0
    let day = Fixture.day

    /// 1 BTC pledged, 20,000 USD drawn at 60,000: margin value 24,000 (120%).
    func calledBook() throws -> (LoanBook, LoanID) {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        _ = try book.drawdown(id, amount: Fixture.usd(20_000), at: t0)
        return (book, id)
    }

    /// Independent check of "selling q satoshis at P restores margin value ≥ loan".
    static func restores(_ q: Int64, price: Int64, loan: Int64, held: Int64 = 100_000_000, keep: Int64 = 40_000_000) -> Bool {
        let owed = loan - Int64(Int128(q) * Int128(price) / 100_000_000)
        if owed <= 0 { return true }
        let value = Int128(held - q) * Int128(price) * Int128(keep) / 10_000_000_000_000_000
        return value >= Int128(owed)
    }

    @Test func earlyWarningThenCallAsThePriceFalls() throws {
        var (book, id) = try calledBook()
        // 54,000: 21,600 < 22,000 (110%) → early warning, once.
        #expect(try book.setPrice("BTC", Fixture.price(54_000), at: t0).map(\.kind) == [.earlyWarning])
        #expect(try book.setPrice("BTC", Fixture.price(53_000), at: t0).isEmpty)
        // 49,000: 19,600 < 20,000 → margin call, deadline two business days later (Friday → Tuesday).
        let call = try book.setPrice("BTC", Fixture.price(49_000), at: t0 + 1)
        #expect(call.map(\.kind) == [.marginCall])
        #expect(call.first?.deadline == t0 + 1 + 4 * day)
        #expect(book.loans[id]?.call != nil)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func callMetInTimeClosesTheCallAndNothingIsSold() throws {
        var (book, id) = try calledBook()
        _ = try book.setPrice("BTC", Fixture.price(49_000), at: t0)
        try book.deposit(AccountID(1), asset: "BTC", amount: 10_000_000)
        // 1.1 BTC × 49,000 × 40% = 21,560 ≥ 20,000: met.
        #expect(try book.pledge(id, asset: "BTC", quantity: Fixture.btc("0.1"), at: t0 + day).map(\.kind) == [.callMet])
        #expect(book.loans[id]?.call == nil)
        #expect(book.checkDeadlines(at: t0 + 4 * day).isEmpty)
        #expect(book.loans[id]?.pendingSales.isEmpty == true)
    }

    @Test func callMissedForcesTheSaleOfExactlyTheRestoringAmount() throws {
        var (book, id) = try calledBook()
        _ = try book.setPrice("BTC", Fixture.price(49_000), at: t0)
        let deadline = book.loans[id]!.call!.deadline
        #expect(book.checkDeadlines(at: deadline - 1).isEmpty)
        let notices = book.checkDeadlines(at: deadline)
        #expect(notices.map(\.kind) == [.forcedSale])
        let sale = try #require(notices.first?.instructions.first)
        // Shortfall 400 USD; each USD sold frees 0.6 of margin: sell ≥ 666.67 USD of BTC.
        #expect(sale.quantity.raw == 1_360_545)
        #expect(Self.restores(1_360_545, price: 49_000_000_000, loan: 20_000_000_000))
        #expect(!Self.restores(1_360_544, price: 49_000_000_000, loan: 20_000_000_000))
        #expect(sale.cause == .callDeadlineMissed)
        #expect(sale.venue == .spotBook)
        #expect(sale.limitPrice == Fixture.price(46_550)) // 49,000 × (1 − 5%)
        let filled = try book.recordForcedSaleFill(instruction: sale.id, quantity: sale.quantity, proceeds: Amount(raw: 666_667_050), at: deadline)
        #expect(filled.map(\.kind) == [.forcedSaleFilled, .callMet])
        let loan = try #require(book.loans[id])
        #expect(loan.principal.raw == 20_000_000_000 - 666_667_050)
        let remaining: Int64 = 100_000_000 - 1_360_545
        #expect(loan.collateral["BTC"] == Quantity(raw: remaining))
        #expect(book.marginValue(loan) >= loan.amountOwed)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func btcCrashStraightPastTheForceSaleLevelSellsAtOnce() throws {
        var (book, id) = try calledBook()
        // 30,000: 12,000 < 17,000 (85%): no call first, a forced sale now.
        let notices = try book.setPrice("BTC", Fixture.price(30_000), at: t0)
        #expect(notices.map(\.kind) == [.forcedSale])
        let sale = try #require(notices.first?.instructions.first)
        #expect(sale.cause == .belowForceSaleLevel)
        #expect(sale.quantity.raw == 44_444_445)
        #expect(Self.restores(44_444_445, price: 30_000_000_000, loan: 20_000_000_000))
        #expect(!Self.restores(44_444_444, price: 30_000_000_000, loan: 20_000_000_000))
        #expect(book.drawdownRefusal(id, amount: Amount(raw: 1), at: t0)?.code == .marginCallOpen)
        #expect(throws: FinancingRefusal.self) { try book.release(id, asset: "BTC", quantity: Fixture.btc("0.6"), at: t0) }
        #expect(book.invariantViolations().isEmpty)
        // Filled lower, at 29,000: still below the loan, so a call follows for the rest.
        let proceeds = Amount(raw: Int64(Int128(44_444_445) * 29_000_000_000 / 100_000_000))
        let after = try book.recordForcedSaleFill(instruction: sale.id, quantity: sale.quantity, proceeds: proceeds, at: t0)
        #expect(after.map(\.kind) == [.forcedSaleFilled, .marginCall])
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func aHaircutRaiseAppliesAtOnceAndCallsInTheSameCommand() throws {
        var book = Fixture.book()
        let tight = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        _ = try book.drawdown(tight, amount: Fixture.usd(20_000), at: t0)
        let loose = Fixture.fundedLoan(&book, Fixture.client(2), quantity: Fixture.btc("1"))
        _ = try book.drawdown(loose, amount: Fixture.usd(10_000), at: t0)
        let shares = Fixture.fundedLoan(&book, Fixture.client(3), asset: "0700.HK", quantity: Quantity(raw: 1_000))
        _ = try book.drawdown(shares, amount: Fixture.usd(20_000), at: t0)
        // 70%: 1 BTC → 18,000 margin value: 90% of the tight loan's 20,000.
        let notices = try book.apply(Fixture.approved(.haircut(asset: "BTC", Fixture.rate("0.7"))), at: t0)
        #expect(notices.map(\.kind) == [.marginCall])
        #expect(notices.map(\.loan) == [tight])
        #expect(book.marginValue(book.loans[tight]!) == Fixture.usd(18_000))
        #expect(book.loans[loose]?.zone == .healthy)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func aPriceMoveVisitsExactlyTheLoansItMovesAcrossALevel() throws {
        var book = Fixture.book()
        var seed: UInt64 = 7
        for index in 1...200 {
            let quantity = Quantity(raw: Int64(SplitMix.next(&seed) % 500_000_000) + 10_000_000)
            let id = Fixture.fundedLoan(&book, Fixture.client(UInt32(index)), quantity: quantity)
            let most = book.marginValue(book.loans[id]!).raw * 100 / 120
            _ = try book.drawdown(id, amount: Amount(raw: Int64(SplitMix.next(&seed) % UInt64(most)) + 1), at: t0)
        }
        var price: Int64 = 60_000
        for _ in 0..<40 {
            price = max(20_000, min(90_000, price + Int64(SplitMix.next(&seed) % 8_001) - 4_000))
            let before = book.loans.mapValues(\.zone)
            var probe = book
            probe.prices["BTC"] = Fixture.price(price)
            let changed = book.loans.keys.filter { probe.zone(of: book.loans[$0]!) != before[$0] }.sorted()
            _ = try book.setPrice("BTC", Fixture.price(price), at: t0)
            #expect(book.lastVisited == changed)
            #expect(book.invariantViolations().isEmpty)
        }
    }

    @Test func multiCollateralLoansAreRevisitedOnEveryMoveOfTheirAssets() throws {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        try book.deposit(AccountID(1), asset: "ETH", amount: 1_000_000_000)
        _ = try book.pledge(id, asset: "ETH", quantity: Fixture.btc("10"), at: t0)
        let single = Fixture.fundedLoan(&book, Fixture.client(2), quantity: Fixture.btc("1"))
        _ = try book.drawdown(id, amount: Fixture.usd(20_000), at: t0)
        _ = try book.drawdown(single, amount: Fixture.usd(1_000), at: t0)
        _ = try book.setPrice("ETH", Fixture.price(2_900), at: t0)
        #expect(book.lastVisited == [id])
        _ = try book.setPrice("BTC", Fixture.price(59_000), at: t0)
        #expect(book.lastVisited == [id])
        #expect(book.invariantViolations().isEmpty)
    }
}
