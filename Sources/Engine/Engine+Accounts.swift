import HarbourCore
import Ledger
import Matching

/// Accounts, money movements, leverage and margin-mode settings, and the mark price.
extension Engine {
    func openAccount(name: String, group: String?, feeTier: String?) {
        guard !name.isEmpty, name.utf8.count <= 64 else {
            return reject(.malformedCommand, "account name must be 1 to 64 characters", account: nil, clientOrderId: nil)
        }
        if accountIndex[name] != nil {
            return reject(.duplicateAccount, "account '\(name)' already exists", account: nil, clientOrderId: nil)
        }
        var tier = 0
        if let feeTier {
            guard let t = config.feeTiers.firstIndex(where: { $0.name == feeTier }) else {
                return reject(.unknownFeeTier, "fee tier '\(feeTier)' is not configured", account: nil, clientOrderId: nil)
            }
            tier = t
        }
        let groupId: UInt32
        if let group, !group.isEmpty {
            if let g = groupIndex[group] { groupId = g } else {
                groupId = nextGroup
                nextGroup += 1
                groupIndex[group] = groupId
            }
        } else {
            groupId = nextGroup
            nextGroup += 1
        }
        let index = UInt32(accounts.count)
        let cash = ledger.book(.clientCash(account: index, asset: config.settlementAsset.code))
        let positions = ContiguousArray(config.defaultLeverage.map { PositionState(leverage: $0) })
        accounts.append(AccountState(name: name, group: groupId, feeTier: tier, cashBook: cash, positions: positions))
        accountIndex[name] = index
        events.append(.accountOpened(account: AccountID(index), group: groupId))
    }

    func deposit(account: AccountID, asset: String, amount: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        guard let held = config.asset(code: asset) else {
            return reject(.unknownAsset, "asset '\(asset)' is not held at this venue (\(config.assets.map(\.code).joined(separator: ", ")))", account: account, clientOrderId: nil)
        }
        guard amount > 0 else { return reject(.invalidAmount, "deposit amount must be positive", account: account, clientOrderId: nil) }
        if asset != config.settlementAsset.code { return depositAsset(account: account, asset: held, amount: amount) }
        let cash = accounts[Int(account.index)].cashBook
        guard ledger.balance(cash).addingReportingOverflow(amount).overflow == false,
              ledger.balance(cash) + amount <= Engine.maxBalance else {
            return reject(.invalidAmount, "deposit would take the balance beyond the venue's limit", account: account, clientOrderId: nil)
        }
        ledger.post(from: externalBook, to: cash, amount: amount, reason: .deposit)
        touchBalance(account.index)
    }

    /// Operator top-up of the insurance fund from outside the venue (RISK-4).
    func depositInsurance(asset: String, amount: Int64) {
        guard asset == config.settlementAsset.code else {
            return reject(.unknownAsset, "asset '\(asset)' is not a settlement asset (use \(config.settlementAsset.code))", account: nil, clientOrderId: nil)
        }
        guard amount > 0 else { return reject(.invalidAmount, "insurance fund top-up must be positive", account: nil, clientOrderId: nil) }
        let fund = ledger.balance(insuranceBook)
        guard fund.addingReportingOverflow(amount).overflow == false, fund + amount <= Engine.maxBalance else {
            return reject(.invalidAmount, "top-up would take the insurance fund beyond the venue's limit", account: nil, clientOrderId: nil)
        }
        ledger.post(from: externalBook, to: insuranceBook, amount: amount, reason: .insuranceTopUp)
        events.append(.insuranceFund(balance: ledger.balance(insuranceBook)))
    }

    /// The refusal of a perpetual-only setting (`what`) for a spot market; nil otherwise.
    func notPerpetual(_ instrument: InstrumentID, _ what: String) -> Rejection? {
        guard let m = spotMarket(instrument) else { return nil }
        return Rejection(.notPerpetual, "\(spot.specs[m].symbol) is a spot market: it has no \(what)")
    }

    /// Largest cash balance an account may hold, raw units (keeps every sum in 62 bits).
    public static let maxBalance: Int64 = 1 << 60

