import Engine
import Financing
import HarbourCore

/// The JSON of margin-financing state (FIN-1..6) for the API and the CLI report: a loan
/// with its collateral valued at the current prices and haircuts, its margin ratio and
/// zone, the open call and pending forced sales; the loan book with its totals, the FIN-3
/// control breaches and the stress scenarios. Money in the settlement asset's decimals,
/// quantities in the asset's, rates and ratios as decimal fractions (8 places).
public enum FinancingJSON {
    static func rate(_ raw: Int64) -> JSON { .string(FixedDecimal.format(raw, scale: DecimalScale(8))) }

    /// Margin value ÷ amount owed, rounded down to 1e-8 (null when nothing is owed).
    static func ratio(_ value: Amount, _ owed: Amount) -> JSON {
        guard owed.raw > 0 else { return .null }
        return rate(Int64(clamping: (Int128(value.raw) * Int128(Rate.one.raw)) / Int128(owed.raw)))
    }

    public static func loan(_ loan: Loan, book: LoanBook, engine: Engine) -> JSON {
        let asset = engine.config.settlementAsset
        let money = { (a: Amount) -> JSON in .string(Fmt.money(a.raw, asset)) }
        let collateral: [JSON] = loan.collateralCodes.map { code in
            let q = loan.collateral[code]!
            let c = book.config.collateral[code]
            let price = book.prices[code]
            return .object([("asset", .string(code)), ("qty", .string(FixedDecimal.format(q.raw, scale: engine.assetScale(code)))),
                            ("price", price.map { .string(Fmt.money($0.raw, asset)) } ?? .null),
                            ("haircut", c.map { rate($0.haircut.raw) } ?? .null)])
        }
        let value = book.marginValue(loan)
        let sales: [JSON] = loan.pendingSales.map { s in
            .object([("instruction", .int(s.id)), ("asset", .string(s.asset)),
                     ("qty", .string(FixedDecimal.format(s.quantity.raw, scale: engine.assetScale(s.asset)))),
                     ("venue", .string(s.venue.rawValue)), ("limitPrice", .string(Fmt.money(s.limitPrice.raw, asset))),
                     ("cause", .string(s.cause.rawValue)), ("issuedAt", .int(s.issuedAt))])
        }
        return .object([
            ("loan", .int(loan.id.raw)), ("account", .string(engine.accountName(loan.account))),
            ("principal", money(loan.principal)), ("accruedInterest", money(loan.accruedInterest)), ("owed", money(loan.amountOwed)),
            ("collateral", .array(collateral)), ("marketValue", money(book.marketValue(loan))), ("marginValue", money(value)),
            ("marginRatio", ratio(value, loan.amountOwed)), ("zone", .string(zoneName(loan.zone))),
            ("call", loan.call.map { c in .object([("openedAt", .int(c.openedAt)), ("deadline", .int(c.deadline))]) } ?? .null),
            ("pendingForcedSales", .array(sales)),
        ])
    }

    static func zoneName(_ z: MarginZone) -> String {
        switch z {
        case .healthy: return "healthy"
        case .earlyWarning: return "earlyWarning"
        case .call: return "call"
        case .forceSale: return "forceSale"
        }
    }

    /// The margin levels and interest terms every loan is judged by.
    static func terms(_ book: LoanBook) -> JSON {
        let l = book.config.levels
        return .object([("initial", rate(l.initial.raw)), ("earlyWarning", rate(l.earlyWarning.raw)), ("call", rate(l.call.raw)),
                        ("forceSale", rate(l.forceSale.raw)), ("callDeadlineBusinessDays", .int(Int64(book.config.callDeadlineBusinessDays))),
                        ("forcedSaleBand", rate(book.config.forcedSaleBand.raw))])
    }

    /// One client's loans, with the levels they are judged by.
    public static func clientLoans(_ account: AccountID, engine: Engine) -> JSON {
        guard let book = engine.loanBook else { return .object([("loans", .array([]))]) }
        let client = book.clients[account.index]
        return .object([
            ("marginClient", .bool(client?.marginAgreement != nil)),
            ("creditLimit", client?.credit.map { .string(Fmt.money($0.approvedLimit.raw, engine.config.settlementAsset)) } ?? .null),
            ("annualRate", client.map { rate($0.annualRate.raw) } ?? .null),
            ("levels", terms(book)),
            ("loans", .array(book.loans(of: account).map { loan($0, book: book, engine: engine) })),
        ])
    }

    /// The whole loan book (staff): every loan, totals, capital and the FIN-3 breaches now.
    public static func loanBook(engine: Engine) -> JSON {
        guard let book = engine.loanBook else { return .object([("enabled", false)]) }
        let asset = engine.config.settlementAsset
        let loans = book.loans.keys.sorted().map { book.loans[$0]! }
        let calls = loans.filter { $0.call != nil }.count
        let breaches: [JSON] = book.breaches().map { b in
            .object([("code", .string(b.code.rawValue)), ("subject", .string(b.subject)), ("message", .string(b.message)),
                     ("figures", .object(b.figures.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))])
        }
        return .object([
            ("enabled", true), ("capital", .string(Fmt.money(book.capital.figure.raw, asset))),
            ("loanBook", .string(Fmt.money(book.loanBookTotal.raw, asset))), ("loans", .int(Int64(loans.count))),
            ("openCalls", .int(Int64(calls))), ("levels", terms(book)), ("breaches", .array(breaches)),
            ("items", .array(loans.map { loan($0, book: book, engine: engine) })),
        ])
    }

    /// The standard stress scenarios (FIN-6) on the book as it is.
    public static func stress(engine: Engine) -> JSON {
        guard let book = engine.loanBook else { return .array([]) }
        let asset = engine.config.settlementAsset
        return .array(StressScenario.standard(for: book.config).map { scenario in
            let r = book.stressTest(scenario)
            return .object([
                ("scenario", .string(scenario.name)),
                ("shocks", .object(scenario.shocks.sorted { $0.key < $1.key }.map { ($0.key, rate($0.value.raw)) })),
                ("marginShortfall", .string(Fmt.money(r.totalMarginShortfall.raw, asset))),
                ("uncoveredLoss", .string(Fmt.money(r.totalUncoveredLoss.raw, asset))),
                ("loansUnderWater", .int(Int64(r.loansUnderWater))),
                ("capital", .string(Fmt.money(r.capital.raw, asset))),
                ("capitalAtRiskShare", rate(r.capitalAtRiskShare.raw)), ("shortfallShareOfCapital", rate(r.shortfallShareOfCapital.raw)),
                ("clients", .array(r.clients.map { c in
                    .object([("account", .string(engine.accountName(c.account))), ("loan", .string(Fmt.money(c.loan.raw, asset))),
                             ("shockedMarginValue", .string(Fmt.money(c.shockedMarginValue.raw, asset))),
                             ("marginShortfall", .string(Fmt.money(c.marginShortfall.raw, asset))),
                             ("uncoveredLoss", .string(Fmt.money(c.uncoveredLoss.raw, asset)))])
                })),
            ])
        })
    }
}
