/// Converts price × size into an amount of the settlement asset, exactly.
///
/// `raw price × raw size` has `priceScale + sizeScale` decimals; the settlement asset
/// has its own. When the product has more decimals than the asset, the division rounds
/// in the direction the caller names; the 128-bit product never overflows.
public struct Notional: Sendable, Hashable {
    /// Decimals of `price.raw × qty.raw`.
    public let productDecimals: Int
    /// Decimals of the settlement asset.
    public let assetDecimals: Int
    @usableFromInline let up: Int128
    @usableFromInline let down: Int128

    public init(priceScale: DecimalScale, sizeScale: DecimalScale, asset: DecimalScale) {
        productDecimals = priceScale.decimals + sizeScale.decimals
        assetDecimals = asset.decimals
        if assetDecimals >= productDecimals {
            up = DecimalScale.pow10(assetDecimals - productDecimals)
            down = 1
        } else {
            up = 1
            down = DecimalScale.pow10(productDecimals - assetDecimals)
        }
    }

    /// The exact product `priceRaw × qtyRaw` rescaled to asset units as Int128.
    @inlinable
    public func value128(priceRaw: Int64, qtyRaw: Int64, rounding: Rounding) -> Int128 {
        let p = Int128(priceRaw) * Int128(qtyRaw) * up
        return down == 1 ? p : p.divided(by: down, rounding: rounding)
    }

    /// Rescales a raw product (price raw × qty raw, summed) to asset units.
    @inlinable
    public func rescale(_ product: Int128, rounding: Rounding) -> Int128 {
        let p = product * up
        return down == 1 ? p : p.divided(by: down, rounding: rounding)
    }

    /// `price × qty` in asset units. Traps if the amount exceeds Int64 (bounded inputs
    /// make that impossible: max price × max position is checked at configuration load).
    @inlinable
    public func amount(_ price: Price, _ qty: Quantity, rounding: Rounding) -> Amount {
        Amount(raw: Int64(value128(priceRaw: price.raw, qtyRaw: qty.raw, rounding: rounding)))
    }
}
