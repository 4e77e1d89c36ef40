import Foundation
import HarbourCore
import Risk

/// Pricing parameters of one instrument (PRICE-1..4), disclosed to clients. Every field
/// may be omitted from the configuration file's `pricing` object; `defaults(for:)` fills
/// it in. Rates are `Rate` (1e-8 units), times are milliseconds.
public struct PricingParameters: Sendable, Hashable {
    /// Spot sources of the index and their weights (PRICE-1).
    public var sources: [IndexSource]
    /// A source older than this is excluded as stale.
    public var staleAfterMs: Int64
    /// A source further than this from the median of the others is excluded.
    public var maxDeviation: Rate
    /// Fewer eligible sources than this: the index holds and the instrument goes cancel-only.
    public var minSources: Int
    /// Mark basis: number of samples in the moving average (PRICE-2).
    public var basisSamples: Int
    /// Mark basis: one sample per this many ms (aligned to multiples since the epoch).
    public var basisSampleIntervalMs: Int64
    /// Mark basis clamp, relative to the index.
    public var basisCap: Rate
    /// Premium index: one sample per this many ms (PRICE-3).
    public var premiumSampleIntervalMs: Int64
    /// Impact margin notional (settlement-asset raw units); impact notional =
    /// impact margin × the contract's max leverage.
    public var impactMargin: Int64
    /// Interest component quoted per 8 hours; scaled linearly to the funding interval.
    public var interestPer8h: Rate
    /// Bound of clamp(interest − premium).
    public var interestClamp: Rate
    /// Overall cap (≥ 0) and floor (≤ 0) of the funding rate.
    public var fundingCap: Rate
    public var fundingFloor: Rate
    /// Volatility interruption (PRICE-4): relative move, window and cool-off.
    public var volatilityThreshold: Rate
    public var volatilityWindowMs: Int64
    public var volatilityCoolOffMs: Int64

    /// The defaults (see docs/PRICING.md): four equally weighted sources, 10 s staleness,
    /// 1% deviation filter, 2 sources minimum; 60 × 1 s basis samples capped at 0.5%;
    /// premium sampled every 60 s; 200 USD impact margin; 0.01% interest per 8 h, clamp
    /// ±0.05%, cap/floor ±0.75%; a 10% move within 5 minutes pauses for 2 minutes.
    public static func defaults(for spec: InstrumentSpec) -> PricingParameters {
        PricingParameters(
            sources: ["binance", "okx", "coinbase", "kraken"].map { IndexSource(name: $0, weight: 1) },
            staleAfterMs: 10_000, maxDeviation: Rate(raw: 1_000_000), minSources: 2,
            basisSamples: 60, basisSampleIntervalMs: 1_000, basisCap: Rate(raw: 500_000),
            premiumSampleIntervalMs: 60_000,
            impactMargin: 200 * spec.settlementAsset.scale.unit,
            interestPer8h: FundingRate.defaultInterestPer8h, interestClamp: FundingRate.defaultClampBound,
            fundingCap: Rate(raw: 750_000), fundingFloor: Rate(raw: -750_000),
            volatilityThreshold: Rate(raw: 10_000_000), volatilityWindowMs: 300_000, volatilityCoolOffMs: 120_000)
    }

    /// Problems that make the parameters unusable, by name.
    public func validationProblems(symbol: String) -> [String] {
        var p: [String] = []
        if sources.isEmpty { p.append("\(symbol): at least one index source") }
        if Set(sources.map(\.name)).count != sources.count { p.append("\(symbol): duplicate index source") }
        if sources.contains(where: { $0.weight <= 0 }) { p.append("\(symbol): index source weights must be positive") }
        if minSources < 1 || minSources > sources.count { p.append("\(symbol): minSources must be 1...number of sources") }
        if staleAfterMs < 0 || maxDeviation.raw < 0 { p.append("\(symbol): staleAfterMs and maxDeviation must be ≥ 0") }
        if basisSamples < 1 || basisSampleIntervalMs < 1 || basisCap.raw < 0 { p.append("\(symbol): bad mark basis parameters") }
        if premiumSampleIntervalMs < 1 || impactMargin <= 0 { p.append("\(symbol): bad premium parameters") }
        if interestClamp.raw < 0 || fundingCap.raw < 0 || fundingFloor.raw > 0 { p.append("\(symbol): bad funding clamp/cap/floor") }
        if volatilityThreshold.raw <= 0 || volatilityWindowMs <= 0 || volatilityCoolOffMs < 0 {
            p.append("\(symbol): bad volatility interruption parameters")
        }
        return p
    }

