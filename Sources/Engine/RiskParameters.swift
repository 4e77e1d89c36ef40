import Foundation
import HarbourCore
import Risk

/// Platform risk monitoring parameters of one instrument (RISK-6), from the optional
/// `risk` object of the instrument in the configuration file.
public struct InstrumentRiskParameters: Sendable, Hashable {
    /// Margin add-on by EWMA volatility (per sweep interval): added to the maintenance
    /// rate of every tier and to initial margin.
    public var volatilityAddOns: MarginAddOnSchedule
    /// Open-interest cap (raw size units; 0 = none) and the share of it that raises an alert.
    public var openInterestCap: Int64
    public var openInterestAlert: Rate
    /// A position of at least this share of open interest raises a concentration alert...
    public var concentrationAlert: Rate
    /// ...once open interest is at least this large (raw size units), so that the first
    /// few trades of a new market do not alert.
    public var concentrationMinOpenInterest: Int64

    /// Defaults (docs/PRICING.md): add-on +0.5% from 0.25% volatility per minute, +1% from
    /// 0.5%, +2% from 1%; open-interest cap 10 × the position limit with an alert at 80%;
    /// concentration alert at 25% of open interest once open interest reaches one
    /// account's position limit (a tenth of the cap: before that, shares say little).
    public static func defaults(for spec: InstrumentSpec) -> InstrumentRiskParameters {
        InstrumentRiskParameters(
            volatilityAddOns: MarginAddOnSchedule(steps: [
                .init(threshold: Rate(raw: 250_000), addOn: Rate(raw: 500_000)),
                .init(threshold: Rate(raw: 500_000), addOn: Rate(raw: 1_000_000)),
                .init(threshold: Rate(raw: 1_000_000), addOn: Rate(raw: 2_000_000)),
            ]),
            openInterestCap: spec.positionLimit.multipliedReportingOverflow(by: 10).overflow ? .max : spec.positionLimit * 10,
            openInterestAlert: Rate(raw: 80_000_000),
            concentrationAlert: Rate(raw: 25_000_000),
            concentrationMinOpenInterest: spec.positionLimit)
    }

    /// The largest add-on any step gives.
    public var maxAddOn: Rate { volatilityAddOns.steps.last?.addOn ?? .zero }

    func validationProblems(symbol: String, spec: InstrumentSpec) -> [String] {
        var p: [String] = []
        if volatilityAddOns.steps.contains(where: { $0.threshold.raw <= 0 || $0.addOn.raw < 0 }) {
            p.append("\(symbol) risk: add-on thresholds must be positive and add-ons non-negative")
        }
        let maxRate = spec.tiers.map(\.maintenanceRate.raw).max() ?? 0
        if maxAddOn.raw > Rate.one.raw / 2 || maxRate + maxAddOn.raw >= Rate.one.raw {
            p.append("\(symbol) risk: add-on too large (maintenance rate + add-on must stay below 1; add-on ≤ 0.5)")
        }
        if openInterestCap < 0 || concentrationMinOpenInterest < 0 { p.append("\(symbol) risk: sizes must be ≥ 0") }
        if openInterestAlert.raw <= 0 || concentrationAlert.raw <= 0 || concentrationAlert > Rate.one {
            p.append("\(symbol) risk: alert thresholds must be in (0, 1]")
        }
        return p
    }
}

/// Venue-wide platform risk monitoring parameters (RISK-6), from the optional top-level
/// `risk` object of the configuration file, plus one `InstrumentRiskParameters` per
/// instrument.
public struct RiskParameters: Sendable, Hashable {
    /// The risk sweep (volatility sample, add-ons, concentration, open interest, stress
    /// tests, ADL ranks) runs at every multiple of this interval of command time.
    public var sweepIntervalMs: Int64
    /// EWMA decay λ of the volatility (per sweep sample).
    public var ewmaLambda: Rate
    /// Stress scenarios: relative moves of every mark at once (> −1).
    public var stressShocks: [Rate]
    /// Alert when a scenario's shortfall is at least this share of the insurance fund.
    public var insuranceCoverageAlert: Rate
    public var instruments: [InstrumentRiskParameters]

    /// Defaults: a sweep every 60 s, λ = 0.94, scenarios −50%, −30%, +30%, +50%, coverage
    /// alert at 80% of the fund.
    public static func defaults(for specs: [InstrumentSpec]) -> RiskParameters {
        RiskParameters(sweepIntervalMs: 60_000, ewmaLambda: Rate(raw: 94_000_000),
                       stressShocks: [-50_000_000, -30_000_000, 30_000_000, 50_000_000].map { Rate(raw: $0) },
                       insuranceCoverageAlert: Rate(raw: 80_000_000),
                       instruments: specs.map(InstrumentRiskParameters.defaults(for:)))
    }

    /// Monitoring that never alerts nor adds margin (for tests that compare the engine
    /// with a reference model that has no platform risk monitoring).
    public static func quiet(for specs: [InstrumentSpec]) -> RiskParameters {
        var r = defaults(for: specs)
        for i in r.instruments.indices {
            r.instruments[i].volatilityAddOns = MarginAddOnSchedule(steps: [])
            r.instruments[i].openInterestCap = 0
            r.instruments[i].concentrationMinOpenInterest = .max
        }
        r.stressShocks = []
        return r
    }

