import HarbourCore
import Testing
@testable import Financing

/// FIN-5: which collateral a forced sale takes and where it goes; what happens when even all
/// of it does not cover the loan; and a refused request leaves the book as it was.
@Suite struct ForcedSaleTests {
    let t0 = Fixture.t0

    /// 1 BTC (60,000, margin value 24,000) and 100 shares (5,000, margin value 3,500); 22,900 drawn.
    func mixedBook() throws -> (LoanBook, LoanID) {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        try book.deposit(AccountID(1), asset: "0700.HK", amount: 100)
        _ = try book.pledge(id, asset: "0700.HK", quantity: Quantity(raw: 100), at: t0)
        _ = try book.drawdown(id, amount: Fixture.usd(22_900), at: t0)
        return (book, id)
    }

    @Test func theHighestHaircutIsSoldFirstAndOnlyWhatRestores() throws {
        var (book, _) = try mixedBook()
        // BTC at 20,000: 8,000 + 3,500 = 11,500 < 85% of 22,900. Each USD of BTC sold frees
        // 0.6 against a shortfall of 11,400 → exactly 19,000 USD = 0.95 BTC; no shares.
        let notices = try book.setPrice("BTC", Fixture.price(20_000), at: t0)
        let instructions = try #require(notices.first?.instructions)
        #expect(instructions.map(\.asset) == ["BTC"])
        #expect(instructions.map(\.quantity) == [Quantity(raw: 95_000_000)])
        var probe = book.loans.values.first!
        probe.pendingSales = []
        #expect(book.restores(probe, selling: [(Fixture.btcAsset, Quantity(raw: 95_000_000))]))
        #expect(!book.restores(probe, selling: [(Fixture.btcAsset, Quantity(raw: 94_999_999))]))
    }

    @Test func whenNothingRestoresAllIsSoldAndTheShortfallReported() throws {
        var (book, id) = try mixedBook()
        let notices = try book.setPrice("BTC", Fixture.price(5_000), at: t0)
        let instructions = try #require(notices.first?.instructions)
        #expect(instructions.map(\.asset) == ["BTC", "0700.HK"])
        #expect(instructions.map(\.quantity) == [Quantity(raw: 100_000_000), Quantity(raw: 100)])
        #expect(instructions.map(\.venue) == [.spotBook, .securitiesDesk])
        let first = try book.recordForcedSaleFill(instruction: instructions[0].id, quantity: instructions[0].quantity,
                                                  proceeds: Fixture.usd(5_000), at: t0)
        #expect(first.map(\.kind) == [.forcedSaleFilled])
        let second = try book.recordForcedSaleFill(instruction: instructions[1].id, quantity: instructions[1].quantity,
                                                   proceeds: Fixture.usd(5_000), at: t0)
        #expect(second.map(\.kind) == [.forcedSaleFilled, .unsecuredShortfall])
        let loan = try #require(book.loans[id])
        #expect(loan.amountOwed == Fixture.usd(12_900))
        #expect(loan.collateral.isEmpty)
        #expect(loan.call != nil)
        #expect(book.invariantViolations().isEmpty)
        #expect(book.checkDeadlines(at: t0 + 10 * Fixture.day).isEmpty) // reported once
    }

    @Test func aRefusedDrawdownOnALaterDayChangesNothing() throws {
        var (book, id) = try mixedBook()
        let before = book.loans
        let postings = book.ledger.postings.count
        #expect(throws: FinancingRefusal.self) { try book.drawdown(id, amount: Fixture.usd(1_000), at: t0 + 3 * Fixture.day) }
        #expect(book.loans == before)
        #expect(book.ledger.postings.count == postings)
        // The day's interest is counted in the check: 22,900 × 7.5% × 3 / 365 = 14.116438…
        let refusal = try #require(book.drawdownRefusal(id, amount: Fixture.usd(1_000), at: t0 + 3 * Fixture.day))
        let loanAfter: Int64 = 22_900_000_000 + 14_116_439 + 1_000_000_000
        #expect(refusal.code == .insufficientMargin)
        #expect(refusal.figures["loanAfter"] == loanAfter)
    }
}
