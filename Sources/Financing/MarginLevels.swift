import HarbourCore

/// The margin ratios (margin value ÷ loan, 1e-8 units) that move a loan between states
/// (FIN-5). Defaults: a drawdown or release must leave 120%; early warning below 110%;
/// margin call below 100% ("below the loan"); forced sale below 85%.
public struct MarginLevels: Sendable, Hashable {
    public let initial: Rate
    public let earlyWarning: Rate
    public let call: Rate
    public let forceSale: Rate

    public init(initial: Rate, earlyWarning: Rate, call: Rate, forceSale: Rate) throws(FinancingError) {
        guard initial >= earlyWarning, earlyWarning > call, call > forceSale, forceSale > .zero else {
            throw .invalidLevels("levels must satisfy initial ≥ early warning > call > force sale > 0 (got \(initial.formatted), \(earlyWarning.formatted), \(call.formatted), \(forceSale.formatted))")
        }
        guard call >= .one else { throw .invalidLevels("the call level is at least 100%: a call is due when the margin value falls below the loan (FIN-5)") }
        self.initial = initial
        self.earlyWarning = earlyWarning
        self.call = call
        self.forceSale = forceSale
    }

    // swiftlint:disable:next force_try
    public static let standard = try! MarginLevels(initial: Rate(raw: 120_000_000), earlyWarning: Rate(raw: 110_000_000),
                                                   call: Rate(raw: 100_000_000), forceSale: Rate(raw: 85_000_000))

    /// `loan × ratio`, rounded up: the margin a loan needs at a level is never understated.
    public static func required(loan: Amount, at ratio: Rate) -> Int128 {
        (Int128(loan.raw) * Int128(ratio.raw)).divided(by: Int128(Rate.one.raw), rounding: .up)
    }
}
