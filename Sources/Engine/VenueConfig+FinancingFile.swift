import Financing
import Foundation
import HarbourCore

/// The `financing` section of a venue configuration file (FIN-1..5): the collateral list
/// with haircuts, the margin levels, the FIN-3 limits, the credit rule, the call deadline and
/// the forced-sale band, every number a decimal string (rates as fractions, money in the
/// settlement asset). Absent: the built-in defaults (`VenueConfig.standardFinancing`);
/// `"enabled": false`: no financing. Every problem is refused at load with its name — a
/// virtual asset's haircut below 60% with `HAIRCUT_BELOW_VA_FLOOR` and the asset.
struct FinancingFileSection: Decodable {
    struct Collateral: Decodable { let code: String; let kind: String; let decimals: Int; let haircut: String; let group: String? }
    struct Levels: Decodable { let initial: String; let earlyWarning: String; let call: String; let forceSale: String }
    struct Limits: Decodable {
        let clientShareOfCapital: String, clientShareOfLoanBook: String, loanBookShareMinimumBook: String
        let collateralGroupShare: String, collateralShareMinimumPool: String, lendingMultiple: Int64
    }
    struct Rule: Decodable { let volatilityDiscount: String; let liquidFraction: String; let cap: String; let incomeMultiple: Int64? }
    let enabled: Bool?
    let collateral: [Collateral]
    let levels: Levels?
    let limits: Limits
    let creditRule: Rule
    let callDeadlineBusinessDays: Int?
    let forcedSaleBand: String?

    private struct Wrapper: Decodable { let financing: FinancingFileSection? }

    /// The configuration's financing: nil when disabled; the defaults when the file has no section.
    static func parse(_ data: Data, settlement: Asset) throws -> FinancingConfig? {
        let wrapper: Wrapper
        do { wrapper = try JSONDecoder().decode(Wrapper.self, from: data) } catch {
            throw VenueConfig.ConfigError(description: "financing section is not valid: \(error)")
        }
        guard let f = wrapper.financing else { return VenueConfig.standardFinancing }
        if f.enabled == false { return nil }
        func num(_ s: String, _ scale: DecimalScale, _ what: String) throws -> Int64 {
            do { return try FixedDecimal.parse(s, scale: scale) } catch {
                throw VenueConfig.ConfigError(description: "financing \(what): \(error)")
            }
        }
        func rate(_ s: String, _ what: String) throws -> Rate { Rate(raw: try num(s, Rate.scale, what)) }
        func money(_ s: String, _ what: String) throws -> Amount { Amount(raw: try num(s, settlement.scale, what)) }
        do {
            let collateral = try f.collateral.map { c -> CollateralAsset in
                guard let kind = CollateralAsset.Kind(rawValue: c.kind) else {
                    throw VenueConfig.ConfigError(description: "financing collateral \(c.code): kind '\(c.kind)' is not VIRTUAL_ASSET or SECURITY")
                }
                guard (0...18).contains(c.decimals) else { throw VenueConfig.ConfigError(description: "financing collateral \(c.code): decimals 0…18") }
                return CollateralAsset(code: c.code, kind: kind, quantityScale: DecimalScale(c.decimals),
                                       haircut: try rate(c.haircut, "collateral \(c.code) haircut"), group: c.group)
            }
            let l = f.limits
            let limits = try ControlLimits(clientShareOfCapital: try rate(l.clientShareOfCapital, "clientShareOfCapital"),
                                           clientShareOfLoanBook: try rate(l.clientShareOfLoanBook, "clientShareOfLoanBook"),
                                           loanBookShareMinimumBook: try money(l.loanBookShareMinimumBook, "loanBookShareMinimumBook"),
                                           collateralGroupShare: try rate(l.collateralGroupShare, "collateralGroupShare"),
                                           collateralShareMinimumPool: try money(l.collateralShareMinimumPool, "collateralShareMinimumPool"),
                                           lendingMultiple: l.lendingMultiple)
            let r = f.creditRule
            let rule = try CreditLimitRule(volatilityDiscount: try rate(r.volatilityDiscount, "volatilityDiscount"),
                                           liquidFraction: try rate(r.liquidFraction, "liquidFraction"), cap: try money(r.cap, "credit cap"),
                                           incomeMultiple: r.incomeMultiple)
            let levels = try f.levels.map {
                try MarginLevels(initial: try rate($0.initial, "initial level"), earlyWarning: try rate($0.earlyWarning, "early-warning level"),
                                 call: try rate($0.call, "call level"), forceSale: try rate($0.forceSale, "force-sale level"))
            } ?? .standard
            return try FinancingConfig(settlement: settlement, collateral: collateral, levels: levels, limits: limits, creditRule: rule,
                                       callDeadlineBusinessDays: f.callDeadlineBusinessDays ?? 2,
                                       forcedSaleBand: try f.forcedSaleBand.map { try rate($0, "forcedSaleBand") } ?? Rate(raw: 5_000_000))
        } catch let e as VenueConfig.ConfigError {
            throw e
        } catch {
            throw VenueConfig.ConfigError(description: "financing: \(error)")
        }
    }
}
