import Foundation
import Compliance
import Financing
import HarbourCore
import Spot

/// The venue's static configuration: settlement asset, fee tiers, instruments (PERP-1).
/// Loaded from a JSON file (see `config/venue.json`); every number is a decimal string so
/// nothing passes through floating point.
public struct VenueConfig: Sendable {
    public let settlementAsset: Asset
    public let feeTiers: [FeeTier]
    /// The perpetuals; `Engine.liveConfig` carries the ones in force after risk-limit changes.
    public internal(set) var instruments: [InstrumentSpec]
    /// Leverage an account starts with on each instrument.
    public let defaultLeverage: [Int64]
    /// How many finished client order ids each account remembers (idempotency window).
    public let clientOrderIdMemory: Int
    /// Pricing parameters per instrument (PRICE-1..4), in instrument order; defaults
    /// when the file has no `pricing` object (see PricingState.swift).
    public let pricing: [PricingParameters]
    /// Liquidation fee (RISK-4) on the notional a liquidation closes, paid to the
    /// insurance fund from what is left of the account's equity. Default 0.5%.
    public var liquidationFeeRate = Rate(raw: 500_000)
    /// Platform risk monitoring (RISK-6): sweep interval, volatility add-ons, alert
    /// thresholds, stress scenarios. Defaults when the file has no `risk` objects.
    public var risk: RiskParameters
    /// Professional-investor classification rules (PI-1): thresholds, currency, what
    /// counts, validity and the expiry warning. Hong Kong defaults.
    public var classification = ClassificationPolicy.standard
    /// The derivatives knowledge quiz (PI-2).
    public var knowledgeQuiz = KnowledgeQuiz.standard
    /// Withdrawals of this much or more (settlement raw units) need a maker and a different
    /// checker (REG-4): a plain `withdraw` is refused with FOUR_EYES_REQUIRED. 1,000,000 USD.
    public var largeWithdrawal: Int64 = 1_000_000 * 1_000_000
    /// The same four-eyes threshold for the spot assets (SPOT-1, REG-4), in each asset's raw
    /// units: 15 BTC and 300 ETH, about 1,000,000 USD each at the demo's prices. An asset not
    /// named has no threshold.
    public var largeAssetWithdrawals: [String: Int64] = ["BTC": 15 * 100_000_000, "ETH": 300 * 100_000_000]
    /// Contracts that start `proposed` (not tradable until approved by four-eyes and then
    /// enabled); all others start enabled, approved by the configuration (PERP-6).
    public var proposedInstruments: Set<String> = []
    /// The self-trade-prevention group of the platform's own house accounts (PERP-3): an
    /// account opened with this group is a house account, and an affiliated market maker
    /// joins it when registered, so the two can never trade with each other.
    public var houseGroup = "house"
    /// The spot assets the platform lists, which a contract's reference asset must be one of;
    /// nil: the instruments' underlyings.
    public var listedSpotAssets: Set<String>?

    /// Spot markets (SPOT-1), after the perpetuals in the venue's instrument numbering:
    /// spot market `j` is `InstrumentID(instruments.count + j)`.
    public var spotMarkets: [SpotMarketSpec] = []

    /// Margin financing (FIN-1..6): the collateral list and haircuts, levels, limits, credit
    /// rule; nil: the venue offers no financing and refuses its commands.
    public var financing: FinancingConfig? = VenueConfig.standardFinancing
    /// The broker's capital at start (FIN-3), replaced by `brokerCapital` commands.
    public var brokerCapital = BrokerCapital(items: [])

    /// Every asset an account can hold: the settlement asset, then each spot market's base.
    public var assets: [Asset] {
        var out = [settlementAsset]
        for m in spotMarkets where !out.contains(where: { $0.code == m.base.code }) { out.append(m.base) }
        for a in securityAssets where !out.contains(where: { $0.code == a.code }) { out.append(a) }
        return out
    }

    /// The held asset named `code`, if the venue lists it.
    public func asset(code: String) -> Asset? { assets.first { $0.code == code } }

