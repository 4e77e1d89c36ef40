import Compliance
import HarbourCore

/// The financing book's one state description (engine snapshot, restore and state hash):
/// the mutable configuration (haircuts, limits), the broker's capital, collateral prices,
/// clients, loans (with their interest accrual and margin state), the financing ledger's
/// balances and the id counters — each in a canonical order. The margin-call index is
/// derived and rebuilt after reading; each client's compliance record is the engine's
/// (it sets it before every financing command), so it is not coded here.
extension LoanBook {
    public mutating func code<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        try codeConfiguration(&c)
        try codeCapital(&c)
        try codePrices(&c)
        try codeClients(&c)
        try codeLoans(&c)
        try codeLedger(&c)
        try c.code(&nextLoan)
        try c.code(&nextInstruction)
        try c.require(nextLoan >= 1 && nextInstruction >= 1, "financing id counters \(nextLoan), \(nextInstruction)")
        try c.require(loans.keys.allSatisfy { $0.raw < nextLoan }, "a loan id at or above the next loan id")
        if c.isReading {
            index = rebuiltIndex()
            totals = rebuiltTotals()
            lastVisited = []
        }
    }

    private mutating func codeConfiguration<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        let codes = config.collateral.keys.sorted()
        var n = codes.count
        try c.codeCount(&n)
        try c.require(n == codes.count, "\(n) collateral haircuts for \(codes.count) configured assets")
        for code in codes {
            var asset = config.collateral[code]!
            var haircut = asset.haircut
            try c.code(&haircut)
            if c.isReading {
                do { try CollateralAsset.validate(haircut: haircut, for: code, kind: asset.kind) } catch { throw c.corrupt("haircut of \(code): \(error)") }
                asset.haircut = haircut
                config.collateral[code] = asset
            }
        }
        let l = config.limits
        var shares = [l.clientShareOfCapital, l.clientShareOfLoanBook, l.collateralGroupShare]
        for k in shares.indices { try c.code(&shares[k]) }
        var minimums = [l.loanBookShareMinimumBook, l.collateralShareMinimumPool]
        for k in minimums.indices { try c.code(&minimums[k]) }
        var multiple = l.lendingMultiple
        try c.code(&multiple)
        if c.isReading {
            do {
                config.limits = try ControlLimits(clientShareOfCapital: shares[0], clientShareOfLoanBook: shares[1], loanBookShareMinimumBook: minimums[0],
                                                  collateralGroupShare: shares[2], collateralShareMinimumPool: minimums[1], lendingMultiple: multiple)
            } catch { throw c.corrupt("financing limits: \(error)") }
        }
    }

    private mutating func codeCapital<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        var n = capital.items.count
        try c.codeCount(&n)
        var items: [BrokerCapital.Item] = []
        for k in 0..<n {
            let item = c.isReading ? nil : capital.items[k]
            var name = item?.name ?? "", kind = item?.kind.rawValue ?? "", value = item?.value ?? .zero
            try c.code(&name)
            try c.code(&kind)
            try c.code(&value)
            guard let parsed = BrokerCapital.Kind(rawValue: kind) else { throw c.corrupt("capital item kind '\(kind)'") }
            items.append(BrokerCapital.Item(name: name, kind: parsed, value: value))
        }
        if c.isReading { capital = BrokerCapital(items: items) }
    }

    private mutating func codePrices<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        let codes = try c.code(sorted: prices.keys.sorted())
        var out: [String: Price] = [:]
        for code in codes {
            var price = prices[code] ?? Price(raw: 0)
            try c.code(&price)
            try c.require(config.collateral[code] != nil && price.raw > 0, "price of \(code)")
            out[code] = price
        }
        if c.isReading { prices = out }
    }

    private mutating func codeClients<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        let accounts = clients.keys.sorted()
        var n = accounts.count
        try c.codeCount(&n)
        var out: [UInt32: MarginClient] = [:]
        for k in 0..<n {
            let existing = c.isReading ? nil : clients[accounts[k]]
            var account = existing?.account ?? AccountID(0)
            var agreement = existing?.marginAgreement, group = existing?.relatedGroup
            var securities = existing?.securitiesMarginLoans ?? .zero, rate = existing?.annualRate ?? .zero
            var settlement = existing?.interestSettlement.rawValue ?? ""
            try c.code(&account)
            try c.code(&agreement)
            try c.code(&group)
            try c.code(&securities)
            try c.code(&rate)
            try c.code(&settlement)
            guard let choice = MarginClient.InterestSettlement(rawValue: settlement) else { throw c.corrupt("interest settlement '\(settlement)'") }
            let credit = try Self.code(credit: existing?.credit, &c)
            try c.require(out[account.index] == nil, "financing client \(account) twice")
            out[account.index] = MarginClient(account: account, marginAgreement: agreement, compliance: existing?.compliance ?? ClientComplianceRecord(),
                                              credit: credit, relatedGroup: group, securitiesMarginLoans: securities, annualRate: rate,
                                              interestSettlement: choice)
        }
        if c.isReading { clients = out }
    }

    private static func code<C: FinancingStateCoder>(credit: CreditAssessment?, _ c: inout C) throws(C.Failure) -> CreditAssessment? {
        var present = credit != nil
        try c.code(&present)
        guard present else { return nil }
        let declared = try code(declared: credit?.declared, &c)
        var rule = credit?.ruleLimit ?? .zero, approved = credit?.approvedLimit ?? .zero
        var assessed = credit?.assessedAt ?? 0, review = credit?.reviewDueAt ?? 0, by = credit?.approvedBy ?? ""
        try c.code(&rule)
        try c.code(&approved)
        try c.code(&assessed)
        try c.code(&review)
        try c.code(&by)
        var hasWaiver = credit?.waiver != nil
        try c.code(&hasWaiver)
        var waiver: CreditWaiver?
        if hasWaiver {
            let w = credit?.waiver
            let wDeclared = try code(declared: w?.declared, &c)
            var limit = w?.limit ?? .zero, due = w?.reviewDueAt ?? 0
            var maker = w?.maker, reason = w?.reason
            try c.code(&limit)
            try c.code(&due)
            try c.code(&maker)
            try c.code(&reason)
            waiver = CreditWaiver(declared: wDeclared, limit: limit, reviewDueAt: due, maker: maker, reason: reason)
        }
        return CreditAssessment(declared: declared, ruleLimit: rule, approvedLimit: approved, assessedAt: assessed, reviewDueAt: review,
                                approvedBy: by, waiver: waiver)
    }

    private static func code<C: FinancingStateCoder>(declared: DeclaredFinancials?, _ c: inout C) throws(C.Failure) -> DeclaredFinancials {
        let figures = declared.map { [$0.netWorthFiat, $0.netWorthNonFiat, $0.liquidFiat, $0.liquidNonFiat, $0.annualIncome, $0.liabilities] }
        var read: [DatedAmount] = []
        for k in 0..<6 {
            var amount = figures?[k].amount ?? .zero, asOf = figures?[k].asOf ?? 0
            try c.code(&amount)
            try c.code(&asOf)
            read.append(DatedAmount(amount, asOf: asOf))
        }
        if let declared { return declared }
        do {
            return try DeclaredFinancials(netWorthFiat: read[0], netWorthNonFiat: read[1], liquidFiat: read[2], liquidNonFiat: read[3],
                                          annualIncome: read[4], liabilities: read[5])
        } catch { throw c.corrupt("declared financials: \(error)") }
    }

    private mutating func codeLoans<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        let ids = loans.keys.sorted()
        var n = ids.count
        try c.codeCount(&n)
        var out: [LoanID: Loan] = [:]
        for k in 0..<n {
            let existing = c.isReading ? nil : loans[ids[k]]
            var id = existing?.id.raw ?? 0, account = existing?.account ?? AccountID(0)
            try c.code(&id)
            try c.code(&account)
            try c.require(id >= 1 && out[LoanID(id)] == nil && clients[account.index] != nil, "loan \(id) of \(account)")
            var loan = existing ?? Loan(id: LoanID(id), account: account, startDay: 0)
            try c.code(&loan.principal)
            try c.code(&loan.accruedInterest)
            let codes = try c.code(sorted: loan.collateralCodes)
            var collateral: [String: Quantity] = [:]
            for code in codes {
                var q = loan.collateral[code] ?? .zero
                try c.code(&q)
                try c.require(config.collateral[code] != nil && q.raw > 0, "loan \(id) collateral \(code)")
                collateral[code] = q
            }
            loan.collateral = collateral
            try c.code(&loan.interest.lastAccruedDay)
            try c.code(&loan.interest.residue)
            try c.require(loan.interest.residue >= 0 && loan.interest.residue < InterestAccrual.denominator, "loan \(id) interest residue")
            var zone = Int64(loan.zone.rawValue)
            try c.code(&zone)
            guard let z = MarginZone(rawValue: Int(zone)) else { throw c.corrupt("loan \(id) zone \(zone)") }
            loan.zone = z
            try c.code(&loan.warned)
            try c.code(&loan.shortfallNoticed)
            loan.call = try Self.code(call: loan.call, &c)
            var m = loan.pendingSales.count
            try c.codeCount(&m)
            var sales: [ForcedSaleInstruction] = []
            for j in 0..<m { sales.append(try Self.code(sale: c.isReading ? nil : loan.pendingSales[j], loan: LoanID(id), &c)) }
            loan.pendingSales = sales
            out[LoanID(id)] = loan
        }
        if c.isReading { loans = out }
    }

    private static func code<C: FinancingStateCoder>(call: MarginCall?, _ c: inout C) throws(C.Failure) -> MarginCall? {
        var present = call != nil
        try c.code(&present)
        guard present else { return nil }
        var opened = call?.openedAt ?? 0, deadline = call?.deadline ?? 0
        var value = call?.marginValue ?? .zero, amount = call?.loanAmount ?? .zero
        try c.code(&opened)
        try c.code(&deadline)
        try c.code(&value)
        try c.code(&amount)
        return MarginCall(openedAt: opened, deadline: deadline, marginValue: value, loanAmount: amount)
    }

    private static func code<C: FinancingStateCoder>(sale: ForcedSaleInstruction?, loan: LoanID, _ c: inout C) throws(C.Failure) -> ForcedSaleInstruction {
        var id = sale?.id ?? 0, asset = sale?.asset ?? "", quantity = sale?.quantity ?? .zero
        var venue = sale?.venue.rawValue ?? "", limit = sale?.limitPrice ?? Price(raw: 0), reference = sale?.referencePrice ?? Price(raw: 0)
        var cause = sale?.cause.rawValue ?? "", issued = sale?.issuedAt ?? 0
        try c.code(&id)
        try c.code(&asset)
        try c.code(&quantity)
        try c.code(&venue)
        try c.code(&limit)
        try c.code(&reference)
        try c.code(&cause)
        try c.code(&issued)
        guard let v = ForcedSaleInstruction.Venue(rawValue: venue), let why = ForcedSaleInstruction.Cause(rawValue: cause), quantity.raw > 0 else {
            throw c.corrupt("forced sale \(id) of loan \(loan.raw)")
        }
        return ForcedSaleInstruction(id: id, loan: loan, asset: asset, quantity: quantity, venue: v, limitPrice: limit, referencePrice: reference,
                                     cause: why, issuedAt: issued)
    }

    private mutating func codeLedger<C: FinancingStateCoder>(_ c: inout C) throws(C.Failure) {
        let books = ledger.balances.keys.sorted()
        var n = books.count
        try c.codeCount(&n)
        var out: [FinancingBook: Int64] = [:]
        for k in 0..<n {
            let book = c.isReading ? nil : books[k]
            var tag: Int64, number: Int64 = 0, asset = book?.asset ?? ""
            switch book {
            case .clientFree(let a, _)?: tag = 1; number = Int64(a)
            case .pledged(let loan, _)?: tag = 2; number = loan
            case .loanPrincipal(let loan, _)?: tag = 3; number = loan
            case .accruedInterest(let loan, _)?: tag = 4; number = loan
            case .brokerInterestIncome?: tag = 5
            case .external?: tag = 6
            case nil: tag = 0
            }
            try c.code(&tag)
            try c.code(&number)
            try c.code(&asset)
            var balance = book.map { ledger.balances[$0]! } ?? 0
            try c.code(&balance)
            let decoded: FinancingBook
            switch tag {
            case 1 where number >= 0 && number <= Int64(UInt32.max): decoded = .clientFree(account: UInt32(number), asset: asset)
            case 2: decoded = .pledged(loan: number, asset: asset)
            case 3: decoded = .loanPrincipal(loan: number, asset: asset)
            case 4: decoded = .accruedInterest(loan: number, asset: asset)
            case 5: decoded = .brokerInterestIncome(asset: asset)
            case 6: decoded = .external(asset: asset)
            default: throw c.corrupt("financing book tag \(tag)")
            }
            try c.require(out.updateValue(balance, forKey: decoded) == nil, "financing book \(decoded) twice")
        }
        if c.isReading {
            ledger.balances = out
            ledger.postings = []
        }
    }
}