    func validationProblems(specs: [InstrumentSpec]) -> [String] {
        var p: [String] = []
        if sweepIntervalMs < 1_000 { p.append("risk: sweepIntervalMs must be ≥ 1000") }
        if ewmaLambda.raw <= 0 || ewmaLambda >= Rate.one { p.append("risk: ewmaLambda must be in (0, 1)") }
        if stressShocks.contains(where: { $0.raw <= -Rate.one.raw || $0.raw == 0 || $0.raw > 10 * Rate.one.raw }) {
            p.append("risk: stress shocks must be non-zero, above −1 and at most 10")
        }
        if Set(stressShocks).count != stressShocks.count { p.append("risk: duplicate stress shock") }
        if insuranceCoverageAlert.raw <= 0 { p.append("risk: insuranceCoverageAlert must be positive") }
        for (i, s) in specs.enumerated() { p += instruments[i].validationProblems(symbol: s.symbol, spec: s) }
        return p
    }

    // MARK: - Configuration file

    private struct StepFile: Decodable { let volatility: String; let addOn: String }
    private struct InstrumentFile: Decodable {
        let volatilityAddOns: [StepFile]?
        let openInterestCap: String?
        let openInterestAlert: String?
        let concentrationAlert: String?
        let concentrationMinOpenInterest: String?
    }
    private struct VenueFile: Decodable {
        let sweepIntervalMs: Int64?
        let ewmaLambda: String?
        let stressScenarios: [String]?
        let insuranceCoverageAlert: String?
        let liquidationFeeRate: String?
    }
    private struct File: Decodable {
        struct Instrument: Decodable { let symbol: String; let risk: InstrumentFile? }
        let risk: VenueFile?
        let instruments: [Instrument]
    }

    /// Risk parameters and the liquidation fee rate (nil: default) of a configuration document.
    static func parse(_ data: Data, specs: [InstrumentSpec]) throws -> (RiskParameters, liquidationFeeRate: Rate?) {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw VenueConfig.ConfigError(description: "risk configuration is not valid: \(error)")
        }
        func rate(_ s: String?, _ what: String) throws -> Rate? {
            guard let s else { return nil }
            do { return Rate(raw: try FixedDecimal.parse(s, scale: Rate.scale)) } catch {
                throw VenueConfig.ConfigError(description: "\(what): \(error)")
            }
        }
        func size(_ s: String?, _ spec: InstrumentSpec, _ what: String) throws -> Int64? {
            guard let s else { return nil }
            do { return try FixedDecimal.parse(s, scale: spec.sizeScale) } catch {
                throw VenueConfig.ConfigError(description: "\(spec.symbol) risk \(what): \(error)")
            }
        }
        var r = defaults(for: specs)
        if let v = file.risk {
            if let x = v.sweepIntervalMs { r.sweepIntervalMs = x }
            if let x = try rate(v.ewmaLambda, "risk ewmaLambda") { r.ewmaLambda = x }
            if let x = v.stressScenarios { r.stressShocks = try x.map { try rate($0, "risk stressScenarios")! } }
            if let x = try rate(v.insuranceCoverageAlert, "risk insuranceCoverageAlert") { r.insuranceCoverageAlert = x }
        }
        for (i, spec) in specs.enumerated() {
            guard let f = file.instruments.first(where: { $0.symbol == spec.symbol })?.risk else { continue }
            if let steps = f.volatilityAddOns {
                let parsed = try steps.map {
                    MarginAddOnSchedule.Step(threshold: try rate($0.volatility, "\(spec.symbol) risk volatility")!,
                                             addOn: try rate($0.addOn, "\(spec.symbol) risk addOn")!)
                }
                for k in parsed.indices.dropFirst() where parsed[k].threshold <= parsed[k - 1].threshold || parsed[k].addOn < parsed[k - 1].addOn {
                    throw VenueConfig.ConfigError(description: "\(spec.symbol) risk: add-on steps must have increasing volatility and non-decreasing add-ons")
                }
                r.instruments[i].volatilityAddOns = MarginAddOnSchedule(steps: parsed)
            }
            if let x = try size(f.openInterestCap, spec, "openInterestCap") { r.instruments[i].openInterestCap = x }
            if let x = try rate(f.openInterestAlert, "\(spec.symbol) risk openInterestAlert") { r.instruments[i].openInterestAlert = x }
            if let x = try rate(f.concentrationAlert, "\(spec.symbol) risk concentrationAlert") { r.instruments[i].concentrationAlert = x }
            if let x = try size(f.concentrationMinOpenInterest, spec, "concentrationMinOpenInterest") {
                r.instruments[i].concentrationMinOpenInterest = x
            }
        }
        let problems = r.validationProblems(specs: specs)
        if !problems.isEmpty { throw VenueConfig.ConfigError(description: problems.joined(separator: "; ")) }
        let fee = try rate(file.risk?.liquidationFeeRate, "risk liquidationFeeRate")
        if let fee, fee.raw < 0 || fee.raw > Rate.one.raw / 10 {
            throw VenueConfig.ConfigError(description: "risk liquidationFeeRate must be within 0...0.1")
        }
        return (r, fee)
    }
}
