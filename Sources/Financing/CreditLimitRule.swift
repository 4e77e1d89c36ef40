import HarbourCore

/// The documented rule that sets a client's credit limit from the declared figures
/// (FIN-1). All amounts in settlement-asset raw units.
///
///     adjusted non-fiat  = non-fiat × (1 − volatilityDiscount), rounded down
///     adjusted liquid NW = max(0, liquid fiat + adjusted liquid non-fiat − liabilities)
///     rule limit         = min(cap, adjusted liquid NW × liquidFraction (rounded down),
///                              annual income × incomeMultiple, if an income multiple is set)
///
/// Nothing in it depends on virtual-asset financing existing: the limit is the client's
/// one limit for all margin lending by the broker (securities and virtual-asset), so VA
/// financing can only use headroom the client already had, never add to it.
public struct CreditLimitRule: Sendable, Hashable {
    /// Discount applied to non-fiat (virtual and other volatile) assets in the declaration.
    public let volatilityDiscount: Rate
    /// Fraction of adjusted liquid net worth the broker lends at most.
    public let liquidFraction: Rate
    /// Absolute cap per client.
    public let cap: Amount
    /// Optional cap as a multiple of declared annual income.
    public let incomeMultiple: Int64?

    public init(volatilityDiscount: Rate, liquidFraction: Rate, cap: Amount, incomeMultiple: Int64? = nil) throws(FinancingError) {
        guard volatilityDiscount >= .zero, volatilityDiscount <= .one else {
            throw .invalidCreditRule("the volatility discount is between 0% and 100%, not \(volatilityDiscount.formatted)")
        }
        guard liquidFraction > .zero, liquidFraction <= .one else {
            throw .invalidCreditRule("the liquid fraction is in (0%, 100%], not \(liquidFraction.formatted)")
        }
        guard cap > .zero else { throw .invalidCreditRule("the cap is positive") }
        if let incomeMultiple, incomeMultiple <= 0 { throw .invalidCreditRule("the income multiple is positive") }
        self.volatilityDiscount = volatilityDiscount
        self.liquidFraction = liquidFraction
        self.cap = cap
        self.incomeMultiple = incomeMultiple
    }

    /// Non-fiat assets after the volatility discount, rounded down (never overstated).
    public func adjusted(nonFiat: Amount) -> Amount {
        Rate(raw: Rate.one.raw - volatilityDiscount.raw).apply(to: nonFiat, rounding: .down)
    }

    /// Adjusted net worth: fiat + discounted non-fiat − liabilities (may be negative).
    public func adjustedNetWorth(_ declared: DeclaredFinancials) -> Amount {
        declared.netWorthFiat.amount + adjusted(nonFiat: declared.netWorthNonFiat.amount) - declared.liabilities.amount
    }

    /// Adjusted liquid net worth, floored at zero.
    public func adjustedLiquidNetWorth(_ declared: DeclaredFinancials) -> Amount {
        let value = declared.liquidFiat.amount + adjusted(nonFiat: declared.liquidNonFiat.amount) - declared.liabilities.amount
        return max(.zero, value)
    }

    /// The highest limit staff may approve without a waiver.
    public func limit(for declared: DeclaredFinancials) -> Amount {
        var limit = min(cap, liquidFraction.apply(to: adjustedLiquidNetWorth(declared), rounding: .down))
        if let incomeMultiple {
            let byIncome = Int128(declared.annualIncome.amount.raw) * Int128(incomeMultiple)
            limit = min(limit, Amount(raw: byIncome.clampedInt64))
        }
        return max(.zero, min(limit, max(.zero, adjustedNetWorth(declared))))
    }
}

/// An exact amount with the date it was declared or evidenced (ms).
public struct DatedAmount: Sendable, Hashable {
    public let amount: Amount
    public let asOf: Int64
    public init(_ amount: Amount, asOf: Int64) {
        self.amount = amount
        self.asOf = asOf
    }
}

/// What a client declared for the credit assessment (FIN-1), each figure exact with its
/// date. Liquid assets are the part of net worth that can be sold at short notice; the
/// non-fiat parts (virtual assets and other volatile holdings) are discounted by the rule.
public struct DeclaredFinancials: Sendable, Hashable {
    public let netWorthFiat: DatedAmount
    public let netWorthNonFiat: DatedAmount
    public let liquidFiat: DatedAmount
    public let liquidNonFiat: DatedAmount
    public let annualIncome: DatedAmount
    public let liabilities: DatedAmount

    public init(netWorthFiat: DatedAmount, netWorthNonFiat: DatedAmount, liquidFiat: DatedAmount, liquidNonFiat: DatedAmount,
                annualIncome: DatedAmount, liabilities: DatedAmount) throws(FinancingError) {
        for (name, figure) in [("net worth (fiat)", netWorthFiat), ("net worth (non-fiat)", netWorthNonFiat), ("liquid fiat", liquidFiat),
                               ("liquid non-fiat", liquidNonFiat), ("annual income", annualIncome), ("liabilities", liabilities)]
        where figure.amount < .zero {
            throw .invalidAmount("\(name) is declared as a non-negative amount")
        }
        guard liquidFiat.amount <= netWorthFiat.amount, liquidNonFiat.amount <= netWorthNonFiat.amount else {
            throw .invalidAmount("liquid assets are part of net worth and cannot exceed it")
        }
        self.netWorthFiat = netWorthFiat
        self.netWorthNonFiat = netWorthNonFiat
        self.liquidFiat = liquidFiat
        self.liquidNonFiat = liquidNonFiat
        self.annualIncome = annualIncome
        self.liabilities = liabilities
    }
}
