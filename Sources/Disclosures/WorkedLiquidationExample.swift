import Engine
import HarbourCore
import Matching
import Risk

/// A liquidation worked through by the engine itself (REG-1): an isolated long opened at a
/// reference price with a given leverage, and the engine's own liquidation trigger, the
/// bankruptcy price, the loss at the trigger and the liquidation fee. The scenario is kept
/// as replay-format lines, so anyone can run it with `harbour replay` and see the
/// liquidation happen at exactly that price and not one tick above.
public struct WorkedLiquidationExample: Sendable, Equatable {
    public let symbol: String
    public let entryPrice: Int64
    public let quantity: Int64
    public let leverage: Int64
    /// The isolated margin posted (settlement raw units).
    public let margin: Int64
    /// The mark at or below which the position is liquidated (the engine's trigger).
    public let liquidationPrice: Int64
    /// The price at which the margin is exhausted.
    public let bankruptcyPrice: Int64?
    /// (entry − liquidation) × quantity, settlement raw units.
    public let lossAtLiquidation: Int64
    /// The liquidation fee on the notional at the liquidation price.
    public let fee: Int64
    /// Whether replaying the scenario liquidated at `liquidationPrice` and not one tick above.
    public let confirmedByReplay: Bool
    /// The scenario, one replay-format command per line.
    public let replayLines: [String]

    /// Reference prices for the examples (a round figure near the market; the example
    /// depends on the ratios, not the level).
    static let referencePrices: [String: String] = ["BTC": "50000", "ETH": "3000"]

    /// Works the example for instrument `index` of `config`: 10,000 of notional at
    /// leverage min(10, max), isolated.
    public static func compute(config: VenueConfig, instrument index: Int) -> WorkedLiquidationExample? {
        let spec = config.instruments[index]
        let id = InstrumentID(UInt16(index))
        let text = referencePrices[spec.underlying] ?? FixedDecimal.format(spec.maxPrice / 20 / spec.tickSize * spec.tickSize, scale: spec.priceScale)
        guard let entry = try? FixedDecimal.parse(text, scale: spec.priceScale) else { return nil }
        let leverage = min(10, spec.maxLeverage)
        let assetScale = config.settlementAsset.scale
        // Quantity for a notional of 10,000: notional raw / (price raw × productToAsset), down to the lot.
        let notionalRaw = (try? FixedDecimal.parse("10000", scale: assetScale)) ?? 0
        var quantity = notionalRaw / (entry * spec.productToAsset)
        quantity -= quantity % spec.lotSize
        guard quantity >= spec.minQuantity else { return nil }
        let margin = entry * quantity * spec.productToAsset / leverage

        let engine = Engine(config: config)
        let encoder = CommandEncoder()
        var lines: [String] = []
        var ts: Int64 = 1_767_225_600_000
        func run(_ command: Command) -> [Event] {
            ts += 3_600_000   // an hour apart: no volatility window spans two steps
            lines.append(encoder.encode(command, timestamp: ts, engine: engine))
            return engine.apply(command, timestamp: ts)
        }
        _ = run(.openAccount(name: "example-client", group: nil, feeTier: nil))
        _ = run(.openAccount(name: "example-counterparty", group: nil, feeTier: nil))
        let client = AccountID(0), counterparty = AccountID(1)
        // Both are onboarded professional investors (PI-1..3), in the same hour.
        for account in [client, counterparty] {
            for command in Onboarding.individual(account, name: engine.accountName(account), engine: engine, at: ts) {
                lines.append(encoder.encode(command, timestamp: ts, engine: engine))
                engine.apply(command, timestamp: ts)
            }
        }
        _ = run(.deposit(account: client, asset: config.settlementAsset.code, amount: margin * 2))
        _ = run(.deposit(account: counterparty, asset: config.settlementAsset.code, amount: notionalRaw * 100))
        _ = run(.markPrice(instrument: id, price: entry))
        _ = run(.setMarginMode(account: client, instrument: id, isolated: true))
        _ = run(.setLeverage(account: client, instrument: id, leverage: leverage))
        _ = run(.placeOrder(PlaceOrder(account: counterparty, instrument: id, side: .sell, price: entry, quantity: quantity, clientOrderId: "example-ask")))
        _ = run(.placeOrder(PlaceOrder(account: client, instrument: id, side: .buy, timeInForce: .ioc, price: entry, quantity: quantity,
                                       clientOrderId: "example-buy")))
        let position = engine.position(client, id)
        guard position.size == quantity, let trigger = engine.liquidationTrigger(client, id) else { return nil }
        let notional = Notional(priceScale: spec.priceScale, sizeScale: spec.sizeScale, asset: assetScale)
        let bankruptcy = LiquidationPrice.bankruptcyPrice(
            .isolated(margin: Amount(raw: position.isolatedMargin), position: Quantity(raw: quantity), entryPrice: Price(raw: entry)),
            notional: notional, tickSize: spec.tickSize)?.raw
        // Replay: one tick above the trigger nothing happens; at the trigger the engine liquidates.
        let above = run(.markPrice(instrument: id, price: trigger + spec.tickSize))
        let at = run(.markPrice(instrument: id, price: trigger))
        let liquidatedAbove = above.contains { if case .liquidation(let l) = $0 { return l.account == client } else { return false } }
        let liquidatedAt = at.contains { if case .liquidation(let l) = $0 { return l.account == client } else { return false } }
        let loss = (entry - trigger) * quantity * spec.productToAsset
        let fee = config.liquidationFeeRate.apply(to: Amount(raw: trigger * quantity * spec.productToAsset), rounding: .up).raw
        return WorkedLiquidationExample(symbol: spec.symbol, entryPrice: entry, quantity: quantity, leverage: leverage,
                                        margin: position.isolatedMargin, liquidationPrice: trigger, bankruptcyPrice: bankruptcy,
                                        lossAtLiquidation: loss, fee: fee, confirmedByReplay: !liquidatedAbove && liquidatedAt,
                                        replayLines: lines)
    }
}
