import HarbourCore

/// A FIN-3 limit the loan book is over without a drawdown having caused it (prices moved,
/// interest was capitalised, capital changed): an alert for the risk team, raised at once
/// (`LoanBook.breaches`). Uses the same codes as a drawdown refusal.
public struct ControlBreach: Sendable, Hashable, CustomStringConvertible {
    public let code: FinancingRefusal.Code
    /// What is over the limit: "client:3", a related group, a collateral group, or "book".
    public let subject: String
    public let message: String
    public let figures: [String: Int64]

    public var description: String { "\(code.rawValue) \(subject): \(message)" }

    /// The figure that is over the limit and the limit (settlement raw units; a share limit
    /// applied to its base, rounded down) under `limits`, for the risk alert history.
    public func measured(under limits: ControlLimits) -> (value: Int64, limit: Int64) {
        func share(_ base: Int64, _ rate: Rate) -> Int64 {
            (Int128(base) * Int128(rate.raw)).divided(by: Int128(Rate.one.raw), rounding: .down).clampedInt64
        }
        switch code {
        case .creditLimitExceeded: return (figures["owed"] ?? 0, figures["limit"] ?? 0)
        case .clientCapitalShareExceeded: return (figures["groupTotal"] ?? 0, figures["cap"] ?? 0)
        case .clientLoanBookShareExceeded: return (figures["groupTotal"] ?? 0, share(figures["book"] ?? 0, limits.clientShareOfLoanBook))
        case .collateralConcentrationExceeded: return (figures["groupValue"] ?? 0, share(figures["pledgedTotal"] ?? 0, limits.collateralGroupShare))
        case .lendingCapacityExceeded: return (figures["book"] ?? 0, figures["capacity"] ?? 0)
        default: return (0, 0)
        }
    }
}