    /// The optional `pricing` object of an instrument in the configuration file.
    struct File: Decodable {
        struct Source: Decodable { let name: String; let weight: Int64? }
        let indexSources: [Source]?
        let staleAfterMs: Int64?
        let maxDeviation: String?
        let minSources: Int?
        let markBasisSamples: Int?
        let markSampleIntervalMs: Int64?
        let basisCap: String?
        let premiumSampleIntervalMs: Int64?
        let impactMargin: String?
        let interestPer8h: String?
        let interestClamp: String?
        let fundingCap: String?
        let fundingFloor: String?
        let volatilityThreshold: String?
        let volatilityWindowMs: Int64?
        let volatilityCoolOffMs: Int64?
    }

    /// Defaults overridden by whatever the file gives.
    static func from(_ f: File?, spec: InstrumentSpec) throws -> PricingParameters {
        var p = defaults(for: spec)
        guard let f else { return p }
        func rate(_ s: String?, _ what: String) throws -> Rate? {
            guard let s else { return nil }
            do { return Rate(raw: try FixedDecimal.parse(s, scale: Rate.scale)) } catch {
                throw VenueConfig.ConfigError(description: "\(spec.symbol) pricing \(what): \(error)")
            }
        }
        if let s = f.indexSources {
            guard s.allSatisfy({ ($0.weight ?? 1) > 0 }) else {
                throw VenueConfig.ConfigError(description: "\(spec.symbol) pricing: index source weights must be positive")
            }
            p.sources = s.map { IndexSource(name: $0.name, weight: $0.weight ?? 1) }
        }
        if let v = f.staleAfterMs { p.staleAfterMs = v }
        if let v = try rate(f.maxDeviation, "maxDeviation") { p.maxDeviation = v }
        if let v = f.minSources { p.minSources = v } else { p.minSources = min(p.minSources, p.sources.count) }
        if let v = f.markBasisSamples { p.basisSamples = v }
        if let v = f.markSampleIntervalMs { p.basisSampleIntervalMs = v }
        if let v = try rate(f.basisCap, "basisCap") { p.basisCap = v }
        if let v = f.premiumSampleIntervalMs { p.premiumSampleIntervalMs = v }
        if let s = f.impactMargin {
            do { p.impactMargin = try FixedDecimal.parse(s, scale: spec.settlementAsset.scale) } catch {
                throw VenueConfig.ConfigError(description: "\(spec.symbol) pricing impactMargin: \(error)")
            }
        }
        if let v = try rate(f.interestPer8h, "interestPer8h") { p.interestPer8h = v }
        if let v = try rate(f.interestClamp, "interestClamp") { p.interestClamp = v }
        if let v = try rate(f.fundingCap, "fundingCap") { p.fundingCap = v }
        if let v = try rate(f.fundingFloor, "fundingFloor") { p.fundingFloor = v }
        if let v = try rate(f.volatilityThreshold, "volatilityThreshold") { p.volatilityThreshold = v }
        if let v = f.volatilityWindowMs { p.volatilityWindowMs = v }
        if let v = f.volatilityCoolOffMs { p.volatilityCoolOffMs = v }
        return p
    }
}

extension VenueConfig {
    private struct PricingFile: Decodable {
        struct Instrument: Decodable { let symbol: String; let pricing: PricingParameters.File? }
        let instruments: [Instrument]
    }

    /// Pricing parameters per instrument from the optional `pricing` objects of a
    /// configuration document (absent: defaults), in instrument order.
    static func parsePricing(_ data: Data, specs: [InstrumentSpec]) throws -> [PricingParameters] {
        let file: PricingFile
        do { file = try JSONDecoder().decode(PricingFile.self, from: data) } catch {
            throw ConfigError(description: "pricing configuration is not valid: \(error)")
        }
        var out: [PricingParameters] = []
        for spec in specs {
            let f = file.instruments.first { $0.symbol == spec.symbol }?.pricing
            let p = try PricingParameters.from(f, spec: spec)
            let problems = p.validationProblems(symbol: spec.symbol)
            if !problems.isEmpty { throw ConfigError(description: problems.joined(separator: "; ")) }
            out.append(p)
        }
        return out
    }
}

