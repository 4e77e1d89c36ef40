/// An exact decimal parsed from the plain decimal strings of the event stream
/// ("50000.5", "-0.001"): a 128-bit mantissa and a count of fractional digits.
///
/// Read models never store money as floating point; when they need a sum, a difference
/// or a comparison (filled quantity, statement totals) they do it with this type and
/// write the result back as a decimal string.
public struct DecimalText: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value times 10^`scale`.
    public private(set) var mantissa: Int128
    /// Number of fractional digits of `mantissa`.
    public private(set) var scale: Int

    public static let zero = DecimalText(mantissa: 0, scale: 0)

    public init(mantissa: Int128, scale: Int) {
        self.mantissa = mantissa
        self.scale = scale
    }

    /// Parses a plain decimal (optional sign, digits, optional fraction); nil if malformed.
    public init?(_ text: String) {
        var negative = false
        var value: Int128 = 0
        var fraction = 0
        var seenDot = false
        var digits = 0
        for (n, c) in text.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "-") where n == 0: negative = true
            case UInt8(ascii: "+") where n == 0: break
            case UInt8(ascii: "."):
                if seenDot { return nil }
                seenDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int128(c - UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                value = a
                digits += 1
                if seenDot { fraction += 1 }
            default: return nil
            }
        }
        if digits == 0 { return nil }
        self.init(mantissa: negative ? -value : value, scale: fraction)
    }

    /// The same value with `target` ≥ `scale` fractional digits.
    func rescaled(to target: Int) -> DecimalText {
        var m = mantissa
        for _ in scale..<max(scale, target) { m *= 10 }
        return DecimalText(mantissa: m, scale: max(scale, target))
    }

    public static func + (l: DecimalText, r: DecimalText) -> DecimalText {
        let s = max(l.scale, r.scale)
        return DecimalText(mantissa: l.rescaled(to: s).mantissa + r.rescaled(to: s).mantissa, scale: s)
    }

    public static func - (l: DecimalText, r: DecimalText) -> DecimalText { l + (-r) }

    public static prefix func - (v: DecimalText) -> DecimalText { DecimalText(mantissa: -v.mantissa, scale: v.scale) }

    public static func += (l: inout DecimalText, r: DecimalText) { l = l + r }
    public static func -= (l: inout DecimalText, r: DecimalText) { l = l - r }

    public static func < (l: DecimalText, r: DecimalText) -> Bool {
        let s = max(l.scale, r.scale)
        return l.rescaled(to: s).mantissa < r.rescaled(to: s).mantissa
    }

    public static func == (l: DecimalText, r: DecimalText) -> Bool {
        let s = max(l.scale, r.scale)
        return l.rescaled(to: s).mantissa == r.rescaled(to: s).mantissa
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public var isZero: Bool { mantissa == 0 }

    /// The absolute value.
    public var magnitude: DecimalText { mantissa < 0 ? -self : self }

    /// The exact product (scales add), or nil when it does not fit 128 bits.
    public func multiplied(by other: DecimalText) -> DecimalText? {
        let (m, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
        return overflow ? nil : DecimalText(mantissa: m, scale: scale + other.scale)
    }

    /// `self / whole` in hundredths of a percent (basis points of `whole`, "12.34" %), rounded
    /// down (towards zero); nil when `whole` is zero or the figures do not fit 128 bits.
    public func percent(of whole: DecimalText) -> String? {
        let s = max(scale, whole.scale)
        let num = rescaled(to: s).mantissa, den = whole.rescaled(to: s).mantissa
        guard den != 0 else { return nil }
        let (scaled, overflow) = num.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return nil }
        return DecimalText(mantissa: scaled / den, scale: 2).description
    }

    /// Plain decimal without trailing fractional zeros ("50000.5", "0.001", "-12", "0").
    public var description: String {
        let negative = mantissa < 0
        var digits = String(mantissa.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -scale)
            var fraction = String(digits[cut...])
            while fraction.last == "0" { fraction.removeLast() }
            digits = String(digits[..<cut]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return (negative && mantissa != 0 ? "-" : "") + digits
    }
}
