import Testing
import HarbourCore
@testable import Risk

/// Worked with Binance's USDⓈ-M one-way formula
/// LP = (WB − TMM1 + UPNL1 + cumB − Side × Position × EP) / (Position × MMR − Side × Position)
/// and its BTCUSDT brackets (0.4% / cum 0 up to 50,000; 0.5% / cum 50 up to 250,000).
@Suite struct LiquidationPriceTests {
    let tick: Int64 = 1   // 0.1 USD

    @Test func isolatedLong() {
        // 1 BTC long at 50,000 with 5,000 USDT isolated margin (10×), tier 1:
        // (5,000 − 50,000) / (0.004 − 1) = 45,180.7228… → up to 45,180.8.
        let inputs = LiquidationPrice.Inputs.isolated(margin: BTC.usd("5000"), position: BTC.qty("1"), entryPrice: BTC.px("50000"))
        #expect(LiquidationPrice.price(inputs, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == BTC.px("45180.8"))
        #expect(LiquidationPrice.bankruptcyPrice(inputs, notional: BTC.notional, tickSize: tick) == BTC.px("45000"))
        // Coarser tick (1 USD): rounded up again.
        #expect(LiquidationPrice.price(inputs, table: BTCTiers.table, notional: BTC.notional, tickSize: 10) == BTC.px("45181"))
    }

    @Test func isolatedShortSwitchesToTheTierAtTheLiquidationPrice() {
        // 1 BTC short at 50,000, 5,000 margin. With tier 1: 55,000 / 1.004 = 54,780.87… — but
        // 54,780.8 of notional is in tier 2, so Binance's rule recomputes with 0.5% / cum 50:
        // 55,050 / 1.005 = 54,776.119… → down to 54,776.1.
        let inputs = LiquidationPrice.Inputs.isolated(margin: BTC.usd("5000"), position: BTC.qty("-1"), entryPrice: BTC.px("50000"))
        #expect(LiquidationPrice.price(inputs, tier: BTCTiers.table.tiers[0], notional: BTC.notional, tickSize: tick)
                == BTC.px("54780.8"))
        #expect(LiquidationPrice.price(inputs, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == BTC.px("54776.1"))
        #expect(LiquidationPrice.bankruptcyPrice(inputs, notional: BTC.notional, tickSize: tick) == BTC.px("55000"))
    }

    @Test func crossLongWithOtherPositions() {
        // WB 10,000, TMM1 1,000, UPNL1 −2,000; 2 BTC long at 40,000 (tier 2, cum 50):
        // (10,000 − 1,000 − 2,000 + 50 − 80,000) / (2 × 0.005 − 2) = 36,658.291… → 36,658.3.
        let inputs = LiquidationPrice.Inputs.cross(walletBalance: BTC.usd("10000"), otherMaintenanceMargin: BTC.usd("1000"),
                                                   otherUnrealizedPnl: BTC.usd("-2000"), position: BTC.qty("2"),
                                                   entryPrice: BTC.px("40000"))
        #expect(LiquidationPrice.price(inputs, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == BTC.px("36658.3"))
        // Bankruptcy: 40,000 − (10,000 − 2,000) / 2.
        #expect(LiquidationPrice.bankruptcyPrice(inputs, notional: BTC.notional, tickSize: tick) == BTC.px("36000"))
    }

    @Test func crossShortWithOtherPositions() {
        // WB 10,000, TMM1 1,000, UPNL1 +500; 3 BTC short at 60,000:
        // (10,000 − 1,000 + 500 + 50 + 180,000) / (3 × 0.005 + 3) = 62,868.988… → down to 62,868.9.
        let inputs = LiquidationPrice.Inputs.cross(walletBalance: BTC.usd("10000"), otherMaintenanceMargin: BTC.usd("1000"),
                                                   otherUnrealizedPnl: BTC.usd("500"), position: BTC.qty("-3"),
                                                   entryPrice: BTC.px("60000"))
        #expect(LiquidationPrice.price(inputs, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == BTC.px("62868.9"))
        #expect(LiquidationPrice.bankruptcyPrice(inputs, notional: BTC.notional, tickSize: tick) == BTC.px("63500"))
    }

    @Test func liquidationPriceIsTheMaintenanceBoundary() {
        // Long: at LP equity still covers MM (liquidated no later than the exact point);
        // one tick lower it does not.
        let long = LiquidationPrice.Inputs.isolated(margin: BTC.usd("5000"), position: BTC.qty("1"), entryPrice: BTC.px("50000"))
        let lp = LiquidationPrice.price(long, table: BTCTiers.table, notional: BTC.notional, tickSize: tick)!
        #expect(headroom(long, at: lp) >= 0)
        #expect(headroom(long, at: Price(raw: lp.raw - 1)) < 0)
        let short = LiquidationPrice.Inputs.isolated(margin: BTC.usd("5000"), position: BTC.qty("-1"), entryPrice: BTC.px("50000"))
        let sp = LiquidationPrice.price(short, table: BTCTiers.table, notional: BTC.notional, tickSize: tick)!
        #expect(headroom(short, at: sp) >= 0)
        #expect(headroom(short, at: Price(raw: sp.raw + 1)) < 0)
    }

    @Test func noLiquidationPriceWhenFullyCollateralisedOrFlat() {
        let safe = LiquidationPrice.Inputs.isolated(margin: BTC.usd("60000"), position: BTC.qty("1"), entryPrice: BTC.px("50000"))
        #expect(LiquidationPrice.price(safe, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == nil)
        #expect(LiquidationPrice.bankruptcyPrice(safe, notional: BTC.notional, tickSize: tick) == nil)
        let flat = LiquidationPrice.Inputs.isolated(margin: BTC.usd("1"), position: .zero, entryPrice: BTC.px("50000"))
        #expect(LiquidationPrice.price(flat, table: BTCTiers.table, notional: BTC.notional, tickSize: tick) == nil)
    }

    /// Equity − maintenance margin of an isolated position at `price`, in µUSD.
    func headroom(_ i: LiquidationPrice.Inputs, at price: Price) -> Int64 {
        let pnl = BTC.notional.value128(priceRaw: price.raw - i.entryPrice.raw, qtyRaw: i.position.raw, rounding: .down)
        let n = MarginMath.positionNotional(i.position, at: price, notional: BTC.notional)
        let mm = MarginMath.maintenanceMargin(notional: n, table: BTCTiers.table)!
        return i.walletBalance.raw + Int64(pnl) - mm.raw
    }
}
