import Engine
import HarbourCore
import Matching

/// The commands of the demo market (`DemoMarket`, OPS-3), one round at a time, without a
/// host or a clock: for each perpetual of the plan, the index feed (four sources around a
/// `PriceWalk`, now and then one straying far) and then, at the mark the engine derived from
/// it, the market maker's ladder on the perpetual and on the spot books of the same asset
/// (cancel all, re-quote `levels` post-only orders a side, SPOT-1). `DemoMarket.run` submits
/// these commands to the venue; a test applies the same commands to an engine with its own
/// clock, so what surveillance sees in a test is what `serve --demo` produces.
public struct DemoRound: Sendable {
    /// A perpetual of the plan with its walk and the spot markets quoted around its mark.
    public struct Market: Sendable {
        public let instrument: InstrumentID
        public let spec: InstrumentSpec
        var walk: PriceWalk
        public let spots: [(instrument: InstrumentID, spec: InstrumentSpec)]
    }

    public let plan: DemoMarket.Plan
    public let maker: AccountID
    public private(set) var markets: [Market] = []
    /// Names of the index sources (those of the first perpetual).
    public let sources: [String]
    public private(set) var round: UInt64 = 0

    /// Reads the instruments, their current marks and the index sources from `engine`
    /// (walks start at the current mark, or the plan's start price on a fresh venue).
    public init(plan: DemoMarket.Plan, maker: AccountID, engine: Engine) {
        self.plan = plan
        self.maker = maker
        for (k, (symbol, start)) in plan.startPrices.sorted(by: { $0.key < $1.key }).enumerated() {
            guard let instrument = engine.instrumentID(symbol: symbol) else { continue }
            let spec = engine.spec(instrument)
            let current = engine.marks[Int(instrument.index)]
            let walk = PriceWalk(seed: plan.seed &+ UInt64(k), start: current > 0 ? current : start, tick: spec.tickSize, maxStepTicks: 20)
            var spots: [(instrument: InstrumentID, spec: InstrumentSpec)] = []
            for (spot, reference) in plan.spotQuotes.sorted(by: { $0.key < $1.key }) where reference == symbol {
                if let id = engine.instrumentID(symbol: spot), engine.isSpot(id) { spots.append((id, engine.spec(id))) }
            }
            markets.append(Market(instrument: instrument, spec: spec, walk: walk, spots: spots))
        }
        sources = markets.first.map { engine.pricingParameters($0.instrument).sources.map(\.name) } ?? []
    }

    /// Starts the next round (the feed's pattern of offsets and strays depends on it).
    public mutating func nextRound() { round += 1 }

    /// The index prices of market `k` for this round: four sources around the walk's next
    /// reference; now and then one strays far (the index excludes it as deviating).
    public mutating func feed(_ k: Int) -> [Command] {
        let spec = markets[k].spec
        let reference = markets[k].walk.next()
        return sources.enumerated().map { n, source in
            var price = reference + Int64((Int(round % 7) + n * 3) % 5 - 2) * spec.tickSize
            if round % 37 == UInt64(n) { price += reference / 20 }
            return .indexPrice(instrument: markets[k].instrument, source: source, price: price - price % spec.tickSize)
        }
    }

    /// The ladder of market `k` around the engine's mark `engineMark` (raw price of the
    /// perpetual): cancel the old quotes, quote the new ones, on the perpetual and then on
    /// each of its spot books (none on the spot books before there is a mark).
    public func quotes(_ k: Int, engineMark: Int64) -> [Command] {
        let market = markets[k]
        let mark = engineMark - engineMark % market.spec.tickSize
        var commands: [Command] = [.cancelAll(account: maker, instrument: market.instrument)]
        for level in 1...Int64(plan.levels) {
            let offset = level * plan.spacingTicks * market.spec.tickSize
            let quantity = plan.lotsPerQuote * market.spec.lotSize * level
            commands.append(quote(market.instrument, .buy, price: mark - offset, quantity: quantity))
            commands.append(quote(market.instrument, .sell, price: mark + offset, quantity: quantity))
        }
        for (spot, spec) in market.spots where mark > 0 {
            commands.append(.cancelAll(account: maker, instrument: spot))
            let center = DemoMarket.rescale(mark, from: market.spec.priceScale.decimals, to: spec.priceScale.decimals)
            for level in 1...Int64(plan.levels) {
                let offset = level * plan.spacingTicks * spec.tickSize
                let quantity = DemoMarket.rescale(plan.lotsPerQuote * market.spec.lotSize * level,
                                                  from: market.spec.sizeScale.decimals, to: spec.sizeScale.decimals)
                let bid = center - offset - (center - offset) % spec.tickSize, ask = center + offset - (center + offset) % spec.tickSize
                commands.append(quote(spot, .buy, price: bid, quantity: quantity))
                commands.append(quote(spot, .sell, price: ask, quantity: quantity))
            }
        }
        return commands
    }

    private func quote(_ instrument: InstrumentID, _ side: Side, price: Int64, quantity: Int64) -> Command {
        .placeOrder(PlaceOrder(account: maker, instrument: instrument, side: side, timeInForce: .postOnly,
                               price: price, quantity: quantity, stp: .expireMaker))
    }
}
