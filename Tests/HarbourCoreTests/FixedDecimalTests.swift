import Testing
@testable import HarbourCore

@Suite struct FixedDecimalTests {
    @Test func parsesPlainDecimals() throws {
        #expect(try FixedDecimal.parse("50000.5", scale: DecimalScale(1)) == 500_005)
        #expect(try FixedDecimal.parse("0.001", scale: DecimalScale(3)) == 1)
        #expect(try FixedDecimal.parse("12", scale: DecimalScale(2)) == 1200)
        #expect(try FixedDecimal.parse("-1.25", scale: DecimalScale(2)) == -125)
        #expect(try FixedDecimal.parse("1.500", scale: DecimalScale(1)) == 15)
    }

    @Test func refusesWhatItCannotRepresentExactly() {
        #expect(throws: FixedDecimal.ParseError.tooManyDecimals("0.0001", allowed: 3)) {
            try FixedDecimal.parse("0.0001", scale: DecimalScale(3))
        }
        for bad in ["", "abc", "1e5", "1,000", "1.2.3", "-", ".", "--1", " 1", "0x10", "NaN",
                    ".5", "5.", "+5", "-.5", "1 ", "\u{FEFF}1", "1\u{0}", "١"] {
            #expect(throws: FixedDecimal.ParseError.self) { try FixedDecimal.parse(bad, scale: DecimalScale(2)) }
        }
        #expect(throws: FixedDecimal.ParseError.overflow("92233720368547758.08")) {
            try FixedDecimal.parse("92233720368547758.08", scale: DecimalScale(2))
        }
        #expect(throws: FixedDecimal.ParseError.overflow("99999999999999999999")) {
            try FixedDecimal.parse("99999999999999999999", scale: DecimalScale(0))
        }
    }

    /// The grammar of docs/openapi.yaml's Decimal, `^-?[0-9]+(\.[0-9]+)?$`, exactly.
    @Test func grammarIsTheOpenAPIPattern() throws {
        let regex = try Regex(FixedDecimal.pattern)
        let samples = ["0", "5", "-5", "0.5", "-0.5", "10.25", "007", ".5", "5.", "+5", "-", "", ".", "1..2", "1.2.3", "--1",
                       "1e3", " 1", "1 ", "-.5", "5.-1", "1_000", "\u{FEFF}1", "1\u{0}", "١٢"]
        for s in samples {
            #expect(FixedDecimal.isPlainDecimal(s) == (s.wholeMatch(of: regex) != nil), "\(s.debugDescription)")
        }
        #expect(FixedDecimal.isPlainDecimal("12.5"))
        #expect(!FixedDecimal.isPlainDecimal(".5") && !FixedDecimal.isPlainDecimal("5.") && !FixedDecimal.isPlainDecimal("+5"))
    }

    @Test func formatsWithoutTrailingZeros() {
        #expect(FixedDecimal.format(500_005, scale: DecimalScale(1)) == "50000.5")
        #expect(FixedDecimal.format(1, scale: DecimalScale(3)) == "0.001")
        #expect(FixedDecimal.format(-1200, scale: DecimalScale(2)) == "-12")
        #expect(FixedDecimal.format(0, scale: DecimalScale(6)) == "0")
        #expect(FixedDecimal.format(Int64.min, scale: DecimalScale(0)) == "-9223372036854775808")
        #expect(FixedDecimal.format(105, scale: DecimalScale(4)) == "0.0105")
    }

    @Test func roundTripsRandomValues() throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let d = Int.random(in: 0...8, using: &g)
            let v = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &g)
            let s = FixedDecimal.format(v, scale: DecimalScale(d))
            #expect(try FixedDecimal.parse(s, scale: DecimalScale(d)) == v)
        }
    }
}

@Suite struct RoundingTests {
    @Test func everyModeOnEverySign() {
        #expect(Int128(7).divided(by: 2, rounding: .down) == 3)
        #expect(Int128(7).divided(by: 2, rounding: .up) == 4)
        #expect(Int128(-7).divided(by: 2, rounding: .down) == -4)
        #expect(Int128(-7).divided(by: 2, rounding: .up) == -3)
        #expect(Int128(-7).divided(by: 2, rounding: .towardZero) == -3)
        #expect(Int128(-7).divided(by: 2, rounding: .awayFromZero) == -4)
        #expect(Int128(7).divided(by: 2, rounding: .awayFromZero) == 4)
        #expect(Int128(6).divided(by: 2, rounding: .up) == 3)
    }

    @Test func notionalRescalesExactly() {
        // BTC-PERP: price 0.1 USD ticks (1 decimal), size 0.001 (3 decimals), USD 6 decimals.
        let n = Notional(priceScale: DecimalScale(1), sizeScale: DecimalScale(3), asset: DecimalScale(6))
        // 50000.5 × 0.003 = 150.0015 USD
        #expect(n.amount(Price(raw: 500_005), Quantity(raw: 3), rounding: .up) == Amount(raw: 150_001_500))
        // A product finer than the asset rounds as asked.
        let fine = Notional(priceScale: DecimalScale(4), sizeScale: DecimalScale(4), asset: DecimalScale(6))
        #expect(fine.amount(Price(raw: 1), Quantity(raw: 1), rounding: .up) == Amount(raw: 1))
        #expect(fine.amount(Price(raw: 1), Quantity(raw: 1), rounding: .down) == Amount(raw: 0))
        #expect(fine.amount(Price(raw: 1), Quantity(raw: -1), rounding: .down) == Amount(raw: -1))
    }

    @Test func rateAppliesWithExplicitRounding() throws {
        let taker = try Rate("0.0005") // 5 bp
        #expect(taker.raw == 50_000)
        #expect(taker.apply(to: Amount(raw: 150_001_500), rounding: .up) == Amount(raw: 75_001))
        #expect(taker.apply(to: Amount(raw: 150_001_500), rounding: .down) == Amount(raw: 75_000))
    }
}
