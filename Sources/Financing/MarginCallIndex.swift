/// Loans indexed by the collateral price at which they cross into another margin zone
/// (FIN-5), the way `LiquidationIndex` indexes accounts (RISK-3): so a price change of a
/// collateral asset visits only the loans it moves across a level, not every loan.
///
/// Per collateral asset, each loan holding it has up to two entries, computed with the
/// loan's other collateral at its current prices:
/// - `falls`: the highest price at which the loan would be in a worse zone than now
///   (visited when the new price is at or below it);
/// - `rises`: the lowest price at which it would be in a better zone (visited when the new
///   price is at or above it).
/// The prices are exact (`MarginValuation.crossingPrice`), so a single-asset loan is
/// visited if and only if its zone changes. A loan with two or more priced collateral
/// assets has triggers that depend on the other prices; like the liquidation index's
/// `multi`, such loans are listed per asset and re-evaluated on every move of it.
///
/// Derived state: `LoanBook.rebuildIndex()` recomputes it from loans and prices, and the
/// book keeps it equal to that after every operation.
struct MarginCallIndex: Sendable, Hashable {
    struct AssetIndex: Sendable, Hashable {
        var falls = TriggerList()
        var rises = TriggerList()
        var byLoan: [Int64: Triggers] = [:]
        /// Loans with other priced collateral too, ascending.
        var multi: [Int64] = []
    }

    struct Triggers: Sendable, Hashable {
        var falls: Int64?
        var rises: Int64?
    }

    var assets: [String: AssetIndex] = [:]

    mutating func set(loan: Int64, asset: String, to triggers: Triggers?, multi: Bool) {
        // In place (`default:` subscript's modify accessor): copying the asset's index out
        // and back would copy all of its loans on every change.
        Self.update(&assets[asset, default: AssetIndex()], loan: loan, to: triggers, multi: multi)
    }

    private static func update(_ index: inout AssetIndex, loan: Int64, to triggers: Triggers?, multi: Bool) {
        if let old = index.byLoan[loan] {
            if let falls = old.falls { index.falls.remove(.init(price: falls, loan: loan)) }
            if let rises = old.rises { index.rises.remove(.init(price: rises, loan: loan)) }
            index.byLoan[loan] = nil
        }
        if let triggers {
            if let falls = triggers.falls { index.falls.insert(.init(price: falls, loan: loan)) }
            if let rises = triggers.rises { index.rises.insert(.init(price: rises, loan: loan)) }
            index.byLoan[loan] = triggers
        }
        var low = 0, high = index.multi.count
        while low < high { let mid = (low + high) / 2; if index.multi[mid] < loan { low = mid + 1 } else { high = mid } }
        let present = low < index.multi.count && index.multi[low] == loan
        let wanted = multi && triggers != nil
        if wanted && !present { index.multi.insert(loan, at: low) }
        if !wanted && present { index.multi.remove(at: low) }
    }

    /// Removes every entry of a loan.
    mutating func remove(loan: Int64) {
        for asset in assets.keys.sorted() where assets[asset]?.byLoan[loan] != nil || assets[asset]?.multi.contains(loan) == true {
            set(loan: loan, asset: asset, to: nil, multi: false)
        }
    }

    /// The loans a move of `asset` to `price` must re-evaluate: those whose trigger it
    /// crosses, and the multi-collateral loans, ascending by loan id, each once.
    func loansToVisit(asset: String, price: Int64) -> [Int64] {
        guard let index = assets[asset] else { return [] }
        var out: [Int64] = []
        index.falls.atOrAbove(price, into: &out)
        index.rises.atOrBelow(price, into: &out)
        out.append(contentsOf: index.multi)
        return Array(Set(out)).sorted()
    }

    /// The number of entries (tests, reports).
    var entryCount: Int { assets.values.reduce(0) { $0 + $1.falls.count + $1.rises.count } }
}
