import Engine
import HarbourCore
import Matching
import Simulator

/// A deterministic stand-in for the demo venue (`DemoMarket` needs a `VenueHost`): the same
/// feed (four index sources around a `PriceWalk`) and the same market maker (cancel the
/// ladder, re-quote five levels a side post-only around the engine's mark, every 2 s), plus
/// five noise traders who now and then take small sizes or rest small orders for a while.
/// Integer arithmetic and a seeded generator only, so the hour is the same hour every run.
struct CalmMarket {
    let venue: SurveillanceVenue
    let maker: AccountID
    let noise: [AccountID]
    private var walk: PriceWalk
    private var state: UInt64 = 0x5EED
    private var resting: [(account: AccountID, order: OrderID, until: Int64)] = []

    init(venue: SurveillanceVenue, maker: AccountID, noise: [AccountID], start: Int64) {
        self.venue = venue
        self.maker = maker
        self.noise = noise
        walk = PriceWalk(seed: 42, start: 600_000, tick: 1, maxStepTicks: 20)
    }

    private mutating func random(_ bound: UInt64) -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (state >> 33) % bound
    }

    /// Runs from `start` for `duration` ms, one round a second.
    mutating func run(from start: Int64, for duration: Int64) {
        let sources = ["binance", "okx", "coinbase", "kraken"]
        var now = start
        var round: Int64 = 0
        while now < start + duration {
            let reference = walk.next()
            for (n, source) in sources.enumerated() {
                venue.apply(.indexPrice(instrument: btc, source: source, price: reference + Int64((Int(round % 7) + n * 3) % 5 - 2)), at: now)
            }
            if round % 2 == 0 { requote(at: now) }
            trade(at: now + 500)
            now += 1_000
            round += 1
        }
    }

    private func requote(at now: Int64) {
        let mark = venue.engine.marks[0]
        guard mark > 0 else { return }
        venue.apply(.cancelAll(account: maker, instrument: btc), at: now)
        for level in Int64(1)...5 {
            let offset = level * 5 * 10, quantity = 50 * level * 20
            for (side, price) in [(Side.buy, mark - offset), (Side.sell, mark + offset)] {
                venue.apply(.placeOrder(PlaceOrder(account: maker, instrument: btc, side: side, timeInForce: .postOnly,
                                                   price: price, quantity: quantity, stp: .expireMaker)), at: now)
            }
        }
    }

    private mutating func trade(at now: Int64) {
        for (k, entry) in resting.enumerated().reversed() where entry.until <= now {
            venue.cancel(entry.account, entry.order, at: now)
            resting.remove(at: k)
        }
        let mark = venue.engine.marks[0]
        guard mark > 0, random(3) == 0 else { return }
        let trader = noise[Int(random(UInt64(noise.count)))]
        let side: Side = random(2) == 0 ? .buy : .sell
        let quantity = Int64(1 + random(200))
        if random(2) == 0 {
            let price = side == .buy ? mark + mark / 100 : mark - mark / 100
            venue.apply(.placeOrder(PlaceOrder(account: trader, instrument: btc, side: side, timeInForce: .ioc,
                                               price: price, quantity: quantity)), at: now)
        } else {
            let away = Int64(100 + random(400))
            let price = side == .buy ? mark - away : mark + away
            let id = venue.place(trader, side, price: price, quantity: quantity, tif: .postOnly, at: now)
            if id > 0 { resting.append((trader, id, now + Int64(5_000 + random(30_000)))) }
        }
    }
}
