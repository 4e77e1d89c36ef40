import HarbourCore

/// Margin per client at a window's end for the `positions` report (REG-3): each position's
/// maintenance requirement (`PositionMargin`), and per account its equity at the mark
/// (cash + isolated margins + unrealised PnL), total maintenance and margin ratio
/// (total maintenance ÷ equity, in %, rounded up).
struct AccountMargin {
    /// Per position, in the order given; nil where it cannot be computed (no mark, no spec).
    let maintenance: [DecimalText?]
    private var equityByAccount: [String: DecimalText] = [:]
    private var maintenanceByAccount: [String: DecimalText] = [:]
    /// Accounts with a position whose maintenance is unknown: their totals would understate it.
    private var incomplete: Set<String> = []

    static let note = "maintenanceMargin = |size| × mark through the contract's risk tier (the risk-limit version in force at the end; PERP-1) at the tier rate plus the volatility "
        + "add-on last published before the end (RISK-6), rounded up, less the tier's deduction: the engine's own function. "
        + "accountMarginRatioPercent = accountMaintenance ÷ accountEquity in %, rounded up; n/a at zero or negative equity. "
        + "No initial requirement: the read models keep only the current leverage setting, not the one in force at the end of the day."

    init(_ positions: [EndPosition], cash: [String: DecimalText], instruments: [InstrumentSpec], addOns: [String: Int64]) {
        var specs: [String: InstrumentSpec] = [:]
        for spec in instruments where specs[spec.symbol] == nil { specs[spec.symbol] = spec }
        maintenance = positions.map { PositionMargin.maintenance($0, spec: specs[$0.symbol], addOnRaw: addOns[$0.symbol] ?? 0) }
        for (position, requirement) in zip(positions, maintenance) {
            let account = position.account
            equityByAccount[account, default: cash[account] ?? .zero] +=
                ReportMath.decimal(position.isolatedMargin) + (position.unrealized ?? .zero)
            if let requirement { maintenanceByAccount[account, default: .zero] += requirement } else { incomplete.insert(account) }
        }
    }

    func equity(_ account: String) -> DecimalText { equityByAccount[account] ?? .zero }

    /// The account's total maintenance and margin ratio, or two blanks when a position's is unknown.
    func totals(_ account: String) -> [String] {
        guard !incomplete.contains(account) else { return ["", ""] }
        let total = maintenanceByAccount[account] ?? .zero
        return [total.description, PositionMargin.ratioPercent(maintenance: total, equity: equity(account))]
    }
}