    /// Perpetuals then spot markets, as the order path sees them, in instrument-id order.
    public var markets: [InstrumentSpec] { instruments + spotMarkets.map(\.market) }

    /// The spot market with instrument id `id`, nil for a perpetual or an unknown id.
    public func spotMarket(_ id: InstrumentID) -> SpotMarketSpec? {
        let j = Int(id.index) - instruments.count
        return j >= 0 && j < spotMarkets.count ? spotMarkets[j] : nil
    }

    /// `listedSpotAssets`, or the instruments' underlyings.
    public var spotAssets: Set<String> { listedSpotAssets ?? Set(instruments.map(\.underlying)) }

    public init(settlementAsset: Asset, feeTiers: [FeeTier], instruments: [InstrumentSpec],
                defaultLeverage: [Int64], clientOrderIdMemory: Int = 1000, pricing: [PricingParameters]? = nil,
                risk: RiskParameters? = nil) {
        precondition(pricing == nil || pricing!.count == instruments.count, "one pricing entry per instrument")
        precondition(risk == nil || risk!.instruments.count == instruments.count, "one risk entry per instrument")
        self.pricing = pricing ?? instruments.map(PricingParameters.defaults(for:))
        self.risk = risk ?? .defaults(for: instruments)
        self.settlementAsset = settlementAsset
        self.feeTiers = feeTiers
        self.instruments = instruments
        self.defaultLeverage = defaultLeverage
        self.clientOrderIdMemory = clientOrderIdMemory
    }

    /// Why a configuration file was refused.
    public struct ConfigError: Error, CustomStringConvertible {
        public let description: String
    }

    private struct FileTier: Decodable { let notionalCap: String; let maintenanceRate: String; let maxLeverage: Int64 }
    private struct FileInstrument: Decodable {
        let symbol: String
        let underlying: String
        let priceDecimals: Int
        let sizeDecimals: Int
        let tickSize: String
        let lotSize: String
        let minQty: String
        let maxQty: String
        let maxPrice: String
        let maxLeverage: Int64
        let defaultLeverage: Int64
        let priceBand: String
        let marketProtection: String
        let positionLimit: String
        let maxOpenOrders: Int
        let fundingIntervalMinutes: Int64
        let tiers: [FileTier]
        /// "enabled" (default) or "proposed" (PERP-6).
        let lifecycle: String?
    }
    private struct FileFeeTier: Decodable { let name: String; let maker: String; let taker: String }
    private struct FileAsset: Decodable { let code: String; let decimals: Int }
    private struct File: Decodable {
        let settlementAsset: FileAsset
        let clientOrderIdMemory: Int?
        let feeTiers: [FileFeeTier]
        let instruments: [FileInstrument]
        let spotMarkets: [FileSpotMarket]?
    }
    private struct FileSpotMarket: Decodable {
        let symbol: String
        let base: FileAsset
        let priceDecimals: Int
        let sizeDecimals: Int
        let tickSize: String
        let lotSize: String
        let minQty: String
        let maxQty: String
        let maxPrice: String
        let priceBand: String
        let marketProtection: String
        let maxOpenOrders: Int
    }

