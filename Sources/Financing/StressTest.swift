import HarbourCore

/// A price-shock scenario for the loan-book stress test (FIN-6): a change per collateral
/// asset (−20% = −20_000_000); assets not named keep their price.
public struct StressScenario: Sendable, Hashable {
    public let name: String
    public let shocks: [String: Rate]

    public init(name: String, shocks: [String: Rate]) {
        self.name = name
        self.shocks = shocks
    }

    /// The default set: virtual assets −20%, −40%, −60% (securities unchanged), and the
    /// same three with every collateral asset shocked.
    public static func standard(for config: FinancingConfig) -> [StressScenario] {
        let all = config.collateral.keys.sorted()
        let virtual = all.filter { config.collateral[$0]!.kind == .virtualAsset }
        return [20, 40, 60].flatMap { percent -> [StressScenario] in
            let shock = Rate(raw: -Int64(percent) * 1_000_000)
            return [StressScenario(name: "VA -\(percent)%", shocks: Dictionary(uniqueKeysWithValues: virtual.map { ($0, shock) })),
                    StressScenario(name: "ALL -\(percent)%", shocks: Dictionary(uniqueKeysWithValues: all.map { ($0, shock) }))]
        }
    }
}

/// The result of one scenario (FIN-6), per client and in total, in settlement raw units.
public struct StressResult: Sendable, Hashable {
    public struct ClientLine: Sendable, Hashable {
        public let account: AccountID
        public let loan: Amount
        public let shockedMarketValue: Amount
        public let shockedMarginValue: Amount
        /// loan − margin value after haircuts, when positive: what a call would demand.
        public let marginShortfall: Amount
        /// loan − market value, when positive: lost even if all collateral sold at the shocked price.
        public let uncoveredLoss: Amount
        /// Loans of the client whose shocked margin value is below what they owe.
        public let loansUnderWater: Int
    }

    public let scenario: StressScenario
    public let clients: [ClientLine]
    public let totalMarginShortfall: Amount
    public let totalUncoveredLoss: Amount
    public let loansUnderWater: Int
    public let capital: Amount
    /// Uncovered loss ÷ broker capital, 1e-8 units, rounded up (risk never understated).
    public let capitalAtRiskShare: Rate
    /// Margin shortfall ÷ broker capital, rounded up.
    public let shortfallShareOfCapital: Rate
}

extension LoanBook {
    /// Shocked price = price × (1 + shock), rounded down, at least one unit.
    static func shocked(_ price: Price, by shock: Rate) -> Price {
        let value = (Int128(price.raw) * Int128(Rate.one.raw + shock.raw)).divided(by: Int128(Rate.one.raw), rounding: .down)
        return Price(raw: max(1, Int64(value)))
    }

    /// Runs one scenario over the whole book (read-only; on demand and by the monthly schedule).
    public func stressTest(_ scenario: StressScenario) -> StressResult {
        var book = self
        for (code, shock) in scenario.shocks.sorted(by: { $0.key < $1.key }) {
            if let price = prices[code] { book.prices[code] = Self.shocked(price, by: shock) }
        }
        var lines: [StressResult.ClientLine] = []
        for account in Set(loans.values.map(\.account)).sorted() {
            var owed = Amount.zero, market = Amount.zero, margin = Amount.zero, shortfall = Amount.zero, uncovered = Amount.zero
            var underWater = 0
            for loan in loans(of: account) where loan.amountOwed > .zero {
                let loanMargin = book.marginValue(loan), loanMarket = book.marketValue(loan)
                owed = owed + loan.amountOwed
                market = market + loanMarket
                margin = margin + loanMargin
                shortfall = shortfall + max(.zero, loan.amountOwed - loanMargin)
                uncovered = uncovered + max(.zero, loan.amountOwed - loanMarket)
                if loanMargin < loan.amountOwed { underWater += 1 }
            }
            guard owed > .zero else { continue }
            lines.append(.init(account: account, loan: owed, shockedMarketValue: market, shockedMarginValue: margin,
                               marginShortfall: shortfall, uncoveredLoss: uncovered, loansUnderWater: underWater))
        }
        let totalShortfall = lines.reduce(Amount.zero) { $0 + $1.marginShortfall }
        let totalUncovered = lines.reduce(Amount.zero) { $0 + $1.uncoveredLoss }
        let capitalFigure = capital.figure
        func share(_ value: Amount) -> Rate {
            guard capitalFigure > .zero else { return value > .zero ? Rate(raw: .max) : .zero }
            return Rate(raw: (Int128(value.raw) * Int128(Rate.one.raw)).divided(by: Int128(capitalFigure.raw), rounding: .up).clampedInt64)
        }
        return StressResult(scenario: scenario, clients: lines, totalMarginShortfall: totalShortfall, totalUncoveredLoss: totalUncovered,
                            loansUnderWater: lines.reduce(0) { $0 + $1.loansUnderWater }, capital: capitalFigure,
                            capitalAtRiskShare: share(totalUncovered), shortfallShareOfCapital: share(totalShortfall))
    }
}
