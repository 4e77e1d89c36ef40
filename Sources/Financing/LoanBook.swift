import Compliance
import HarbourCore

/// The broker's margin-financing book (FIN-1..FIN-6) as one pure, deterministic state
/// machine: clients, loans, collateral prices, the financing ledger and the margin-call
/// index. Every operation takes the command time (ms) and either refuses with a
/// `FinancingRefusal` (changing nothing) or applies and returns the notices it caused.
/// The engine will own one `LoanBook` and put all of it in its snapshot and state hash
/// (docs/FINANCING.md, "What is not wired yet").
public struct LoanBook: Sendable {
    public internal(set) var config: FinancingConfig
    public internal(set) var capital: BrokerCapital
    public internal(set) var clients: [UInt32: MarginClient] = [:]
    public internal(set) var loans: [LoanID: Loan] = [:]
    /// Index price (virtual assets) or reference price (securities), per collateral code.
    public internal(set) var prices: [String: Price] = [:]
    public internal(set) var ledger = FinancingLedger()
    var index = MarginCallIndex()
    /// Running totals for the controls (derived, see `BookTotals`).
    var totals = BookTotals()
    var nextLoan: Int64 = 1
    var nextInstruction: Int64 = 1
    /// The loans the last price change re-evaluated (tests and metrics).
    public internal(set) var lastVisited: [LoanID] = []

    public init(config: FinancingConfig, capital: BrokerCapital) {
        self.config = config
        self.capital = capital
    }

    var settlementCode: String { config.settlement.code }
    var valuation: MarginValuation { config.valuation }

    // MARK: clients and loans

    /// Adds or replaces a client's financing record (assessment, classification, group).
    public mutating func upsert(client: MarginClient) {
        let regrouped = clients[client.account.index].map { $0.groupKey != client.groupKey } ?? false
        clients[client.account.index] = client
        if regrouped { totals = rebuiltTotals() }   // the client's loans count toward its new group
    }

    /// The client's compliance record (PI classification) as the engine's compliance
    /// component has it now; the engine sets it before every financing command.
    public mutating func setCompliance(_ record: ClientComplianceRecord, for account: AccountID) {
        clients[account.index]?.compliance = record
    }

    /// The financing postings made since the last call (the engine moves them onto its
    /// own ledger after every operation).
    public mutating func takePostings() -> [FinancingPosting] { ledger.takePostings() }

    /// The broker's capital figure changed (fed by finance).
    public mutating func setCapital(_ capital: BrokerCapital) { self.capital = capital }

    /// Opens a loan account for a margin client (no money moves until a drawdown).
    public mutating func openLoan(for account: AccountID, at now: Int64) throws(FinancingRefusal) -> LoanID {
        guard let client = clients[account.index] else { throw FinancingRefusal(.unknownClient, "\(account) has no financing record") }
        if let refusal = client.eligibilityRefusal(at: now) { throw refusal }
        let id = LoanID(nextLoan)
        nextLoan += 1
        store(Loan(id: id, account: account, startDay: now.floorDiv(BusinessCalendar.dayMs) - 1))
        return id
    }

    /// Loans of one client, by id.
    public func loans(of account: AccountID) -> [Loan] {   // O(loans): for reports and the API, not the controls
        loans.values.filter { $0.account == account }.sorted { $0.id < $1.id }
    }

    func loan(_ id: LoanID) throws(FinancingRefusal) -> Loan {
        guard let loan = loans[id] else { throw FinancingRefusal(.unknownLoan, "\(id) does not exist") }
        return loan
    }

    func asset(_ code: String) throws(FinancingRefusal) -> CollateralAsset {
        guard let asset = config.collateral[code] else { throw FinancingRefusal(.unknownAsset, "\(code) is not on the collateral list") }
        return asset
    }

    // MARK: cash and collateral

    /// Records an asset (cash or collateral) arriving in a client's free balance: the
    /// operator's deposit, or the spot book's settlement once wired.
    public mutating func deposit(_ account: AccountID, asset code: String, amount raw: Int64) throws(FinancingRefusal) {
        guard raw > 0, raw <= MarginValuation.maxQuantityRaw else { throw FinancingRefusal(.invalidAmount, "a deposit is positive and within bounds") }
        guard code == settlementCode || config.collateral[code] != nil else { throw FinancingRefusal(.unknownAsset, "\(code) is neither the settlement asset nor collateral") }
        ledger.post(.external(asset: code), .clientFree(account: account.index, asset: code), asset: code, raw, .deposit)
    }

    /// A client's free (unpledged) balance of an asset.
    public func freeBalance(_ account: AccountID, asset code: String) -> Int64 {
        ledger.balance(.clientFree(account: account.index, asset: code))
    }

    /// Pledges free collateral to a loan (FIN-2). Pledged collateral leaves the loan only
    /// by `release` or forced sale; there is no path to pledge it again elsewhere.
    /// `available`: the client's free units as the engine's ledger has them (the engine
    /// passes it; standalone, the book's own `clientFree` balance is used).
    public mutating func pledge(_ id: LoanID, asset code: String, quantity: Quantity, available: Int64? = nil,
                                at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        var loan = try loan(id)
        _ = try asset(code)
        guard quantity.raw > 0, quantity.raw <= MarginValuation.maxQuantityRaw else {
            throw FinancingRefusal(.invalidAmount, "a pledge is a positive quantity within bounds")
        }
        let free = available ?? freeBalance(loan.account, asset: code)
        guard free >= quantity.raw else {
            throw FinancingRefusal(.insufficientBalance, "\(loan.account) has \(units(free, code)) free, not \(units(quantity.raw, code))",
                                   figures: ["free": free, "requested": quantity.raw])
        }
        ledger.post(.clientFree(account: loan.account.index, asset: code), .pledged(loan: id.raw, asset: code), asset: code, quantity.raw, .pledge)
        loan.collateral[code, default: .zero] = loan.collateral[code, default: .zero] + quantity
        store(loan)
        return evaluate(id, at: now)
    }

