import HarbourCore
import Testing
@testable import Financing

/// FIN-3, FIN-5: a drawdown refused by each of the seven controls in turn, with the code and
/// the figures; one unit less is allowed, and a refusal changes nothing.
@Suite struct DrawdownControlTests {
    let t0 = Fixture.t0
    func usd(_ whole: Int64) -> Amount { Fixture.usd(whole) }

    func refused(_ book: inout LoanBook, _ id: LoanID, _ amount: Amount) -> FinancingRefusal? {
        let before = book.ledger.postings.count
        do {
            _ = try book.drawdown(id, amount: amount, at: t0)
            return nil
        } catch {
            #expect(book.ledger.postings.count == before)
            return error
        }
    }

    @Test func control1NoAdvanceWhileACallIsOpen() throws {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        _ = try book.drawdown(id, amount: usd(20_000), at: t0)
        let notices = try book.setPrice("BTC", Fixture.price(49_000), at: t0)
        #expect(notices.map(\.kind) == [.marginCall])
        let refusal = try #require(refused(&book, id, Amount(raw: 1)))
        #expect(refusal.code == .marginCallOpen)
        #expect(refusal.figures == ["deadline": t0 + 4 * Fixture.day, "marginValue": 19_600_000_000, "loan": 20_000_000_000])
    }

    @Test func control2ClientCreditLimit() throws {
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1, limit: usd(1_000_000), securities: usd(100_000)), quantity: Fixture.btc("100"))
        let refusal = try #require(refused(&book, id, usd(900_001)))
        #expect(refusal.code == .creditLimitExceeded)
        #expect(refusal.figures == ["limit": 1_000_000_000_000, "securitiesMarginLoans": 100_000_000_000, "financing": 0,
                                    "requested": 900_001_000_000, "after": 1_000_001_000_000])
        #expect(refused(&book, id, usd(900_000)) == nil)
    }

    @Test func control3MarginAfterHaircutsAtTheInitialLevel() throws {
        var book = Fixture.book()
        // 1 BTC at 60,000 with a 60% haircut = 24,000 margin value; 120% initial → 20,000 at most.
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        let refusal = try #require(refused(&book, id, usd(20_000) + Amount(raw: 1)))
        #expect(refusal.code == .insufficientMargin)
        #expect(refusal.figures == ["marginValue": 24_000_000_000, "required": 24_000_000_002, "loanAfter": 20_000_000_001])
        #expect(refused(&book, id, usd(20_000)) == nil)
    }

    @Test func control4ClientGroupShareOfBrokerCapital() throws {
        var book = Fixture.book(limits: Fixture.limits(capitalShare: "0.25"), capital: Fixture.capital(1_000_000))
        let related = Fixture.fundedLoan(&book, Fixture.client(2, group: "family-A"), quantity: Fixture.btc("100"))
        _ = try book.drawdown(related, amount: usd(200_000), at: t0)
        let id = Fixture.fundedLoan(&book, Fixture.client(1, group: "family-A"), quantity: Fixture.btc("100"))
        let refusal = try #require(refused(&book, id, usd(50_001)))
        #expect(refusal.code == .clientCapitalShareExceeded)
        #expect(refusal.figures == ["groupAfter": 250_001_000_000, "capital": 1_000_000_000_000, "cap": 250_000_000_000, "shareLimit": 25_000_000])
        #expect(refused(&book, id, usd(50_000)) == nil)
    }

    @Test func control5ClientShareOfTheLoanBook() throws {
        var book = Fixture.book(limits: Fixture.limits(bookShare: "0.4", minimumBook: usd(400_000)))
        let other = Fixture.fundedLoan(&book, Fixture.client(3), quantity: Fixture.btc("100"))
        _ = try book.drawdown(other, amount: usd(300_000), at: t0) // book below the minimum: share not applied
        let id = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("100"))
        let refusal = try #require(refused(&book, id, usd(200_001)))
        #expect(refusal.code == .clientLoanBookShareExceeded)
        #expect(refusal.figures == ["groupAfter": 200_001_000_000, "bookAfter": 500_001_000_000, "shareLimit": 40_000_000])
        #expect(refused(&book, id, usd(200_000)) == nil) // exactly 40%
    }

    @Test func control6CollateralAssetOrCorrelatedGroupShare() throws {
        var book = Fixture.book(limits: Fixture.limits(collateralShare: "0.5"))
        let btcLoan = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))           // 60,000
        let shareLoan = Fixture.fundedLoan(&book, Fixture.client(2), asset: "0700.HK", quantity: Quantity(raw: 800)) // 40,000
        _ = Fixture.fundedLoan(&book, Fixture.client(3), asset: "ETH", quantity: Fixture.btc("5"))      // 15,000, same group as BTC
        let refusal = try #require(refused(&book, btcLoan, usd(1_000)))
        #expect(refusal.code == .collateralConcentrationExceeded)
        #expect(refusal.figures == ["groupValue": 75_000_000_000, "pledgedTotal": 115_000_000_000, "shareLimit": 50_000_000])
        #expect(refusal.message.contains("VA-MAJORS"))
        #expect(refused(&book, shareLoan, usd(1_000)) == nil)
    }

    @Test func control7TotalLoansWithinFiveTimesCapitalWithVirtualAssetsCountingNothing() throws {
        // 100,000 fiat capital + 10,000,000 of house BTC → a capital figure of 100,000.
        var book = Fixture.book(capital: Fixture.capital(100_000, virtualAssets: 10_000_000))
        #expect(book.capital.figure == usd(100_000))
        for index in 1...5 {
            let id = Fixture.fundedLoan(&book, Fixture.client(UInt32(index)), quantity: Fixture.btc("10"))
            _ = try book.drawdown(id, amount: usd(100_000), at: t0)
        }
        let id = Fixture.fundedLoan(&book, Fixture.client(6), quantity: Fixture.btc("10"))
        let refusal = try #require(refused(&book, id, Amount(raw: 1)))
        #expect(refusal.code == .lendingCapacityExceeded)
        #expect(refusal.figures == ["bookAfter": 500_000_000_001, "capital": 100_000_000_000, "capacity": 500_000_000_000, "multiple": 5])
    }

    @Test func marketMovesThatBreachALimitRaiseAnAlert() throws {
        var book = Fixture.book(limits: Fixture.limits(collateralShare: "0.6"))
        let btcLoan = Fixture.fundedLoan(&book, Fixture.client(1), quantity: Fixture.btc("1"))
        _ = Fixture.fundedLoan(&book, Fixture.client(2), asset: "0700.HK", quantity: Quantity(raw: 800))
        _ = try book.drawdown(btcLoan, amount: usd(1_000), at: t0) // 60% of pledged: at the limit
        #expect(book.breaches().isEmpty)
        _ = try book.setPrice("BTC", Fixture.price(66_000), at: t0) // 66,000 of 106,000 > 60%
        let breaches = book.breaches()
        #expect(breaches.map(\.code) == [.collateralConcentrationExceeded])
        #expect(breaches.first?.subject == "VA-MAJORS")
        #expect(breaches.first?.figures == ["groupValue": 66_000_000_000, "pledgedTotal": 106_000_000_000])
    }
}
