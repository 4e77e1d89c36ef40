import HarbourCore

/// A contract's ordered risk-limit tier table (RISK-1), validated at construction.
///
/// Tiers are ordered by increasing cap, with non-decreasing maintenance margin rates and
/// non-increasing max leverage. Build one with `derivingMaintenanceAmounts` so the
/// maintenance amounts follow Binance's recurrence and MM is continuous at every bound.
public struct RiskTierTable: Sendable, Hashable {
    /// The tiers, lowest notional first.
    public let tiers: [RiskTier]

    /// Why a tier table was refused.
    public enum ConfigurationError: Error, Equatable, Sendable {
        case empty
        case capsNotIncreasing(tier: Int)
        case ratesDecreasing(tier: Int)
        case leverageIncreasing(tier: Int)
        case lengthMismatch
    }

    /// Uses the given tiers as they are (maintenance amounts included).
    public init(tiers: [RiskTier]) throws(ConfigurationError) {
        if tiers.isEmpty { throw .empty }
        for i in tiers.indices.dropFirst() {
            if tiers[i].notionalCap <= tiers[i - 1].notionalCap { throw .capsNotIncreasing(tier: i) }
            if tiers[i].maintenanceMarginRate < tiers[i - 1].maintenanceMarginRate { throw .ratesDecreasing(tier: i) }
            if tiers[i].maxLeverage > tiers[i - 1].maxLeverage { throw .leverageIncreasing(tier: i) }
        }
        self.tiers = tiers
    }

    /// Builds the table from caps, rates and leverages, deriving each tier's maintenance
    /// amount with `maintenanceAmounts(caps:rates:)`.
    public static func derivingMaintenanceAmounts(
        caps: [Amount], rates: [Rate], maxLeverages: [Int64]
    ) throws(ConfigurationError) -> RiskTierTable {
        guard caps.count == rates.count, caps.count == maxLeverages.count else { throw .lengthMismatch }
        if caps.isEmpty { throw .empty }
        let cums = maintenanceAmounts(caps: caps, rates: rates)
        var tiers: [RiskTier] = []
        tiers.reserveCapacity(caps.count)
        for i in caps.indices {
            tiers.append(RiskTier(notionalCap: caps[i], maintenanceMarginRate: rates[i],
                                  maxLeverage: maxLeverages[i], maintenanceAmount: cums[i]))
        }
        return try RiskTierTable(tiers: tiers)
    }

    /// Binance's maintenance-amount recurrence:
    /// `cum[0] = 0`, `cum[n] = cap[n−1] × (mmr[n] − mmr[n−1]) + cum[n−1]`
    /// (the floor of tier n is the cap of tier n−1). Each product is divided by 1e8
    /// rounding **down**: a smaller deduction means a larger maintenance margin, so any
    /// remainder favours the platform by less than one unit.
    public static func maintenanceAmounts(caps: [Amount], rates: [Rate]) -> [Amount] {
        precondition(caps.count == rates.count, "caps and rates must have the same length")
        var out: [Amount] = []
        out.reserveCapacity(caps.count)
        var cum: Int64 = 0
        for i in caps.indices {
            if i > 0 {
                let delta = Int128(rates[i].raw - rates[i - 1].raw)
                let step = (Int128(caps[i - 1].raw) * delta).divided(by: Int128(Rate.one.raw), rounding: .down)
                cum += Int64(step)
            }
            out.append(Amount(raw: cum))
        }
        return out
    }

    /// Index of the tier whose range contains `notional` (`previous cap < notional ≤ cap`;
    /// zero and negative notionals fall in the first tier); nil above the last cap, where
    /// no position is allowed.
    public func tierIndex(for notional: Amount) -> Int? {
        for i in tiers.indices where notional <= tiers[i].notionalCap { return i }
        return nil
    }

    /// The tier containing `notional`, or nil above the last cap.
    public func tier(for notional: Amount) -> RiskTier? {
        tierIndex(for: notional).map { tiers[$0] }
    }

    /// The lower bound (exclusive) of tier `i`: the previous tier's cap, or zero.
    public func floor(ofTier i: Int) -> Amount {
        i == 0 ? .zero : tiers[i - 1].notionalCap
    }
}
