import HarbourCore

/// How the book writes figures into refusal and breach messages: money as a decimal in the
/// settlement asset with its code ("20000.000001 USD"), quantities in the collateral's own
/// scale ("0.3 BTC"). The exact raw integers stay in each refusal's `figures`.
extension LoanBook {
    /// `amount` in the settlement asset, e.g. "20000 USD".
    func money(_ amount: Amount) -> String { money(Int128(amount.raw)) }

    /// A wide sum in the settlement asset (kept exact; clamped only beyond Int64).
    func money(_ raw: Int128) -> String {
        FixedDecimal.format(raw.clampedInt64, scale: config.settlement.scale) + " " + config.settlement.code
    }

    /// `raw` units of collateral `code` in its own scale, e.g. "0.3 BTC".
    func units(_ raw: Int64, _ code: String) -> String {
        guard let scale = config.collateral[code]?.quantityScale else { return "\(raw) \(code)" }
        return FixedDecimal.format(raw, scale: scale) + " " + code
    }
}
