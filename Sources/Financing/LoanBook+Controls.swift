import HarbourCore

/// FIN-3: the seven controls at drawdown, and the same limits evaluated on the book as
/// alerts when prices, interest or capital (not a drawdown) put it over one.
extension LoanBook {
    /// Σ owed (principal + accrued interest) of every loan — the loan book.
    public var loanBookTotal: Amount { totals.book }

    /// Σ owed of the loans of one concentration group (a client or its related group).
    func groupTotal(_ group: String) -> Amount { totals.byGroup[group] ?? .zero }

    /// Market value of all pledged collateral, per correlated group and in total: each
    /// asset's total pledged quantity at its price, rounded down once per asset.
    func pledgedByGroup() -> (groups: [String: Int128], total: Int128) {
        var groups: [String: Int128] = [:]
        var total: Int128 = 0
        for code in totals.pledged.keys.sorted() {
            guard let asset = config.collateral[code], let price = prices[code], let quantity = totals.pledged[code], quantity.raw > 0 else { continue }
            let value = Int128(MarginValuation.marketValue(quantity, of: asset, at: price).raw)
            groups[asset.group, default: 0] += value
            total += value
        }
        return (groups, total)
    }

    /// nil when `amount` may be drawn on `id` now; otherwise the first check that refuses:
    /// eligibility (FIN-1, PI-3), then the controls in this order —
    /// 1 no advance while a call or forced sale is open (FIN-5), 2 the client's credit
    /// limit (securities margin loans count against it too), 3 margin after haircuts at the
    /// initial level, 4 the client group's share of broker capital, 5 its share of the loan
    /// book, 6 the share of the loan's collateral groups in all pledged collateral, 7 total
    /// loans ≤ lending multiple × broker capital (virtual assets count nothing in it).
    public func drawdownRefusal(_ id: LoanID, amount: Amount, at now: Int64) -> FinancingRefusal? {
        guard let stored = loans[id] else { return FinancingRefusal(.unknownLoan, "\(id) does not exist") }
        let loan = withInterestAccrued(stored, at: now)
        guard amount > .zero else { return FinancingRefusal(.invalidAmount, "a drawdown is positive") }
        guard let client = clients[loan.account.index] else { return FinancingRefusal(.unknownClient, "\(loan.account) has no financing record") }
        if let refusal = client.eligibilityRefusal(at: now) { return refusal }
        if let call = loan.call {
            return FinancingRefusal(.marginCallOpen, "a margin call is open on \(id) until \(call.deadline) ms; no further advance until it is met",
                                    figures: ["deadline": call.deadline, "marginValue": marginValue(loan).raw, "loan": loan.amountOwed.raw])
        }
        if !loan.pendingSales.isEmpty {
            return FinancingRefusal(.marginCallOpen, "a forced sale is in progress on \(id); no further advance",
                                    figures: ["pendingSales": Int64(loan.pendingSales.count)])
        }
        // Other loans count with the interest of the last daily run; this one with today's.
        let pending = loan.accruedInterest - stored.accruedInterest
        return creditRefusal(client, amount, pendingInterest: pending) ?? marginRefusal(loan, amount) ?? concentrationRefusal(loan, client, amount + pending)
    }

    func creditRefusal(_ client: MarginClient, _ amount: Amount, pendingInterest: Amount) -> FinancingRefusal? {
        let limit = client.credit?.approvedLimit ?? .zero
        let financing = (totals.byAccount[client.account.index] ?? .zero) + pendingInterest
        let after = Int128(client.securitiesMarginLoans.raw) + Int128(financing.raw) + Int128(amount.raw)
        guard after <= Int128(limit.raw) else {
            return FinancingRefusal(.creditLimitExceeded,
                                    "credit limit \(money(limit)): securities margin loans \(money(client.securitiesMarginLoans)) + financing \(money(financing)) + drawdown \(money(amount)) = \(money(after))",
                                    figures: ["limit": limit.raw, "securitiesMarginLoans": client.securitiesMarginLoans.raw, "financing": financing.raw,
                                              "requested": amount.raw, "after": after.clampedInt64])
        }
        return nil
    }

    func marginRefusal(_ loan: Loan, _ amount: Amount) -> FinancingRefusal? {
        let value = marginValue(loan)
        let owedAfter = loan.amountOwed + amount
        let required = MarginLevels.required(loan: owedAfter, at: config.levels.initial)
        guard Int128(value.raw) >= required else {
            return FinancingRefusal(.insufficientMargin,
                                    "margin value after haircuts \(money(value)) < \(money(required)) = loan \(money(owedAfter)) × initial level \(config.levels.initial.formatted)",
                                    figures: ["marginValue": value.raw, "required": required.clampedInt64, "loanAfter": owedAfter.raw])
        }
        return nil
    }