    /// Parses a configuration document; every problem is reported by name.
    public static func parse(_ data: Data) throws -> VenueConfig {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw ConfigError(description: "configuration is not valid: \(error)")
        }
        let asset = Asset(code: file.settlementAsset.code, scale: DecimalScale(file.settlementAsset.decimals))
        func num(_ s: String, _ scale: DecimalScale, _ what: String) throws -> Int64 {
            do { return try FixedDecimal.parse(s, scale: scale) } catch {
                throw ConfigError(description: "\(what): \(error)")
            }
        }
        func rate(_ s: String, _ what: String) throws -> Rate { Rate(raw: try num(s, Rate.scale, what)) }
        var specs: [InstrumentSpec] = []
        var leverages: [Int64] = []
        for fi in file.instruments {
            let ps = DecimalScale(fi.priceDecimals), ss = DecimalScale(fi.sizeDecimals)
            let tiers = try fi.tiers.map {
                MaintenanceTier(notionalCap: try num($0.notionalCap, asset.scale, "\(fi.symbol) tier cap"),
                                maintenanceRate: try rate($0.maintenanceRate, "\(fi.symbol) tier rate"),
                                maxLeverage: min($0.maxLeverage, fi.maxLeverage))
            }
            let spec = InstrumentSpec(
                symbol: fi.symbol, underlying: fi.underlying, settlementAsset: asset, priceScale: ps, sizeScale: ss,
                tickSize: try num(fi.tickSize, ps, "\(fi.symbol) tickSize"),
                lotSize: try num(fi.lotSize, ss, "\(fi.symbol) lotSize"),
                minQuantity: try num(fi.minQty, ss, "\(fi.symbol) minQty"),
                maxQuantity: try num(fi.maxQty, ss, "\(fi.symbol) maxQty"),
                maxPrice: try num(fi.maxPrice, ps, "\(fi.symbol) maxPrice"),
                maxLeverage: fi.maxLeverage, tiers: tiers,
                priceBand: try rate(fi.priceBand, "\(fi.symbol) priceBand"),
                marketProtection: try rate(fi.marketProtection, "\(fi.symbol) marketProtection"),
                positionLimit: try num(fi.positionLimit, ss, "\(fi.symbol) positionLimit"),
                maxOpenOrders: fi.maxOpenOrders,
                fundingIntervalMs: fi.fundingIntervalMinutes * 60_000)
            let problems = spec.validationProblems()
            if !problems.isEmpty { throw ConfigError(description: problems.joined(separator: "; ")) }
            if !(1...fi.maxLeverage).contains(fi.defaultLeverage) {
                throw ConfigError(description: "\(fi.symbol): default leverage must be within 1...maxLeverage")
            }
            specs.append(spec)
            leverages.append(fi.defaultLeverage)
        }
        if Set(specs.map(\.symbol)).count != specs.count { throw ConfigError(description: "duplicate symbol") }
        let fees = try file.feeTiers.map {
            FeeTier(name: $0.name, maker: try rate($0.maker, "fee tier \($0.name) maker"),
                    taker: try rate($0.taker, "fee tier \($0.name) taker"))
        }
        if fees.isEmpty { throw ConfigError(description: "at least one fee tier (the first is the default)") }
        for f in fees where f.taker.raw < 0 || f.maker.raw < -f.taker.raw {
            throw ConfigError(description: "fee tier \(f.name): taker must be ≥ 0 and maker rebate ≤ taker fee")
        }
        let (risk, liquidationFee) = try RiskParameters.parse(data, specs: specs)
        var config = VenueConfig(settlementAsset: asset, feeTiers: fees, instruments: specs,
                                 defaultLeverage: leverages, clientOrderIdMemory: file.clientOrderIdMemory ?? 1000,
                                 pricing: try parsePricing(data, specs: specs), risk: risk)
        if let liquidationFee { config.liquidationFeeRate = liquidationFee }
        for fi in file.instruments {
            switch fi.lifecycle {
            case nil, "enabled"?: break
            case "proposed"?: config.proposedInstruments.insert(fi.symbol)
            case let other?: throw ConfigError(description: "\(fi.symbol): lifecycle '\(other)' is not \"enabled\" or \"proposed\"")
            }
        }
        for fm in file.spotMarkets ?? [] {
            let ps = DecimalScale(fm.priceDecimals), ss = DecimalScale(fm.sizeDecimals)
            guard (0...18).contains(fm.base.decimals), (0...18).contains(fm.priceDecimals), (0...18).contains(fm.sizeDecimals) else {
                throw ConfigError(description: "\(fm.symbol): decimals must be between 0 and 18")
            }
            let base = Asset(code: fm.base.code, scale: DecimalScale(fm.base.decimals))
            let m = SpotMarketSpec(
                symbol: fm.symbol, base: base, quote: asset, priceScale: ps, sizeScale: ss,
                tickSize: try num(fm.tickSize, ps, "\(fm.symbol) tickSize"), lotSize: try num(fm.lotSize, ss, "\(fm.symbol) lotSize"),
                minQuantity: try num(fm.minQty, ss, "\(fm.symbol) minQty"), maxQuantity: try num(fm.maxQty, ss, "\(fm.symbol) maxQty"),
                maxPrice: try num(fm.maxPrice, ps, "\(fm.symbol) maxPrice"),
                priceBand: try rate(fm.priceBand, "\(fm.symbol) priceBand"),
                marketProtection: try rate(fm.marketProtection, "\(fm.symbol) marketProtection"), maxOpenOrders: fm.maxOpenOrders)
            let problems = m.validationProblems()
            if !problems.isEmpty { throw ConfigError(description: problems.joined(separator: "; ")) }
            if let other = config.assets.first(where: { $0.code == base.code }), other != base {
                throw ConfigError(description: "\(fm.symbol): asset \(base.code) is declared with different decimals elsewhere")
            }
            config.spotMarkets.append(m)
        }
        config.financing = try FinancingFileSection.parse(data, settlement: asset)
        for c in config.financing?.collateral.values.sorted(by: { $0.code < $1.code }) ?? [] where c.kind == .virtualAsset {
            guard let held = config.assets.first(where: { $0.code == c.code }), held.scale == c.quantityScale else {
                throw ConfigError(description: "financing collateral \(c.code) is a virtual asset, so it must be a spot market's base asset with the same decimals")
            }
        }
        let symbols = config.markets.map(\.symbol)
        if Set(symbols).count != symbols.count { throw ConfigError(description: "duplicate symbol among perpetuals and spot markets") }
        if symbols.count > Int(UInt16.max) { throw ConfigError(description: "too many markets") }
        return config
    }

    /// The demo configuration compiled in (identical to `config/venue.json`), so tests
    /// and `harbour replay` work without a file.
    public static let standard: VenueConfig = {
        do { return try parse(Data(standardJSON.utf8)) } catch { fatalError("built-in configuration: \(error)") }
    }()

    public static let standardJSON = #"""
    {
      "settlementAsset": { "code": "USD", "decimals": 6 },
      "clientOrderIdMemory": 1000,
      "risk": {
        "sweepIntervalMs": 60000, "ewmaLambda": "0.94",
        "stressScenarios": ["-0.5", "-0.3", "0.3", "0.5"],
        "insuranceCoverageAlert": "0.8", "liquidationFeeRate": "0.005"
      },
      "feeTiers": [
        { "name": "default", "maker": "0.0002", "taker": "0.0005" },
        { "name": "vip1", "maker": "0.00016", "taker": "0.0004" },
        { "name": "vip2", "maker": "0", "taker": "0.0003" },
        { "name": "maker-rebate", "maker": "-0.00005", "taker": "0.0003" }
      ],
      "instruments": [
        {
          "symbol": "BTC-PERP", "underlying": "BTC",
          "priceDecimals": 1, "sizeDecimals": 3,
          "tickSize": "0.1", "lotSize": "0.001", "minQty": "0.001", "maxQty": "100",
          "maxPrice": "10000000", "maxLeverage": 50, "defaultLeverage": 10,
          "priceBand": "0.05", "marketProtection": "0.02",
          "positionLimit": "500", "maxOpenOrders": 200, "fundingIntervalMinutes": 480,
          "risk": {
            "volatilityAddOns": [
              { "volatility": "0.0025", "addOn": "0.005" },
              { "volatility": "0.005", "addOn": "0.01" },
              { "volatility": "0.01", "addOn": "0.02" }
            ],
            "openInterestCap": "5000", "openInterestAlert": "0.8",
            "concentrationAlert": "0.25", "concentrationMinOpenInterest": "500"
          },
          "tiers": [
            { "notionalCap": "50000", "maintenanceRate": "0.004", "maxLeverage": 50 },
            { "notionalCap": "250000", "maintenanceRate": "0.005", "maxLeverage": 50 },
            { "notionalCap": "3000000", "maintenanceRate": "0.01", "maxLeverage": 50 },
            { "notionalCap": "15000000", "maintenanceRate": "0.025", "maxLeverage": 20 },
            { "notionalCap": "30000000", "maintenanceRate": "0.05", "maxLeverage": 10 },
            { "notionalCap": "80000000", "maintenanceRate": "0.1", "maxLeverage": 5 }
          ]
        },
        {
          "symbol": "ETH-PERP", "underlying": "ETH",
          "priceDecimals": 2, "sizeDecimals": 3,
          "tickSize": "0.01", "lotSize": "0.001", "minQty": "0.001", "maxQty": "1000",
          "maxPrice": "1000000", "maxLeverage": 25, "defaultLeverage": 10,
          "priceBand": "0.05", "marketProtection": "0.02",
          "positionLimit": "10000", "maxOpenOrders": 200, "fundingIntervalMinutes": 480,
          "risk": {
            "volatilityAddOns": [
              { "volatility": "0.0025", "addOn": "0.005" },
              { "volatility": "0.005", "addOn": "0.01" },
              { "volatility": "0.01", "addOn": "0.02" }
            ],
            "openInterestCap": "100000", "openInterestAlert": "0.8",
            "concentrationAlert": "0.25", "concentrationMinOpenInterest": "10000"
          },
          "tiers": [
            { "notionalCap": "10000", "maintenanceRate": "0.005", "maxLeverage": 25 },
            { "notionalCap": "100000", "maintenanceRate": "0.0065", "maxLeverage": 25 },
            { "notionalCap": "500000", "maintenanceRate": "0.01", "maxLeverage": 25 },
            { "notionalCap": "1000000", "maintenanceRate": "0.02", "maxLeverage": 20 },
            { "notionalCap": "2000000", "maintenanceRate": "0.05", "maxLeverage": 10 },
            { "notionalCap": "5000000", "maintenanceRate": "0.1", "maxLeverage": 5 }
          ]
        }
      ],
      "financing": {
        "collateral": [
          { "code": "BTC", "kind": "VIRTUAL_ASSET", "decimals": 8, "haircut": "0.6" },
          { "code": "ETH", "kind": "VIRTUAL_ASSET", "decimals": 8, "haircut": "0.65" },
          { "code": "0700.HK", "kind": "SECURITY", "decimals": 0, "haircut": "0.3" }
        ],
        "levels": { "initial": "1.2", "earlyWarning": "1.1", "call": "1", "forceSale": "0.85" },
        "limits": { "clientShareOfCapital": "0.25", "clientShareOfLoanBook": "0.4", "loanBookShareMinimumBook": "10000000",
                    "collateralGroupShare": "0.6", "collateralShareMinimumPool": "10000000", "lendingMultiple": 5 },
        "creditRule": { "volatilityDiscount": "0.5", "liquidFraction": "0.5", "cap": "50000000" },
        "callDeadlineBusinessDays": 2,
        "forcedSaleBand": "0.05"
      },
      "spotMarkets": [
        {
          "symbol": "BTC-USD", "base": { "code": "BTC", "decimals": 8 },
          "priceDecimals": 1, "sizeDecimals": 5,
          "tickSize": "0.1", "lotSize": "0.00001", "minQty": "0.00001", "maxQty": "100",
          "maxPrice": "10000000", "priceBand": "0.1", "marketProtection": "0.02", "maxOpenOrders": 200
        },
        {
          "symbol": "ETH-USD", "base": { "code": "ETH", "decimals": 8 },
          "priceDecimals": 2, "sizeDecimals": 4,
          "tickSize": "0.01", "lotSize": "0.0001", "minQty": "0.0001", "maxQty": "1000",
          "maxPrice": "1000000", "priceBand": "0.1", "marketProtection": "0.02", "maxOpenOrders": 200
        }
      ]
    }
    """#
}
