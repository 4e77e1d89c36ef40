import HarbourCore

/// An exact amount of a fiat currency in its minor unit (cents for HKD and USD), as
/// evidence of a client's portfolio or assets is recorded (PI-1). Never floating point.
public struct FiatAmount: Sendable, Hashable, Codable, CustomStringConvertible {
    /// ISO 4217 code, e.g. "HKD".
    public let currency: String
    /// The amount in minor units (2 decimals for every currency Harbour accepts here).
    public let minorUnits: Int64

    /// Decimal places of the minor unit.
    public static let scale = DecimalScale(2)

    public init(currency: String, minorUnits: Int64) {
        self.currency = currency
        self.minorUnits = minorUnits
    }

    /// Parses a plain decimal ("8000000.00") in `currency`; refuses more than two decimals,
    /// a sign, or an overflow.
    public init(_ text: String, currency: String) throws(ComplianceError) {
        guard Self.isCurrencyCode(currency) else { throw .invalidCurrency(currency) }
        guard !text.hasPrefix("-"), let raw = try? FixedDecimal.parse(text, scale: Self.scale) else {
            throw .invalidAmount("'\(text)' is not a non-negative amount with at most two decimals")
        }
        self.init(currency: currency, minorUnits: raw)
    }

    /// Three upper-case ASCII letters.
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// This amount in `currency` at `rate` (units of `currency` per unit of this one, 8
    /// decimals), rounded down: evidence converted for a threshold is never overstated.
    public func converted(to currency: String, at rate: ConversionRate) throws(ComplianceError) -> FiatAmount {
        if currency == self.currency { return self }
        guard rate.from == self.currency, rate.to == currency else {
            throw .conversionRateMismatch("a \(rate.from)→\(rate.to) rate cannot convert \(self.currency) to \(currency)")
        }
        let product = Int128(minorUnits) * Int128(rate.raw) / Int128(ConversionRate.one)
        guard let value = Int64(exactly: product) else { throw .invalidAmount("\(self) at \(rate) overflows") }
        return FiatAmount(currency: currency, minorUnits: value)
    }

    /// "HKD 8000000.00": always two decimals, as a statement shows money.
    public var description: String {
        let magnitude = minorUnits.magnitude
        let cents = magnitude % 100
        return "\(currency) \(minorUnits < 0 ? "-" : "")\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// A recorded exchange rate between two fiat currencies: `raw / 10^8` units of `to` per
/// unit of `from`. Staff record it with the evidence it converts.
public struct ConversionRate: Sendable, Hashable, Codable, CustomStringConvertible {
    public let from: String
    public let to: String
    public let raw: Int64

    /// 1.0 at 8 decimals.
    public static let one: Int64 = 100_000_000

    public init(from: String, to: String, raw: Int64) throws(ComplianceError) {
        guard FiatAmount.isCurrencyCode(from), FiatAmount.isCurrencyCode(to) else { throw .invalidCurrency("\(from)/\(to)") }
        guard raw > 0 else { throw .invalidAmount("a conversion rate must be positive") }
        self.from = from
        self.to = to
        self.raw = raw
    }

    public var description: String { "\(from)→\(to) \(FixedDecimal.format(raw, scale: DecimalScale(8)))" }
}
