import Engine
import HarbourCore
import Matching
import Simulator

/// The demo venue as `harbour serve --demo` runs it, on a test clock: the demo market maker's
/// commands come from `DemoRound` (the code `DemoMarket.run` submits: the index feed of
/// BTC-PERP and ETH-PERP, and the ladders on both perpetuals and on the spot books BTC-USD and
/// ETH-USD) every `intervalMs` (500), a `tick` every second like `serve`, and noise traders
/// who now and then take a small size or rest a small order for a while, on BTC-PERP and on
/// BTC-USD. Seeded generators only, so the hour is the same hour every run.
struct DemoCalmMarket {
    let venue: SurveillanceVenue
    let noise: [AccountID]
    let spot: InstrumentID
    private var demo: DemoRound
    private var state: UInt64 = 0xCA1_5EED
    private var resting: [(account: AccountID, instrument: InstrumentID, order: OrderID, until: Int64)] = []

    /// Opens the demo maker (group "house", the plan's USD, BTC and ETH inventory, leverage 5
    /// on the perpetuals, as `DemoMarket.prepare` does) and `traders` noise traders with cash
    /// and 100 BTC each to sell on the spot book.
    init(venue: SurveillanceVenue, traders: Int, at start: Int64) {
        self.venue = venue
        let plan = DemoMarket.Plan()
        let maker = openTradingAccount(venue, plan.makerAccount, group: "house", ts: start)
        for (asset, amount) in plan.spotInventory.sorted(by: { $0.key < $1.key }) {
            venue.apply(.deposit(account: maker, asset: asset, amount: amount), at: start)
        }
        for instrument in [btc, eth] { venue.apply(.setLeverage(account: maker, instrument: instrument, leverage: 5), at: start) }
        noise = (0..<traders).map { trader in
            let id = openTradingAccount(venue, "noise-\(trader)", ts: start)
            venue.apply(.deposit(account: id, asset: "BTC", amount: 100 * 100_000_000), at: start)
            return id
        }
        spot = venue.engine.instrumentID(symbol: "BTC-USD")!
        demo = DemoRound(plan: plan, maker: maker, engine: venue.engine)
    }

    private mutating func random(_ bound: UInt64) -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (state >> 33) % bound
    }

    /// Runs from `start` for `duration` ms: each second a tick, two demo rounds (at 0 and
    /// 500 ms) and a chance of a noise trade on each of BTC-PERP and BTC-USD (at 250 ms).
    mutating func run(from start: Int64, for duration: Int64) {
        var now = start
        while now < start + duration {
            venue.apply(.tick, at: now)
            round(at: now)
            trade(btc, sizeUnit: 1, at: now + 250)
            trade(spot, sizeUnit: 100, at: now + 250)
            round(at: now + 500)
            now += 1_000
        }
    }

    /// One `DemoRound`, applied in the order `DemoMarket.run` submits it.
    private mutating func round(at now: Int64) {
        demo.nextRound()
        for k in demo.markets.indices {
            for command in demo.feed(k) { venue.apply(command, at: now) }
            let mark = venue.engine.marks[Int(demo.markets[k].instrument.index)]
            for command in demo.quotes(k, engineMark: mark) { venue.apply(command, at: now) }
        }
    }

    /// A noise trade on `instrument` around BTC-PERP's mark (the spot book is quoted around
    /// it, in the same price scale): 1…200 thousandths of a BTC, `sizeUnit` raw units each.
    private mutating func trade(_ instrument: InstrumentID, sizeUnit: Int64, at now: Int64) {
        for (k, entry) in resting.enumerated().reversed() where entry.instrument == instrument && entry.until <= now {
            venue.cancel(entry.account, entry.order, instrument, at: now)
            resting.remove(at: k)
        }
        let mark = venue.engine.marks[Int(btc.index)]
        guard mark > 0, random(3) == 0 else { return }
        let trader = noise[Int(random(UInt64(noise.count)))]
        let side: Side = random(2) == 0 ? .buy : .sell
        let quantity = Int64(1 + random(200)) * sizeUnit
        if random(2) == 0 {
            let price = side == .buy ? mark + mark / 100 : mark - mark / 100
            venue.apply(.placeOrder(PlaceOrder(account: trader, instrument: instrument, side: side, timeInForce: .ioc,
                                               price: price, quantity: quantity)), at: now)
        } else {
            let away = Int64(100 + random(400))
            let price = side == .buy ? mark - away : mark + away
            let id = venue.place(trader, instrument, side, price: price, quantity: quantity, tif: .postOnly, at: now)
            if id > 0 { resting.append((trader, instrument, id, now + Int64(5_000 + random(30_000)))) }
        }
    }
}
