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
}
