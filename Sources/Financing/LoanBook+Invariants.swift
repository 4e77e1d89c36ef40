import HarbourCore

extension LoanBook {
    /// What must hold after every operation; empty when sound. The engine will add these to
    /// its `invariantViolations()` once financing is wired.
    public func invariantViolations() -> [String] {
        var out: [String] = []
        for (asset, sum) in ledger.sumPerAsset().sorted(by: { $0.key < $1.key }) where sum != 0 {
            out.append("ledger: \(asset) sums to \(sum)")
        }
        let cash = settlementCode
        for id in loans.keys.sorted() {
            let loan = loans[id]!
            if loan.principal.raw != -ledger.balance(.loanPrincipal(loan: id.raw, asset: cash)) { out.append("\(id): principal differs from its book") }
            if loan.accruedInterest.raw != -ledger.balance(.accruedInterest(loan: id.raw, asset: cash)) { out.append("\(id): accrued interest differs from its book") }
            if loan.principal < .zero || loan.accruedInterest < .zero { out.append("\(id): negative amount owed") }
            for code in config.collateral.keys.sorted() where (loan.collateral[code]?.raw ?? 0) != ledger.balance(.pledged(loan: id.raw, asset: code)) {
                out.append("\(id): pledged \(code) differs from its book")
            }
            let zone = zone(of: loan)
            if zone != loan.zone { out.append("\(id): zone \(loan.zone) recorded, \(zone) now") }
            if zone >= .call, loan.call == nil, loan.pendingSales.isEmpty { out.append("\(id): under-margined with no call and no forced sale") }
        }
        if !indexIsConsistent { out.append("margin-call index differs from its recomputation") }
        if totals != rebuiltTotals() { out.append("running totals differ from their recomputation") }
        return out
    }
}