    /// Releases pledged collateral to the client's free balance, refused when the loan
    /// would be left below the initial level (FIN-2) or the quantity is in a forced sale.
    public mutating func release(_ id: LoanID, asset code: String, quantity: Quantity, at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        var loan = try loan(id)
        let held = loan.collateral[code] ?? .zero
        let inSale = loan.quantityInSale(code)
        guard quantity.raw > 0 else { throw FinancingRefusal(.invalidAmount, "a release is a positive quantity") }
        guard quantity.raw <= held.raw - inSale.raw else {
            let code2: FinancingRefusal.Code = quantity.raw <= held.raw ? .collateralInForcedSale : .insufficientBalance
            throw FinancingRefusal(code2, "\(id) has \(units(held.raw, code)) pledged, \(units(inSale.raw, code)) of it in a forced sale; cannot release \(units(quantity.raw, code))",
                                   figures: ["pledged": held.raw, "inForcedSale": inSale.raw, "requested": quantity.raw])
        }
        var after = loan
        after.collateral[code] = held - quantity
        if after.amountOwed > .zero {
            let value = marginValue(after)
            let required = MarginLevels.required(loan: after.amountOwed, at: config.levels.initial)
            guard Int128(value.raw) >= required else {
                throw FinancingRefusal(.releaseWouldUnderMargin,
                                       "releasing \(quantity.raw) \(code) leaves margin value \(value.raw) below \(required) (loan \(after.amountOwed.raw) × initial level \(config.levels.initial.formatted))",
                                       figures: ["marginValueAfter": value.raw, "required": required.clampedInt64, "loan": after.amountOwed.raw])
            }
        }
        ledger.post(.pledged(loan: id.raw, asset: code), .clientFree(account: loan.account.index, asset: code), asset: code, quantity.raw, .release)
        loan.collateral[code] = held - quantity
        if loan.collateral[code] == .zero { loan.collateral[code] = nil }
        store(loan)
        return evaluate(id, at: now)
    }

    // MARK: loans

    /// Draws `amount` of the settlement asset to the client's cash (FIN-4), after the
    /// eligibility checks and the seven controls (`drawdownRefusal`).
    public mutating func drawdown(_ id: LoanID, amount: Amount, at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        if let refusal = drawdownRefusal(id, amount: amount, at: now) { throw refusal }
        accrue(id, at: now)
        var loan = loans[id]!
        ledger.post(.loanPrincipal(loan: id.raw, asset: settlementCode), .clientFree(account: loan.account.index, asset: settlementCode),
                    asset: settlementCode, amount.raw, .drawdown)
        loan.principal = loan.principal + amount
        store(loan)
        return evaluate(id, at: now)
    }

    /// Repays from the client's cash: accrued interest first, then principal (FIN-4).
    /// Repaying more than is owed is refused.
    /// `available`: the client's free cash as the engine's ledger has it (see `pledge`).
    public mutating func repay(_ id: LoanID, amount: Amount, available: Int64? = nil, at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        var loan = withInterestAccrued(try loan(id), at: now)
        guard amount > .zero else { throw FinancingRefusal(.invalidAmount, "a repayment is positive") }
        guard amount <= loan.amountOwed else {
            throw FinancingRefusal(.invalidAmount, "\(id) owes \(loan.amountOwed.raw); cannot repay \(amount.raw)",
                                   figures: ["owed": loan.amountOwed.raw, "requested": amount.raw])
        }
        let cash = available ?? freeBalance(loan.account, asset: settlementCode)
        guard cash >= amount.raw else {
            throw FinancingRefusal(.insufficientBalance, "\(loan.account) has \(cash) cash, not \(amount.raw)", figures: ["cash": cash, "requested": amount.raw])
        }
        accrue(id, at: now)
        loan = loans[id]!
        let client = FinancingBook.clientFree(account: loan.account.index, asset: settlementCode)
        let toInterest = min(amount, loan.accruedInterest)
        ledger.post(client, .accruedInterest(loan: id.raw, asset: settlementCode), asset: settlementCode, toInterest.raw, .repayment)
        ledger.post(client, .loanPrincipal(loan: id.raw, asset: settlementCode), asset: settlementCode, (amount - toInterest).raw, .repayment)
        loan.accruedInterest = loan.accruedInterest - toInterest
        loan.principal = loan.principal - (amount - toInterest)
        store(loan)
        return evaluate(id, at: now)
    }

    // MARK: four-eyes changes

    /// Applies a change a different checker approved (REG-4): a haircut (the VA floor still
    /// holds; every loan holding the asset is re-evaluated at once, which may call them)
    /// or new limits.
    public mutating func apply(_ request: FourEyesRequest<FinancingChange>, at now: Int64) throws(FinancingError) -> [MarginNotice] {
        guard case .approved = request.state else { throw .requestNotApproved("request \(request.id) is not approved by a checker") }
        switch request.change {
        case let .limits(limits):
            config.limits = limits
            return []
        case let .haircut(code, rate):
            guard var asset = config.collateral[code] else { throw .unknownAsset(code) }
            try CollateralAsset.validate(haircut: rate, for: code, kind: asset.kind)
            asset.haircut = rate
            config.collateral[code] = asset
            var notices: [MarginNotice] = []
            for id in loans.keys.sorted() where loans[id]!.collateral[code] != nil {
                notices += evaluate(id, at: now)
            }
            return notices
        }
    }
}
