import HarbourCore
import Testing
@testable import Compliance

/// MM-4: presence measured exactly over a scripted day.
@Suite struct MarketMakerPresenceTests {
    static let hour: Int64 = 3_600_000
    static let start: Int64 = 1_800_000_000_000
    static func at(_ hours: Int64, _ minutes: Int64 = 0) -> Int64 { start + hours * hour + minutes * 60_000 }
    // BTC-PERP prices in 0.1 USD: 50,000.0 = 500,000. Spread limit 10 bps; min size 100 (0.1 BTC at 3 decimals).
    static func terms() throws -> MarketMakerTerms { try MarketMakerTerms(symbol: "BTC-PERP", maxSpreadBps: 10, minSize: 100) }

    @Test func aScriptedDayWithTwelveOfTwentyFourHoursTwoSidedIsExactlyFiftyPercent() throws {
        var meter = MarketMakerPresenceMeter(terms: try Self.terms(), startMs: Self.start)
        // 00:00-06:00 two-sided: bid 49,990.0 / ask 50,010.0 → spread 20 on mid 50,000: 4 bps.
        meter.rested(orderId: 1, side: .buy, price: 499_900, remaining: 100, at: Self.at(0))
        meter.rested(orderId: 2, side: .sell, price: 500_100, remaining: 150, at: Self.at(0))
        // 06:00-09:00 the ask is filled down to 99: under the minimum size.
        meter.remainingChanged(orderId: 2, to: 99, at: Self.at(6))
        // 09:00-12:00 a new ask far away: 60 bps wide.
        meter.rested(orderId: 3, side: .sell, price: 503_000, remaining: 200, at: Self.at(9))
        meter.removed(orderId: 2, at: Self.at(9))
        // 12:00-18:00 two-sided again, the ask at 50,025.0 (spread 35 on mid 50,007.5 ≈ 6.998 bps).
        meter.rested(orderId: 4, side: .sell, price: 500_250, remaining: 100, at: Self.at(12))
        // 18:00-24:00 only a bid.
        meter.removed(orderId: 4, at: Self.at(18))
        meter.removed(orderId: 3, at: Self.at(18))
        let report = meter.closeDay(at: Self.at(24))
        #expect(report.tradingMs == 24 * Self.hour)
        #expect(report.presentMs == 12 * Self.hour)
        #expect(report.presenceBps == 5_000)
        #expect(report.met)
    }

    @Test func timeOutsideContinuousTradingDoesNotCountAndOneMillisecondShortIsABreach() throws {
        var meter = MarketMakerPresenceMeter(terms: try Self.terms(), startMs: Self.start)
        meter.rested(orderId: 1, side: .buy, price: 499_900, remaining: 100, at: Self.at(0))
        meter.rested(orderId: 2, side: .sell, price: 500_100, remaining: 100, at: Self.at(0))
        meter.removed(orderId: 2, at: Self.at(10) - 1)                 // two-sided 10 h less 1 ms
        meter.tradingStateChanged(continuous: false, at: Self.at(10))   // a 4-hour halt: not counted
        meter.tradingStateChanged(continuous: true, at: Self.at(14))
        let report = meter.closeDay(at: Self.at(24))                   // 20 h of trading
        #expect(report.tradingMs == 20 * Self.hour)
        #expect(report.presentMs == 10 * Self.hour - 1)
        #expect(report.presenceBps == 4_999)
        #expect(!report.met)
        // The next day starts with the current book: only a bid, so absent.
        let next = meter.closeDay(at: Self.at(48))
        #expect(next.presentMs == 0 && next.tradingMs == 24 * Self.hour && !next.met)
    }

    @Test func theSpreadTestIsExactAtItsLimit() throws {
        let terms = try Self.terms()
        // mid 50,000.0, 10 bps of it = 50.0 → bid 49,975.0, ask 50,025.0 is exactly at the limit.
        #expect(terms.isFirmTwoWay(bid: 499_750, bidSize: 100, ask: 500_250, askSize: 100))
        #expect(!terms.isFirmTwoWay(bid: 499_749, bidSize: 100, ask: 500_251, askSize: 100))
        #expect(!terms.isFirmTwoWay(bid: 499_750, bidSize: 99, ask: 500_250, askSize: 100))
        #expect(!terms.isFirmTwoWay(bid: 500_300, bidSize: 100, ask: 500_250, askSize: 100))   // crossed
        #expect(throws: ComplianceError.self) { _ = try MarketMakerTerms(symbol: "BTC-PERP", maxSpreadBps: 0, minSize: 100) }
    }

    @Test func sizesAtTheBestPriceAddUp() throws {
        var meter = MarketMakerPresenceMeter(terms: try Self.terms(), startMs: Self.start)
        meter.rested(orderId: 1, side: .buy, price: 499_900, remaining: 60, at: Self.at(0))
        meter.rested(orderId: 2, side: .buy, price: 499_900, remaining: 40, at: Self.at(0))
        meter.rested(orderId: 3, side: .buy, price: 499_000, remaining: 500, at: Self.at(0))
        meter.rested(orderId: 4, side: .sell, price: 500_100, remaining: 100, at: Self.at(0))
        #expect(meter.isPresent)
        meter.remainingChanged(orderId: 1, to: 59, at: Self.at(1))
        #expect(!meter.isPresent)
    }
}
