import Engine
import HarbourCore

/// Decimal-string rendering of raw engine integers (prices, sizes, money). Never goes
/// through floating point.
enum Fmt {
    static func price(_ raw: Int64, _ spec: InstrumentSpec) -> String { FixedDecimal.format(raw, scale: spec.priceScale) }
    static func size(_ raw: Int64, _ spec: InstrumentSpec) -> String { FixedDecimal.format(raw, scale: spec.sizeScale) }
    static func money(_ raw: Int64, _ asset: Asset) -> String { FixedDecimal.format(raw, scale: asset.scale) }
    static func rate(_ r: Rate) -> String { r.formatted }

    /// Money held as Int128 (margin sums); clamps only if it cannot fit Int64, which the
    /// spec validation rules out for any reachable state.
    static func money(_ raw: Int128, _ asset: Asset) -> String {
        let clamped = raw > Int128(Int64.max) ? Int64.max : (raw < Int128(Int64.min) ? Int64.min : Int64(raw))
        return FixedDecimal.format(clamped, scale: asset.scale)
    }

    static func levels(_ levels: [(Int64, Int64)], _ spec: InstrumentSpec) -> JSON {
        .array(levels.map { l -> JSON in .array([.string(price(l.0, spec)), .string(size(l.1, spec))]) })
    }
}
