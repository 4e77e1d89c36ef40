import HarbourCore

/// Formats a 128-bit sum of raw units (ledger totals cannot overflow in 128 bits) as an
/// exact decimal string at `scale` — the Int128 counterpart of `FixedDecimal.format`.
enum ExactAmount {
    static func format(_ raw: Int128, scale: DecimalScale) -> String {
        let unit = UInt128(scale.unit)
        let m = raw.magnitude
        let whole = m / unit, frac = m % unit
        var s = raw < 0 ? "-" : ""
        s += String(whole)
        if scale.decimals > 0 {
            let digits = String(frac)
            s += "." + String(repeating: "0", count: Int(scale.decimals) - digits.count) + digits
        }
        return s
    }
}
