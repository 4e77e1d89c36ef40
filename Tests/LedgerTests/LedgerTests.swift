import Ledger
import Testing

/// The double-entry ledger on its own (issue 13 item 5: tests beside their module).
@Suite struct LedgerTests {
    @Test func postingsMoveAmountsAndKeepTheSumZero() {
        var ledger = Ledger()
        let external = ledger.book(.external(asset: "USD"))
        let cash = ledger.book(.clientCash(account: 0, asset: "USD"))
        let fees = ledger.book(.houseFees(asset: "USD"))
        #expect(ledger.book(.external(asset: "USD")) == external, "a key names one book")
        ledger.post(from: external, to: cash, amount: 1_000, reason: .deposit)
        ledger.transfer(from: cash, to: fees, signedAmount: 7, reason: .fee)
        ledger.transfer(from: cash, to: fees, signedAmount: -2, reason: .rebate)
        ledger.post(from: cash, to: fees, amount: 0, reason: .fee)
        #expect(ledger.balance(external) == -1_000)
        #expect(ledger.balance(cash) == 995)
        #expect(ledger.balance(fees) == 5)
        #expect(ledger.sum == 0)
        #expect(ledger.postingCount == 3, "a zero amount posts nothing")
        #expect(ledger.total(of: .client) == 995)
        #expect(ledger.total(of: .house) == 5)
        let postings = ledger.drainPostings()
        #expect(postings.map(\.amount) == [1_000, 7, 2])
        #expect(postings[2].from == fees && postings[2].to == cash, "a negative transfer runs the other way")
        #expect(ledger.pending.isEmpty)
    }

    @Test func restoringChecksItsLists() {
        let keys: [BookKey] = [.external(asset: "USD"), .clientCash(account: 0, asset: "USD")]
        let restored = Ledger(restoring: keys, balances: [-5, 5], postingCount: 1)
        #expect(restored?.existingBook(.clientCash(account: 0, asset: "USD")) == 1)
        #expect(restored?.sum == 0)
        #expect(Ledger(restoring: keys, balances: [0], postingCount: 0) == nil, "lists of different lengths")
        #expect(Ledger(restoring: [keys[0], keys[0]], balances: [0, 0], postingCount: 0) == nil, "a repeated key")
    }
}
