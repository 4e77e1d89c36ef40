/// Conversion between plain decimal strings ("50000.5", "-0.001") and raw integer units.
///
/// Parsing is strict: the text must match `^-?[0-9]+(\.[0-9]+)?$` (no "+", no ".5" or
/// "5.", no exponent, no grouping, no spaces), have no more fractional digits than the
/// scale allows (a value is never silently rounded), and fit in `Int64`. The same grammar
/// is stated in docs/openapi.yaml and checked by the REST gateway and the replay decoder.
public enum FixedDecimal {
    /// The grammar every decimal string must match, as stated in docs/openapi.yaml.
    public static let pattern = #"^-?[0-9]+(\.[0-9]+)?$"#

    /// True when `text` matches `pattern`: an optional leading "-", one or more digits,
    /// and optionally a "." followed by one or more digits. Nothing else.
    public static func isPlainDecimal(_ text: String) -> Bool {
        var it = text.utf8.makeIterator()
        var c = it.next()
        if c == UInt8(ascii: "-") { c = it.next() }
        var intDigits = 0
        while let d = c, d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") { intDigits += 1; c = it.next() }
        guard intDigits > 0 else { return false }
        guard let dot = c else { return true }
        guard dot == UInt8(ascii: ".") else { return false }
        var fracDigits = 0
        c = it.next()
        while let d = c, d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") { fracDigits += 1; c = it.next() }
        return fracDigits > 0 && c == nil
    }

    /// Why a decimal string could not be turned into raw units.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case malformed(String)
        case tooManyDecimals(String, allowed: Int)
        case overflow(String)

        public var description: String {
            switch self {
            case .empty: return "empty number"
            case .malformed(let s): return "'\(s)' is not a plain decimal number"
            case .tooManyDecimals(let s, let allowed):
                return "'\(s)' has more than \(allowed) decimal places"
            case .overflow(let s): return "'\(s)' is out of range"
            }
        }
    }

    /// Parses `text` as a decimal with at most `scale.decimals` fractional digits and
    /// returns it as raw units (`value × 10^decimals`). Trailing zeros beyond the scale
    /// are accepted ("1.50" at scale 1 is 15) because they do not change the value.
    public static func parse(_ text: String, scale: DecimalScale) throws(ParseError) -> Int64 {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { throw .empty }
        guard isPlainDecimal(text) else { throw .malformed(text) }
        var negative = false
        var i = 0
        if utf8[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        // Drop trailing fractional zeros so "1.500" parses at scale 1.
        if utf8.contains(UInt8(ascii: ".")) {
            while let last = utf8.last, last == UInt8(ascii: "0"), utf8.count - 1 > i { utf8.removeLast() }
            if utf8.last == UInt8(ascii: ".") { utf8.removeLast() }
        }
        var intDigits = 0
        var fracDigits = 0
        var seenDot = false
        var value: Int64 = 0
        if i >= utf8.count { throw .malformed(text) }
        while i < utf8.count {
            let c = utf8[i]
            if c == UInt8(ascii: ".") {
                if seenDot { throw .malformed(text) }
                seenDot = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if seenDot {
                    fracDigits += 1
                    if fracDigits > scale.decimals { throw .tooManyDecimals(text, allowed: scale.decimals) }
                } else {
                    intDigits += 1
                }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c - UInt8(ascii: "0")))
                if o1 || o2 { throw .overflow(text) }
                value = a
            } else {
                throw .malformed(text)
            }
            i += 1
        }
        if intDigits == 0 && fracDigits == 0 { throw .malformed(text) }
        if seenDot && fracDigits == 0 && intDigits == 0 { throw .malformed(text) }
        for _ in fracDigits..<scale.decimals {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { throw .overflow(text) }
            value = m
        }
        return negative ? -value : value
    }

    /// Formats raw units as a plain decimal string without trailing fractional zeros
    /// ("50000.5", "0.001", "-12", "0").
    public static func format(_ raw: Int64, scale: DecimalScale) -> String {
        if scale.decimals == 0 { return String(raw) }
        let negative = raw < 0
        let magnitude = raw.magnitude
        let unit = UInt64(scale.unit)
        let whole = magnitude / unit
        var frac = magnitude % unit
        var out = negative ? "-" : ""
        out += String(whole)
        if frac != 0 {
            var digits = scale.decimals
            while frac % 10 == 0 { frac /= 10; digits -= 1 }
            let s = String(frac)
            out += "."
            out += String(repeating: "0", count: digits - s.count)
            out += s
        }
        return out
    }
}
