import HarbourCore

/// Running totals of the loan book (FIN-3), kept by every write of a loan so that the
/// drawdown controls and the breach alerts cost O(collateral assets), not O(loans): the
/// book's total owed, owed per concentration group and per client, and the pledged
/// quantity per collateral asset. Derived state: `LoanBook.rebuiltTotals()` recomputes
/// it and `invariantViolations()` checks the two agree.
struct BookTotals: Sendable, Hashable {
    var book: Amount = .zero
    var byGroup: [String: Amount] = [:]
    var byAccount: [UInt32: Amount] = [:]
    var pledged: [String: Quantity] = [:]

    mutating func add(_ loan: Loan, group: String, sign: Int64) {
        let owed = Amount(raw: loan.amountOwed.raw * sign)
        book = book + owed
        byGroup[group, default: .zero] = byGroup[group, default: .zero] + owed
        if byGroup[group] == .zero { byGroup[group] = nil }
        byAccount[loan.account.index, default: .zero] = byAccount[loan.account.index, default: .zero] + owed
        if byAccount[loan.account.index] == .zero { byAccount[loan.account.index] = nil }
        for (code, q) in loan.collateral {
            pledged[code, default: .zero] = pledged[code, default: .zero] + Quantity(raw: q.raw * sign)
            if pledged[code] == .zero { pledged[code] = nil }
        }
    }
}

extension LoanBook {
    /// Writes a loan and keeps the running totals (every change of a loan goes through here).
    mutating func store(_ loan: Loan) {
        let group = clients[loan.account.index]?.groupKey ?? "client:\(loan.account.index)"
        if let old = loans[loan.id] { totals.add(old, group: group, sign: -1) }
        loans[loan.id] = loan
        totals.add(loan, group: group, sign: 1)
    }

    /// The totals recomputed from the loans (after a restore, a client's group change, and
    /// in the invariant check).
    func rebuiltTotals() -> BookTotals {
        var t = BookTotals()
        for id in loans.keys.sorted() {
            let loan = loans[id]!
            t.add(loan, group: clients[loan.account.index]?.groupKey ?? "client:\(loan.account.index)", sign: 1)
        }
        return t
    }
}
