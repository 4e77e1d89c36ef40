import HarbourCore

/// FIN-3 utilisation: every limit of `LoanBook.breaches()` measured rather than only
/// tested, for the daily control report (the engine publishes it once a day).
extension LoanBook {
    /// How many subjects per per-subject control the daily report names: the most used.
    public static let utilisationSubjects = 5

    /// The book-level controls (lending capacity) and, per client, related-group and
    /// collateral-group control, the `top` most used subjects (utilisation descending,
    /// then subject), in `Control` order. Figures as `breaches()` judges them.
    public func controlUtilisation(top: Int = utilisationSubjects) -> [ControlUtilisation] {
        let limits = config.limits
        let capitalFigure = capital.figure
        let book = loanBookTotal
        let capacity = Int128(capitalFigure.raw) * Int128(limits.lendingMultiple)
        var out = [ControlUtilisation(control: .lendingCapacity, subject: "book", value: book.raw, limit: capacity.clampedInt64)]
        var credit: [ControlUtilisation] = []
        for client in clients.values.sorted(by: { $0.account < $1.account }) {
            let financing = totals.byAccount[client.account.index] ?? .zero
            guard financing > .zero else { continue }
            credit.append(ControlUtilisation(control: .creditLimit, subject: "client:\(client.account.index)",
                                             value: (client.securitiesMarginLoans + financing).raw, limit: (client.credit?.approvedLimit ?? .zero).raw))
        }
        out += Self.mostUsed(credit, top)
        var ofCapital: [ControlUtilisation] = [], ofBook: [ControlUtilisation] = []
        let capitalCap = limits.clientShareOfCapital.apply(to: capitalFigure, rounding: .down)
        let bookCap = limits.clientShareOfLoanBook.apply(to: book, rounding: .down)
        for group in Set(clients.values.map(\.groupKey)).sorted() {
            let total = groupTotal(group)
            guard total > .zero else { continue }
            ofCapital.append(ControlUtilisation(control: .clientShareOfCapital, subject: group, value: total.raw, limit: capitalCap.raw))
            ofBook.append(ControlUtilisation(control: .clientShareOfLoanBook, subject: group, value: total.raw, limit: bookCap.raw,
                                             applies: book >= limits.loanBookShareMinimumBook))
        }
        out += Self.mostUsed(ofCapital, top) + Self.mostUsed(ofBook, top)
        let pledged = pledgedByGroup()
        let poolCap = (pledged.total * Int128(limits.collateralGroupShare.raw)).divided(by: Int128(Rate.one.raw), rounding: .down)
        let applies = pledged.total > 0 && pledged.total >= Int128(limits.collateralShareMinimumPool.raw)
        let collateral = pledged.groups.sorted { $0.key < $1.key }.map {
            ControlUtilisation(control: .collateralGroupShare, subject: $0.key, value: $0.value.clampedInt64, limit: poolCap.clampedInt64, applies: applies)
        }
        return out + Self.mostUsed(collateral, top)
    }

    /// The `top` most used, utilisation descending then subject ascending (a total order).
    static func mostUsed(_ list: [ControlUtilisation], _ top: Int) -> [ControlUtilisation] {
        Array(list.sorted { $0.utilisation != $1.utilisation ? $0.utilisation > $1.utilisation : $0.subject < $1.subject }.prefix(top))
    }
}
