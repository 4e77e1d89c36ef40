import HarbourCore

/// FIN-5: valuation, zones, the per-loan state machine, the index, forced sales.
extension LoanBook {
    /// The loan's priced holdings, in code order. Collateral without a price counts nothing.
    func holdings(_ loan: Loan) -> [(CollateralAsset, Quantity, Price)] {
        loan.collateralCodes.compactMap { code in
            guard let asset = config.collateral[code], let price = prices[code], let quantity = loan.collateral[code], quantity.raw > 0 else { return nil }
            return (asset, quantity, price)
        }
    }

    /// Σ qty × price × (1 − haircut), rounded down once (FIN-5).
    public func marginValue(_ loan: Loan) -> Amount { valuation.marginValue(holdings(loan)) }

    /// Σ qty × price, no haircut, rounded down.
    public func marketValue(_ loan: Loan) -> Amount {
        holdings(loan).reduce(Amount.zero) { $0 + MarginValuation.marketValue($1.1, of: $1.0, at: $1.2) }
    }

    /// The ratios that bound the zones, best first: early warning, call, force sale.
    var levelRatios: [Rate] { [config.levels.earlyWarning, config.levels.call, config.levels.forceSale] }

    /// Where the loan stands now.
    public func zone(of loan: Loan) -> MarginZone {
        guard loan.amountOwed > .zero else { return .healthy }
        let value = Int128(marginValue(loan).raw)
        for (position, ratio) in levelRatios.enumerated() where value >= MarginLevels.required(loan: loan.amountOwed, at: ratio) {
            return MarginZone(rawValue: position)!
        }
        return .forceSale
    }

    /// The index entries a loan should have, per asset, from its current zone.
    func triggers(of loan: Loan) -> [(String, MarginCallIndex.Triggers, Bool)] {
        guard loan.amountOwed > .zero else { return [] }
        let holdings = holdings(loan)
        let weighted = holdings.map { (asset: $0.0.code, weight: valuation.weight($0.1, of: $0.0), price: $0.2) }.filter { $0.weight > 0 }
        let total = weighted.reduce(Int128(0)) { $0 + $1.weight * Int128($1.price.raw) }
        let zone = zone(of: loan)
        let multi = weighted.count > 1
        return weighted.map { entry in
            let others = total - entry.weight * Int128(entry.price.raw)
            var triggers = MarginCallIndex.Triggers()
            if zone < .forceSale {
                let required = MarginLevels.required(loan: loan.amountOwed, at: levelRatios[zone.rawValue])
                triggers.falls = valuation.crossingPrice(weight: entry.weight, others: others, required: required)
            }
            if zone > .healthy {
                let required = MarginLevels.required(loan: loan.amountOwed, at: levelRatios[zone.rawValue - 1])
                let below = valuation.crossingPrice(weight: entry.weight, others: others, required: required)
                triggers.rises = (below ?? 0) + 1
            }
            return (entry.asset, triggers, multi)
        }
    }

    /// Brings a loan's index entries up to date.
    mutating func reindex(_ id: LoanID) {
        index.remove(loan: id.raw)
        guard let loan = loans[id] else { return }
        for (asset, triggers, multi) in triggers(of: loan) { index.set(loan: id.raw, asset: asset, to: triggers, multi: multi) }
    }

    /// The index recomputed from scratch (a restored book rebuilds it; tests compare).
    func rebuiltIndex() -> MarginCallIndex {
        var rebuilt = MarginCallIndex()
        for id in loans.keys.sorted() {
            for (asset, triggers, multi) in triggers(of: loans[id]!) { rebuilt.set(loan: id.raw, asset: asset, to: triggers, multi: multi) }
        }
        return rebuilt
    }

    /// Whether the live index equals the recomputation (ignoring emptied asset slots).
    public var indexIsConsistent: Bool {
        let live = index.assets.filter { !$0.value.byLoan.isEmpty || !$0.value.multi.isEmpty }
        return live == rebuiltIndex().assets
    }

    // MARK: prices and deadlines

    /// A new index / reference price for a collateral asset: re-evaluates only the loans
    /// whose zone it changes (plus multi-collateral loans holding the asset).
    public mutating func setPrice(_ code: String, _ price: Price, at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        _ = try asset(code)
        guard price.raw > 0, price.raw <= MarginValuation.maxPriceRaw else { throw FinancingRefusal(.invalidAmount, "a price is positive and within bounds") }
        let first = prices[code] == nil
        prices[code] = price
        let visit: [LoanID] = first
            ? loans.keys.filter { loans[$0]!.collateral[code] != nil }.sorted()
            : index.loansToVisit(asset: code, price: price.raw).map(LoanID.init)
        lastVisited = visit
        var notices: [MarginNotice] = []
        for id in visit { notices += evaluate(id, at: now) }
        return notices
    }