    func withdraw(account: AccountID, asset: String, amount: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        guard let held = config.asset(code: asset) else {
            return reject(.unknownAsset, "asset '\(asset)' is not held at this venue (\(config.assets.map(\.code).joined(separator: ", ")))", account: account, clientOrderId: nil)
        }
        guard amount > 0 else { return reject(.invalidAmount, "withdrawal amount must be positive", account: account, clientOrderId: nil) }
        if asset != config.settlementAsset.code { return withdrawAsset(account: account, asset: held, amount: amount) }
        guard amount < config.largeWithdrawal else {
            let scale = config.settlementAsset.scale
            return reject(.fourEyesRequired,
                          "withdrawals of \(FixedDecimal.format(config.largeWithdrawal, scale: scale)) or more need a maker and a different checker: propose it (proposeWithdrawal) for another staff member to approve",
                          account: account, clientOrderId: nil)
        }
        if let r = withdrawalProblem(account.index, amount) { return reject(r.code, r.message, account: account, clientOrderId: nil) }
        payOut(account.index, amount)
    }

    /// Why `amount` cannot be withdrawn from account `a` now (free funds only), nil when it can.
    func withdrawalProblem(_ a: UInt32, _ amount: Int64) -> Rejection? {
        let available = withdrawable(a)
        guard Int128(amount) <= available else {
            let scale = config.settlementAsset.scale
            return Rejection(.insufficientBalance,
                             "withdrawal of \(FixedDecimal.format(amount, scale: scale)) exceeds the withdrawable \(FixedDecimal.format(Int64(available), scale: scale)) (cash not needed as initial margin)")
        }
        return nil
    }

    /// Posts a withdrawal of checked free funds.
    func payOut(_ a: UInt32, _ amount: Int64) {
        ledger.post(from: accounts[Int(a)].cashBook, to: externalBook, amount: amount, reason: .withdrawal)
        touchBalance(a)
    }