    func concentrationRefusal(_ loan: Loan, _ client: MarginClient, _ amount: Amount) -> FinancingRefusal? {
        let limits = config.limits
        let capitalFigure = capital.figure
        let group = client.groupKey
        let groupAfter = groupTotal(group) + amount
        let bookAfter = loanBookTotal + amount
        let capitalCap = limits.clientShareOfCapital.apply(to: capitalFigure, rounding: .down)
        if groupAfter > capitalCap {
            return FinancingRefusal(.clientCapitalShareExceeded,
                                    "\(group) would owe \(money(groupAfter)), above \(limits.clientShareOfCapital.formatted) of broker capital \(money(capitalFigure)) = \(money(capitalCap))",
                                    figures: ["groupAfter": groupAfter.raw, "capital": capitalFigure.raw, "cap": capitalCap.raw, "shareLimit": limits.clientShareOfCapital.raw])
        }
        if bookAfter >= limits.loanBookShareMinimumBook,
           Int128(groupAfter.raw) * Int128(Rate.one.raw) > Int128(limits.clientShareOfLoanBook.raw) * Int128(bookAfter.raw) {
            return FinancingRefusal(.clientLoanBookShareExceeded,
                                    "\(group) would owe \(money(groupAfter)) of a loan book of \(money(bookAfter)), above the \(limits.clientShareOfLoanBook.formatted) share",
                                    figures: ["groupAfter": groupAfter.raw, "bookAfter": bookAfter.raw, "shareLimit": limits.clientShareOfLoanBook.raw])
        }
        let pledged = pledgedByGroup()
        if pledged.total >= Int128(limits.collateralShareMinimumPool.raw) {
            let loanGroups = Set(holdings(loan).map(\.0.group)).sorted()
            for collateralGroup in loanGroups {
                let value = pledged.groups[collateralGroup] ?? 0
                if value * Int128(Rate.one.raw) > Int128(limits.collateralGroupShare.raw) * pledged.total {
                    return FinancingRefusal(.collateralConcentrationExceeded,
                                            "collateral group \(collateralGroup) is \(money(value)) of \(money(pledged.total)) pledged, above the \(limits.collateralGroupShare.formatted) share",
                                            figures: ["groupValue": value.clampedInt64, "pledgedTotal": pledged.total.clampedInt64, "shareLimit": limits.collateralGroupShare.raw])
                }
            }
        }
        let capacity = Int128(capitalFigure.raw) * Int128(limits.lendingMultiple)
        if Int128(bookAfter.raw) > capacity {
            return FinancingRefusal(.lendingCapacityExceeded,
                                    "total loans would be \(money(bookAfter)), above \(limits.lendingMultiple)× broker capital \(money(capitalFigure)) = \(money(capacity)) (virtual assets count nothing in capital)",
                                    figures: ["bookAfter": bookAfter.raw, "capital": capitalFigure.raw, "capacity": capacity.clampedInt64, "multiple": limits.lendingMultiple])
        }
        return nil
    }

    /// Every FIN-3 limit the book is over now, for the risk team's alert (raised when a
    /// price change, interest or a capital change — not a drawdown — causes it). Ordered
    /// by code, then subject.
    public func breaches() -> [ControlBreach] {
        var out: [ControlBreach] = []
        let limits = config.limits
        let capitalFigure = capital.figure
        let book = loanBookTotal
        for client in clients.values.sorted(by: { $0.account < $1.account }) {
            let financing = totals.byAccount[client.account.index] ?? .zero
            let limit = client.credit?.approvedLimit ?? .zero
            if financing > .zero, client.securitiesMarginLoans + financing > limit {
                out.append(ControlBreach(code: .creditLimitExceeded, subject: "client:\(client.account.index)",
                                         message: "owes \(money(client.securitiesMarginLoans + financing)) against a limit of \(money(limit))",
                                         figures: ["owed": (client.securitiesMarginLoans + financing).raw, "limit": limit.raw]))
            }
        }
        for group in Set(clients.values.map(\.groupKey)).sorted() {
            let total = groupTotal(group)
            guard total > .zero else { continue }
            let cap = limits.clientShareOfCapital.apply(to: capitalFigure, rounding: .down)
            if total > cap {
                out.append(ControlBreach(code: .clientCapitalShareExceeded, subject: group, message: "owes \(money(total)), above \(money(cap)) of capital",
                                         figures: ["groupTotal": total.raw, "cap": cap.raw]))
            }
            if book >= limits.loanBookShareMinimumBook, Int128(total.raw) * Int128(Rate.one.raw) > Int128(limits.clientShareOfLoanBook.raw) * Int128(book.raw) {
                out.append(ControlBreach(code: .clientLoanBookShareExceeded, subject: group, message: "owes \(money(total)) of a book of \(money(book))",
                                         figures: ["groupTotal": total.raw, "book": book.raw]))
            }
        }
        out += collateralBreaches()
        let capacity = Int128(capitalFigure.raw) * Int128(limits.lendingMultiple)
        if Int128(book.raw) > capacity {
            out.append(ControlBreach(code: .lendingCapacityExceeded, subject: "book", message: "total loans \(money(book)) above \(money(capacity))",
                                     figures: ["book": book.raw, "capacity": capacity.clampedInt64]))
        }
        return out.sorted { $0.code.rawValue != $1.code.rawValue ? $0.code.rawValue < $1.code.rawValue : $0.subject < $1.subject }
    }

    /// The collateral-concentration breaches alone: the only limit a price move can break
    /// (the others depend on amounts owed and capital). O(collateral assets).
    public func collateralBreaches() -> [ControlBreach] {
        var out: [ControlBreach] = []
        let limits = config.limits
        let pledged = pledgedByGroup()
        if pledged.total > 0, pledged.total >= Int128(limits.collateralShareMinimumPool.raw) {
            for (group, value) in pledged.groups.sorted(by: { $0.key < $1.key })
            where value * Int128(Rate.one.raw) > Int128(limits.collateralGroupShare.raw) * pledged.total {
                out.append(ControlBreach(code: .collateralConcentrationExceeded, subject: group, message: "is \(money(value)) of \(money(pledged.total)) pledged",
                                         figures: ["groupValue": value.clampedInt64, "pledgedTotal": pledged.total.clampedInt64]))
            }
        }
        return out
    }
}