/// Engine state of one instrument's pricing: index, mark basis, premium, funding clock,
/// volatility guard. Everything here goes into the state hash.
struct PricingState {
    let params: PricingParameters
    var index: IndexPriceCalculator
    var basis: MarkPriceCalculator
    var premium = PremiumIndex()
    var volatility: VolatilityInterruption
    let fundingRate: FundingRate
    let impactNotional: Amount
    let notional: Notional
    /// The index has been computed from enough sources at least once: from then on the
    /// instrument is index-driven (mark from index + basis, funding, guards).
    var live = false
    /// The last index result was degraded (too few sources).
    var degraded = false
    /// The index last published in an `index` event (0 before).
    var publishedIndex: Int64 = 0
    var lastResult: IndexResult?
    var lastComponents: MarkPriceComponents?
    /// Next index refresh + basis sample + volatility observation (ms, aligned to the
    /// basis sample interval); meaningful when live.
    var nextRefreshAtMs: Int64 = 0
    /// Next premium sample due (ms); meaningful when live.
    var nextPremiumAtMs: Int64 = 0
    /// Next funding time (ms, a multiple of the funding interval); meaningful when live.
    var nextFundingAtMs: Int64 = 0
    /// Paused by a volatility interruption until this time; 0 when not paused.
    var pausedUntilMs: Int64 = 0
    /// The engine (not an operator) put the instrument into cancel-only; it restores
    /// `enabled` when neither guard holds any more.
    var engineHeld = false

    init(params: PricingParameters, spec: InstrumentSpec) {
        self.params = params
        index = IndexPriceCalculator(sources: params.sources, staleAfterMs: params.staleAfterMs,
                                     maxDeviation: params.maxDeviation, minSources: params.minSources)
        basis = MarkPriceCalculator(capacity: params.basisSamples, sampleIntervalMs: params.basisSampleIntervalMs,
                                    basisCap: params.basisCap, missingMid: .zeroBasis)
        // One observation per basis sample: the ring holds a whole window of them.
        let capacity = Int(Int128(params.volatilityWindowMs).divided(by: Int128(params.basisSampleIntervalMs), rounding: .up)) + 2
        volatility = VolatilityInterruption(threshold: params.volatilityThreshold, windowMs: params.volatilityWindowMs,
                                            coolOffMs: params.volatilityCoolOffMs, capacity: capacity)
        fundingRate = FundingRate(interest: FundingRate.interest(per8h: params.interestPer8h, intervalMs: spec.fundingIntervalMs),
                                  clampBound: params.interestClamp, cap: params.fundingCap, floor: params.fundingFloor)
        impactNotional = ImpactPrice.impactNotional(margin: Amount(raw: params.impactMargin), maxLeverage: spec.maxLeverage)
        notional = Notional(priceScale: spec.priceScale, sizeScale: spec.sizeScale, asset: spec.settlementAsset.scale)
    }

    /// Earliest time at which time-driven work is due (Int64.max when none).
    var nextDueMs: Int64 {
        guard live else { return .max }
        var t = min(nextRefreshAtMs, nextPremiumAtMs, nextFundingAtMs)
        if pausedUntilMs > 0 { t = min(t, pausedUntilMs) }
        return t
    }
}

/// One account's funding payment in a `funding` event: positive `amount` paid (payers)
/// or received (receivers), settlement-asset raw units.
public struct FundingPayment: Sendable, Hashable {
    public let account: AccountID
    public let position: Int64
    public let amount: Int64
}

/// A funding settlement (PRICE-3).
public struct FundingEvent: Sendable, Hashable {
    public let instrument: InstrumentID
    /// The funding rate applied (positive: longs pay shorts).
    public let rate: Rate
    /// The interval's average premium and the interest component.
    public let premium: Rate
    public let interest: Rate
    public let premiumSamples: Int64
    public let mark: Int64
    /// The funding time (ms since the epoch, a multiple of the interval).
    public let fundingTime: Int64
    public let payers: [FundingPayment]
    public let receivers: [FundingPayment]
    /// Rounding residue booked to the house rounding book (Σ paid − Σ received).
    public let residue: Int64
}

/// A volatility interruption (PRICE-4).
public struct VolatilityInterruptionEvent: Sendable, Hashable {
    public let instrument: InstrumentID
    /// The earlier mark the move is measured from, and the mark that tripped it.
    public let from: Int64
    public let to: Int64
    public let move: Rate
    public let untilMs: Int64
}
