import HarbourCore

/// The maintenance requirement of the positions at a window's end (REG-3, RISK-1..3, RISK-6),
/// for the `positions` report: each position's notional at the day-end mark through its
/// contract's risk tiers (configuration, `ReportOptions.instruments`) and the volatility
/// add-on last published before the end (`risk_metrics`), by the engine's own function
/// (`InstrumentSpec.maintenanceMargin`), so the report and the venue cannot disagree.
enum PositionMargin {
    /// The add-on in force per symbol before `ts`: the last `riskMetrics` row before it.
    static func addOnQuery(before ts: Int64) -> ReportQuery {
        ReportQuery("""
            SELECT r.symbol, r.margin_add_on FROM risk_metrics r
            WHERE r.ts < ? AND r.seq = (SELECT MAX(x.seq) FROM risk_metrics x WHERE x.symbol = r.symbol AND x.ts < ?)
              AND r.idx = (SELECT MAX(y.idx) FROM risk_metrics y WHERE y.symbol = r.symbol AND y.seq = r.seq)
            """, [.int(ts), .int(ts)])
    }

    /// Raw add-on rates (1e-8) per symbol from the rows of `addOnQuery`; a symbol without a
    /// row has none (zero).
    static func addOns(_ rows: [[String]]) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in rows { if let rate = try? Rate(row[1]) { out[row[0]] = rate.raw } }
        return out
    }

    /// The maintenance requirement of `position` at its mark in the settlement asset; nil
    /// without a mark, without the contract's spec, or if the notional is not exact in the
    /// asset's decimals.
    static func maintenance(_ position: EndPosition, spec: InstrumentSpec?, addOnRaw: Int64) -> DecimalText? {
        guard let spec, let notional = position.notional else { return nil }
        let decimals = spec.settlementAsset.scale.decimals
        guard notional.scale <= decimals else { return nil }
        let raw = spec.maintenanceMargin(notional: notional.rescaled(to: decimals).mantissa, addOnRaw: addOnRaw)
        return DecimalText(mantissa: raw, scale: decimals)
    }

    /// maintenance ÷ equity in % with two decimals, rounded UP (the conservative side);
    /// "n/a" when the equity is zero or negative (no ratio means anything there).
    static func ratioPercent(maintenance: DecimalText, equity: DecimalText) -> String {
        guard DecimalText.zero < equity else { return "n/a" }
        let s = max(maintenance.scale, equity.scale)
        let num = maintenance.rescaled(to: s).mantissa, den = equity.rescaled(to: s).mantissa
        let (scaled, overflow) = num.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return "n/a" }
        return DecimalText(mantissa: scaled.divided(by: den, rounding: .up), scale: 2).description
    }
}