    /// Called by the engine's timer: loans whose call deadline has passed unmet go to
    /// forced sale. Scans the loans for open calls (the engine wiring should keep open calls
    /// ordered by deadline so a tick reads only the due ones).
    public mutating func checkDeadlines(at now: Int64) -> [MarginNotice] {
        var notices: [MarginNotice] = []
        for id in loans.keys.sorted() where (loans[id]!.call?.deadline).map({ now >= $0 }) == true {
            notices += evaluate(id, at: now)
        }
        return notices
    }

    // MARK: the state machine

    func notice(_ kind: MarginNotice.Kind, _ loan: Loan, at now: Int64, deadline: Int64? = nil, instructions: [ForcedSaleInstruction] = []) -> MarginNotice {
        MarginNotice(kind: kind, loan: loan.id, account: loan.account, at: now, marginValue: marginValue(loan), loanAmount: loan.amountOwed,
                     deadline: deadline, instructions: instructions)
    }

    /// Re-evaluates one loan against the levels and returns the notices of the step it
    /// takes: early warning, margin call, call met, forced sale, unsecured shortfall.
    mutating func evaluate(_ id: LoanID, at now: Int64) -> [MarginNotice] {
        guard var loan = loans[id] else { return [] }
        let zone = zone(of: loan)
        loan.zone = zone
        var notices: [MarginNotice] = []
        if loan.amountOwed == .zero {
            loan.call = nil
            loan.warned = false
            loan.shortfallNoticed = false
        } else if loan.pendingSales.isEmpty {
            switch zone {
            case .healthy, .earlyWarning:
                if loan.call != nil {
                    loan.call = nil
                    notices.append(notice(.callMet, loan, at: now))
                }
                loan.shortfallNoticed = false
                if zone == .healthy {
                    loan.warned = false
                } else if !loan.warned {
                    loan.warned = true
                    notices.append(notice(.earlyWarning, loan, at: now))
                }
            case .call:
                loan.warned = true
                if let call = loan.call {
                    if now >= call.deadline { notices += forceSale(&loan, cause: .callDeadlineMissed, at: now) }
                } else {
                    let deadline = config.calendar.adding(businessDays: config.callDeadlineBusinessDays, to: now)
                    loan.call = MarginCall(openedAt: now, deadline: deadline, marginValue: marginValue(loan), loanAmount: loan.amountOwed)
                    notices.append(notice(.marginCall, loan, at: now, deadline: deadline))
                }
            case .forceSale:
                loan.warned = true
                notices += forceSale(&loan, cause: .belowForceSaleLevel, at: now)
            }
        }
        store(loan)
        reindex(id)
        return notices
    }

    /// Issues the forced sales that restore the call level, or — with nothing left to
    /// sell — keeps a call open and reports the unsecured shortfall once.
    mutating func forceSale(_ loan: inout Loan, cause: ForcedSaleInstruction.Cause, at now: Int64) -> [MarginNotice] {
        let sales = restoringSale(loan)
        guard !sales.isEmpty else {
            if loan.call == nil {
                loan.call = MarginCall(openedAt: now, deadline: now, marginValue: marginValue(loan), loanAmount: loan.amountOwed)
            }
            if loan.shortfallNoticed { return [] }
            loan.shortfallNoticed = true
            return [notice(.unsecuredShortfall, loan, at: now)]
        }
        var instructions: [ForcedSaleInstruction] = []
        for (asset, quantity) in sales {
            let price = prices[asset.code]!
            let limit = asset.kind == .virtualAsset
                ? Price(raw: Int64((Int128(price.raw) * Int128(Rate.one.raw - config.forcedSaleBand.raw)).divided(by: Int128(Rate.one.raw), rounding: .up)))
                : Price.zero
            instructions.append(ForcedSaleInstruction(id: nextInstruction, loan: loan.id, asset: asset.code, quantity: quantity,
                                                      venue: asset.kind == .virtualAsset ? .spotBook : .securitiesDesk,
                                                      limitPrice: limit, referencePrice: price, cause: cause, issuedAt: now))
            nextInstruction += 1
        }
        loan.pendingSales = instructions
        return [notice(.forcedSale, loan, at: now, instructions: instructions)]
    }

    /// Whether selling `sales` at the current prices (proceeds rounded down, repaying the
    /// loan) leaves margin value ≥ loan × call level.
    func restores(_ loan: Loan, selling sales: [(CollateralAsset, Quantity)]) -> Bool {
        var after = loan
        var proceeds = Amount.zero
        for (asset, quantity) in sales {
            after.collateral[asset.code] = (after.collateral[asset.code] ?? .zero) - quantity
            proceeds = proceeds + MarginValuation.marketValue(quantity, of: asset, at: prices[asset.code]!)
        }
        let owed = loan.amountOwed - proceeds
        if owed <= .zero { return true }
        return Int128(valuation.marginValue(holdings(after)).raw) >= MarginLevels.required(loan: owed, at: config.levels.call)
    }

