import HarbourCore

/// FIN-4: daily accrual and month-end settlement of interest.
extension LoanBook {
    /// Accrues one loan's interest for every whole day that ended before `now`, on its
    /// principal (capitalised interest included) at the client's rate.
    @discardableResult
    mutating func accrue(_ id: LoanID, at now: Int64) -> Amount {
        guard var loan = loans[id], let client = clients[loan.account.index] else { return .zero }
        let charge = loan.interest.accrue(base: loan.principal, rate: client.annualRate, through: now.floorDiv(BusinessCalendar.dayMs) - 1)
        ledger.post(.accruedInterest(loan: id.raw, asset: settlementCode), .brokerInterestIncome(asset: settlementCode),
                    asset: settlementCode, charge.raw, .interestAccrual)
        loan.accruedInterest = loan.accruedInterest + charge
        store(loan)
        return charge
    }

    /// A copy of `loan` with the interest of the days ended before `now` added, without
    /// posting it: what a check at `now` must count (the posting follows if it passes).
    func withInterestAccrued(_ loan: Loan, at now: Int64) -> Loan {
        guard let client = clients[loan.account.index] else { return loan }
        var copy = loan
        let charge = copy.interest.accrue(base: copy.principal, rate: client.annualRate, through: now.floorDiv(BusinessCalendar.dayMs) - 1)
        copy.accruedInterest = copy.accruedInterest + charge
        return copy
    }

    /// The daily accrual run (the engine's timer calls it once a day, any time of day):
    /// accrues every loan and re-evaluates those whose interest changed their margin.
    public mutating func accrueInterest(at now: Int64) -> [MarginNotice] {
        var notices: [MarginNotice] = []
        for id in loans.keys.sorted() where accrue(id, at: now) > .zero {
            notices += evaluate(id, at: now)
        }
        return notices
    }

    /// Month-end settlement (the engine schedules it): each loan's accrued interest is paid
    /// from the client's cash when the client chose `pay` and the cash covers it, and
    /// capitalised (added to principal) otherwise.
    /// `available`: each client's free cash as the engine's ledger has it (standalone, the
    /// book's own `clientFree` balance is used).
    public mutating func settleInterest(at now: Int64, available: ((AccountID) -> Int64)? = nil) -> [MarginNotice] {
        var notices: [MarginNotice] = []
        for id in loans.keys.sorted() {
            accrue(id, at: now)
            guard var loan = loans[id], loan.accruedInterest > .zero, let client = clients[loan.account.index] else { continue }
            let interest = loan.accruedInterest
            let cashBook = FinancingBook.clientFree(account: loan.account.index, asset: settlementCode)
            let cash = available?(loan.account) ?? ledger.balance(cashBook)
            if client.interestSettlement == .pay, cash >= interest.raw {
                ledger.post(cashBook, .accruedInterest(loan: id.raw, asset: settlementCode), asset: settlementCode, interest.raw, .interestPaid)
            } else {
                ledger.post(.loanPrincipal(loan: id.raw, asset: settlementCode), .accruedInterest(loan: id.raw, asset: settlementCode),
                            asset: settlementCode, interest.raw, .interestCapitalised)
                loan.principal = loan.principal + interest
            }
            loan.accruedInterest = .zero
            store(loan)
            notices += evaluate(id, at: now)
        }
        return notices
    }
}