    func setLeverage(account: AccountID, instrument: InstrumentID, leverage: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let r = notPerpetual(instrument, "leverage") { return reject(r.code, r.message, account: account, clientOrderId: nil) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil) }
        let spec = specs[Int(instrument.index)]
        guard (1...spec.maxLeverage).contains(leverage) else {
            return reject(.leverageOutOfRange, "leverage must be between 1 and \(spec.maxLeverage) for \(spec.symbol)", account: account, clientOrderId: nil)
        }
        let a = Int(account.index), i = Int(instrument.index)
        if let cap = compliance.records[account.index]?.leverageCaps[spec.symbol], leverage > cap {
            return reject(.leverageAboveClientCap, "leverage \(leverage)x is above this client's cap of \(cap)x on \(spec.symbol)",
                          account: account, clientOrderId: nil)
        }
        let old = accounts[a].positions[i].leverage
        if accounts[a].positions[i].isolated && accounts[a].positions[i].size != 0 {
            return reject(.marginModeChangeWithExposure, "leverage of an open isolated position cannot change; close it first", account: account, clientOrderId: nil)
        }
        accounts[a].positions[i].leverage = leverage
        if leverage < old {
            let m = margin(of: account.index)
            if m.initialRequired > m.equity {
                accounts[a].positions[i].leverage = old
                return reject(.insufficientMargin, "lowering leverage to \(leverage) would need more initial margin than the account's equity", account: account, clientOrderId: nil)
            }
        }
        events.append(.leverage(account: account, instrument: instrument, leverage: leverage))
    }

    func setMarginMode(account: AccountID, instrument: InstrumentID, isolated: Bool) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let r = notPerpetual(instrument, "margin mode") { return reject(r.code, r.message, account: account, clientOrderId: nil) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil) }
        let a = Int(account.index), i = Int(instrument.index)
        if accounts[a].positions[i].isolated == isolated {
            events.append(.marginMode(account: account, instrument: instrument, isolated: isolated))
            return
        }
        if accounts[a].positions[i].hasExposure || conditionalsOf(account: account.index, instrument: instrument.index).count > 0 {
            return reject(.marginModeChangeWithExposure, "margin mode of \(specs[i].symbol) can change only with no position and no open orders", account: account, clientOrderId: nil)
        }
        accounts[a].positions[i].isolated = isolated
        if isolated && accounts[a].positions[i].isolatedBook < 0 {
            accounts[a].positions[i].isolatedBook = ledger.book(.clientIsolatedMargin(account: account.index, instrument: instrument.index))
        }
        events.append(.marginMode(account: account, instrument: instrument, isolated: isolated))
    }

    func setMark(instrument: InstrumentID, price: Int64) {
        if let r = notPerpetual(instrument, "mark price (its price is its trades')") { return reject(r) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: nil, clientOrderId: nil) }
        let spec = specs[Int(instrument.index)]
        guard price > 0, price <= spec.maxPrice else {
            return reject(.invalidPrice, "mark price must be positive and at most the instrument's maximum price", account: nil, clientOrderId: nil)
        }
        marks[Int(instrument.index)] = price
        liq.markMoved(instrument.index)
        events.append(.mark(instrument: instrument, price: price))
        fireConditionals(instrument: instrument.index, source: .mark, price: price)
    }

    // MARK: - Queries

    /// The engine id of the account with this name.
    public func accountID(named name: String) -> AccountID? { accountIndex[name].map(AccountID.init) }
    /// The name of an account.
    public func accountName(_ id: AccountID) -> String { accounts[Int(id.index)].name }
    /// Number of accounts.
    public var accountCount: Int { accounts.count }
    /// The instrument with this symbol.
    public func instrumentID(symbol: String) -> InstrumentID? {
        marketSpecs.firstIndex(where: { $0.symbol == symbol }).map { InstrumentID(UInt16($0)) }
    }
    /// The specification of an instrument (a spot market's as its order path sees it).
    public func spec(_ id: InstrumentID) -> InstrumentSpec { marketSpecs[Int(id.index)] }
    /// Whether `id` names a spot market.
    public func isSpot(_ id: InstrumentID) -> Bool { spot.market(id) != nil }
    /// The order book of an instrument or spot market (read it; never mutate it from outside).
    public func book(_ id: InstrumentID) -> OrderBook { spot.market(id).map { spot.books[$0] } ?? books[Int(id.index)] }
    /// A client's cash balance, raw settlement-asset units.
    public func cash(_ id: AccountID) -> Int64 { ledger.balance(accounts[Int(id.index)].cashBook) }
    /// Self-trade-prevention group of an account.
    public func group(of id: AccountID) -> UInt32 { accounts[Int(id.index)].group }

    /// A position as seen from outside.
    public struct PositionView: Sendable, Hashable {
        public let size: Int64
        public let cost: Int64
        public let leverage: Int64
        public let isolated: Bool
        public let isolatedMargin: Int64
        public let openBuyQuantity: Int64
        public let openSellQuantity: Int64
        public let openOrders: Int
    }

    public func position(_ account: AccountID, _ instrument: InstrumentID) -> PositionView {
        if let m = spot.market(instrument) {
            let open = spot.slots(of: account.index, market: m).map { spot.books[m][$0] }
            return PositionView(size: 0, cost: 0, leverage: 1, isolated: false, isolatedMargin: 0,
                                openBuyQuantity: open.filter { $0.side == .buy }.reduce(0) { $0 + $1.remaining },
                                openSellQuantity: open.filter { $0.side == .sell }.reduce(0) { $0 + $1.remaining }, openOrders: open.count)
        }
        let p = accounts[Int(account.index)].positions[Int(instrument.index)]
        return PositionView(size: p.size, cost: p.cost, leverage: p.leverage, isolated: p.isolated,
                            isolatedMargin: p.isolatedBook >= 0 ? ledger.balance(p.isolatedBook) : 0,
                            openBuyQuantity: p.buyQuantity, openSellQuantity: p.sellQuantity, openOrders: Int(p.openOrders))
    }

    /// Waiting conditional orders of an account on an instrument.
    public func conditionalsOf(account: UInt32, instrument: UInt16) -> [ConditionalOrder] {
        if let m = spot.market(InstrumentID(instrument)) { return spotStops(of: account, market: m) }
        return (conditionals[Int(instrument)][0].all + conditionals[Int(instrument)][1].all).filter { $0.account == account }
    }

    /// Resting orders of an account on an instrument, newest first.
    public func restingOrders(account: AccountID, instrument: InstrumentID) -> [RestingOrder] {
        if let m = spot.market(instrument) { return spot.slots(of: account.index, market: m).reversed().map { spot.books[m][$0] } }
        let book = books[Int(instrument.index)]
        return book.ownerSlots(head: accounts[Int(account.index)].positions[Int(instrument.index)].orderHead).map { book[$0] }
    }

    /// The client order id of an open order, if it has one.
    public func clientOrderId(of order: OrderID) -> String? { clientIdByOrder[order] }
}
