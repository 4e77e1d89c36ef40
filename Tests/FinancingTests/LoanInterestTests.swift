import HarbourCore
import Testing
@testable import Financing

/// FIN-4: daily interest rounded up in the broker's favour with the residue carried, monthly
/// capitalisation or payment, repayment — all as zero-sum postings.
@Suite struct LoanInterestTests {
    let t0 = Fixture.t0
    let day = Fixture.day

    func interestIncome(_ book: LoanBook) -> Int64 { book.ledger.balance(.brokerInterestIncome(asset: "USD")) }

    @Test func interestOverFourHundredDaysSumsExactly() throws {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("100"))
        _ = try book.drawdown(id, amount: Fixture.usd(1_000_000), at: t0)
        var charges: [Int64] = []
        for elapsed in 1...400 {
            let before = interestIncome(book)
            _ = book.accrueInterest(at: t0 + Int64(elapsed) * day)
            charges.append(interestIncome(book) - before)
        }
        // 1,000,000 USD × 7.5% × 400 / 365 = 82,191.780821 917... USD → 82,191.780822 (up, once).
        #expect(charges.reduce(0, +) == 82_191_780_822)
        #expect(Set(charges) == [205_479_452, 205_479_453])
        #expect(book.loans[id]?.accruedInterest.raw == 82_191_780_822)
        // Accruing twice on one day charges nothing more.
        #expect(book.accrueInterest(at: t0 + 400 * day + 1).isEmpty)
        #expect(interestIncome(book) == 82_191_780_822)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func monthlyCapitalisationCompoundsAndTheTotalIsTheCeilingOfTheExactSum() throws {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1, rate: Rate(raw: 9_123_457)), quantity: Fixture.btc("100"))
        _ = try book.drawdown(id, amount: Amount(raw: 777_777_777_777), at: t0)
        var base: Int128 = 777_777_777_777
        var exact: Int128 = 0
        var capitalisedSoFar: Int128 = 0
        for elapsed in 1...400 {
            exact += base * 9_123_457
            _ = book.accrueInterest(at: t0 + Int64(elapsed) * day)
            if elapsed % 30 == 0 {
                _ = book.settleInterest(at: t0 + Int64(elapsed) * day)
                let charged = Int128(interestIncome(book))
                base += charged - capitalisedSoFar
                capitalisedSoFar = charged
            }
        }
        let expected = exact.divided(by: InterestAccrual.denominator, rounding: .up)
        #expect(Int128(interestIncome(book)) == expected)
        let loan = try #require(book.loans[id])
        #expect(Int128(loan.principal.raw) == 777_777_777_777 + capitalisedSoFar)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test func paidInterestComesFromCashAndRepaymentPaysInterestFirst() throws {
        var book = Fixture.book()
        var client = Fixture.client(1)
        client.interestSettlement = .pay
        let id = Fixture.fundedLoan(&book, client, quantity: Fixture.btc("100"))
        _ = try book.drawdown(id, amount: Fixture.usd(365_000), at: t0) // 75 USD a day at 7.5%
        _ = book.accrueInterest(at: t0 + 10 * day)
        #expect(book.loans[id]?.accruedInterest == Fixture.usd(750))
        _ = book.settleInterest(at: t0 + 10 * day)
        #expect(book.loans[id]?.accruedInterest == .zero)
        #expect(book.freeBalance(AccountID(1), asset: "USD") == Fixture.usd(365_000 - 750).raw)
        _ = book.accrueInterest(at: t0 + 12 * day)
        _ = try book.repay(id, amount: Fixture.usd(1_000), at: t0 + 12 * day)
        #expect(book.loans[id]?.accruedInterest == .zero)
        #expect(book.loans[id]?.principal == Fixture.usd(365_000 - 850))
        #expect(throws: FinancingRefusal.self) { try book.repay(id, amount: Fixture.usd(365_000), at: t0 + 12 * day) }
        let postings = book.ledger.postings.filter { $0.reason == .interestPaid || $0.reason == .repayment }
        #expect(postings.map(\.amount) == [750_000_000, 150_000_000, 850_000_000])
        #expect(book.invariantViolations().isEmpty)
    }
}

/// FIN-6: shocks per asset; per-client and total shortfall, loans under water after
/// haircuts, the share of broker capital at risk.
@Suite struct StressTestTests {
    @Test func shocksGiveExactShortfallsAndCapitalShares() throws {
        var book = Fixture.book(capital: Fixture.capital(1_000_000))
        let btcLoan = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        _ = try book.drawdown(btcLoan, amount: Fixture.usd(20_000), at: Fixture.t0)
        let shareLoan = Fixture.fundedLoan(&book, Fixture.client(2), asset: "0700.HK", quantity: Quantity(raw: 1_000))
        _ = try book.drawdown(shareLoan, amount: Fixture.usd(10_000), at: Fixture.t0)
        let scenarios = StressScenario.standard(for: book.config)
        #expect(scenarios.map(\.name) == ["VA -20%", "ALL -20%", "VA -40%", "ALL -40%", "VA -60%", "ALL -60%"])
        let va60 = book.stressTest(scenarios[4])
        // BTC at 24,000: margin value 9,600 against 20,000 → shortfall 10,400; market value covers the loan.
        #expect(va60.clients.map(\.marginShortfall) == [Fixture.usd(10_400), .zero])
        #expect(va60.totalMarginShortfall == Fixture.usd(10_400))
        #expect(va60.totalUncoveredLoss == .zero)
        #expect(va60.loansUnderWater == 1)
        #expect(va60.shortfallShareOfCapital == Rate(raw: 1_040_000)) // 1.04% of 1,000,000
        let crash = book.stressTest(StressScenario(name: "BTC -80%", shocks: ["BTC": Fixture.rate("-0.8")]))
        #expect(crash.totalUncoveredLoss == Fixture.usd(8_000))
        #expect(crash.capitalAtRiskShare == Rate(raw: 800_000))
        let all60 = book.stressTest(scenarios[5])
        // Shares at 20: margin value 14,000 ≥ 10,000.
        #expect(all60.clients.last?.shockedMarginValue == Fixture.usd(14_000))
        #expect(all60.loansUnderWater == 1)
        // The live book is untouched.
        #expect(book.prices["BTC"] == Fixture.price(60_000))
    }
}