    /// The smallest sale that restores the call level (FIN-5: no more than restores the
    /// required margin). Assets are sold highest haircut first (each unit sold restores
    /// the most), then by code; within the last asset the quantity is the least number of
    /// smallest units that restores — one unit fewer would not. When even selling all
    /// collateral does not restore, all of it is sold.
    func restoringSale(_ loan: Loan) -> [(CollateralAsset, Quantity)] {
        var candidates: [(CollateralAsset, Quantity)] = []
        for (asset, held, _) in holdings(loan) {
            let available = held - loan.quantityInSale(asset.code)
            if available.raw > 0 { candidates.append((asset, available)) }
        }
        candidates.sort { (first: (CollateralAsset, Quantity), second: (CollateralAsset, Quantity)) -> Bool in
            first.0.haircut != second.0.haircut ? first.0.haircut > second.0.haircut : first.0.code < second.0.code
        }
        var sales: [(CollateralAsset, Quantity)] = []
        for (asset, available) in candidates {
            guard restores(loan, selling: sales + [(asset, available)]) else {
                sales.append((asset, available))
                continue
            }
            var low: Int64 = 1, high = available.raw
            while low < high {
                let mid = low + (high - low) / 2
                if restores(loan, selling: sales + [(asset, Quantity(raw: mid))]) { high = mid } else { low = mid + 1 }
            }
            while low > 1, restores(loan, selling: sales + [(asset, Quantity(raw: low - 1))]) { low -= 1 }
            sales.append((asset, Quantity(raw: low)))
            return sales
        }
        return sales
    }

    /// The fill of a forced-sale instruction, fed back by the spot book or the securities
    /// desk: delivers the quantity sold, applies the proceeds to accrued interest, then
    /// principal, any surplus to the client's cash; re-evaluates once no sale is pending.
    /// An instruction ends with its fill (an unfilled rest is re-computed if still needed);
    /// a fill of quantity 0 is how an expired or cancelled instruction is reported.
    public mutating func recordForcedSaleFill(instruction: Int64, quantity: Quantity, proceeds: Amount, at now: Int64) throws(FinancingRefusal) -> [MarginNotice] {
        guard let id = loans.keys.sorted().first(where: { loans[$0]!.pendingSales.contains { $0.id == instruction } }) else {
            throw FinancingRefusal(.unknownInstruction, "no pending forced sale \(instruction)")
        }
        var loan = loans[id]!
        let sale = loan.pendingSales.first { $0.id == instruction }!
        // A market sells in whole lots, so a fill may exceed the instruction by less than a
        // lot (rounded up: the least the market can sell that restores); never more than
        // the loan holds outside its other pending sales.
        let sellable = (loan.collateral[sale.asset] ?? .zero) - loan.quantityInSale(sale.asset) + sale.quantity
        guard quantity.raw >= 0, quantity <= sellable, proceeds >= .zero else {
            throw FinancingRefusal(.invalidAmount, "a fill is at most the \(units(sellable.raw, sale.asset)) the loan holds outside its other sales (instruction: \(units(sale.quantity.raw, sale.asset))), with non-negative proceeds")
        }
        let cash = settlementCode
        ledger.post(.pledged(loan: id.raw, asset: sale.asset), .external(asset: sale.asset), asset: sale.asset, quantity.raw, .forcedSaleDelivery)
        loan.collateral[sale.asset] = (loan.collateral[sale.asset] ?? .zero) - quantity
        if loan.collateral[sale.asset] == .zero { loan.collateral[sale.asset] = nil }
        let toInterest = min(proceeds, loan.accruedInterest)
        let toPrincipal = min(proceeds - toInterest, loan.principal)
        let surplus = proceeds - toInterest - toPrincipal
        ledger.post(.external(asset: cash), .accruedInterest(loan: id.raw, asset: cash), asset: cash, toInterest.raw, .forcedSaleProceeds)
        ledger.post(.external(asset: cash), .loanPrincipal(loan: id.raw, asset: cash), asset: cash, toPrincipal.raw, .forcedSaleProceeds)
        ledger.post(.external(asset: cash), .clientFree(account: loan.account.index, asset: cash), asset: cash, surplus.raw, .forcedSaleProceeds)
        loan.accruedInterest = loan.accruedInterest - toInterest
        loan.principal = loan.principal - toPrincipal
        loan.pendingSales.removeAll { $0.id == instruction }
        store(loan)
        var notices = [notice(.forcedSaleFilled, loan, at: now, instructions: [sale])]
        notices += evaluate(id, at: now)
        return notices
    }
}
