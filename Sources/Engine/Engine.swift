import Financing
import HarbourCore
import Ledger
import Matching
import Spot

/// The deterministic heart of the venue (PERP-5): a state machine that applies one
/// command at a time and reports what happened as events.
///
/// Everything that decides money happens here, in one thread, with no I/O, no clock and
/// no randomness: pre-trade risk, matching, settlement on the double-entry ledger and
/// the triggers that follow. The same commands with the same timestamps always give the
/// same events and the same `stateHash()`.
///
/// `apply` returns the events of one command; `applyInPlace` leaves them in `events`
/// (a reused buffer) for callers that must not allocate per command.
public final class Engine {
    public let config: VenueConfig
    /// The perpetuals' specs in force: the configuration's, with approved risk-limit
    /// versions applied (`riskLimitVersions`).
    @exclusivity(unchecked) var specs: [InstrumentSpec]
    /// Per instrument: asset units per raw product unit (price raw × size raw).
    let productToAsset: [Int64]
    @exclusivity(unchecked) var books: [OrderBook]
    /// Per instrument, per trigger source (mark = 0, last = 1).
    @exclusivity(unchecked) var conditionals: [[ConditionalOrderBook]]
    @exclusivity(unchecked) var conditionalLocation: [OrderID: (instrument: UInt16, source: TriggerSource)] = [:]
    /// Mark price per instrument (0 until the first `markPrice`).
    @exclusivity(unchecked) public internal(set) var marks: [Int64]
    /// Trading status per instrument.
    public internal(set) var statuses: [InstrumentStatus]
    /// Last trade price per instrument (0 until the first trade).
    @exclusivity(unchecked) public internal(set) var lastPrices: [Int64]
    @exclusivity(unchecked) var accounts: ContiguousArray<AccountState> = []
    var accountIndex: [String: UInt32] = [:]
    var groupIndex: [String: UInt32] = [:]
    var nextGroup: UInt32 = 0
    @exclusivity(unchecked) public internal(set) var ledger = Ledger()
    let poolBook: Int32
    let feesBook: Int32
    let externalBook: Int32
    let roundingBook: Int32
    let insuranceBook: Int32
    @exclusivity(unchecked) var nextOrderId: OrderID = 1
    @exclusivity(unchecked) public internal(set) var lastTimestamp: Int64 = .min
    /// Commands applied so far (including refused ones).
    @exclusivity(unchecked) public internal(set) var commandCount: Int64 = 0
    /// Events of the last command applied.
    @exclusivity(unchecked) public internal(set) var events: [Event] = []
    @exclusivity(unchecked) var clientIdByOrder: [OrderID: String] = [:]
    @exclusivity(unchecked) var touchedPositions: [(account: UInt32, instrument: UInt16)] = []
    @exclusivity(unchecked) var touchedBalances: [UInt32] = []
    @exclusivity(unchecked) var lastPriceMoved: [UInt16] = []
    /// Pricing state per instrument (index, mark basis, premium, funding, guards).
    @exclusivity(unchecked) var pricing: [PricingState]
    /// Earliest time any time-driven pricing work is due (Int64.max: none).
    @exclusivity(unchecked) var pricingNextDueMs: Int64 = .max
    /// Time-driven work ran during the current command (so it is not a no-op even if refused).
    @exclusivity(unchecked) var timeWorkRan = false
    /// The funding clearing book, created at the first funding settlement.
    @exclusivity(unchecked) var fundingClearingBook: Int32 = -1
    /// Whether ledger postings are published as `posting` events.
    public var emitPostings = true
    /// Debug builds assert `invariantViolations()` is empty after every command when set
    /// (O(state) per command: for tests and debugging).
    public var checksInvariants = false
    /// The most accounts one command visits for a risk sweep (RISK-6): a venue with more
    /// sweeps in slices at the start of the following commands (`RiskSweepPass`). Part of
    /// the code, not of the configuration: a journal replays the same only with the same value.
    public var riskSweepAccountsPerCommand = 2048
    /// Accounts indexed by liquidation trigger price (RISK-3); derived state, rebuilt on first use.
    @exclusivity(unchecked) var liq = LiquidationIndex(instruments: 0)
    /// Spare buffer swapped with `liq.movedMarks` each risk pass (no allocation).
    @exclusivity(unchecked) var movedScratch: [UInt16] = []
    /// Platform risk monitoring state (RISK-6): volatility, add-ons, alerts, sweep clock.
    @exclusivity(unchecked) var riskState: RiskMonitorState
    /// Professional-investor records, four-eyes requests, disclosure versions and market
    /// makers (PI-1..3, REG-4, MM-1).
    @exclusivity(unchecked) var compliance: ComplianceBook
    /// Derived, per (account, instrument): "eligible until" results of the PI-3 gate, valid
    /// while no compliance command has run since (`complianceEpoch`). Not state: a cache
    /// that only saves recomputing the same answer on every order.
    @exclusivity(unchecked) var eligibilityCache: ContiguousArray<EligibilityCacheEntry> = []
    /// Bumped by every compliance command and by expiry warnings and lapses.
    @exclusivity(unchecked) var complianceEpoch: UInt64 = 1
    /// The spot markets' books, open-order tables, last prices and statuses (SPOT-1).
    @exclusivity(unchecked) var spot: SpotMarkets
    /// Perpetuals then spot markets, indexed by instrument id (for names and formats).
    @exclusivity(unchecked) var marketSpecs: [InstrumentSpec]
    /// Open-interest cap per perpetual in force (RISK-6 alert; risk-limit versions change it).
    @exclusivity(unchecked) var openInterestCaps: [Int64]
    /// Every approved risk-limit version, in approval order (PERP-1): state, because the
    /// specs above are the configuration's with these applied.
    @exclusivity(unchecked) public internal(set) var riskLimitVersions: [RiskLimitVersion] = []
    /// Non-settlement asset balances changed by the current command (coalescing).
    @exclusivity(unchecked) var touchedAssets: [(account: UInt32, asset: String)] = []
    /// The broker's margin-financing book (FIN-1..6); nil when the venue offers none.
    @exclusivity(unchecked) var financing: LoanBook?
    /// Set by the first financing command that took effect: from then on the financing
    /// section is part of the state hash (so venues that never used it keep their hashes).
    @exclusivity(unchecked) var financingUsed = false
    /// Next daily interest accrual (UTC midnight; `.max` until financing is used).
    @exclusivity(unchecked) var financingDayDueMs: Int64 = .max
    /// Earliest deadline of an open margin call (derived from the loans).
    @exclusivity(unchecked) var financingDeadlineMs: Int64 = .max
    /// Spot-book forced sales waiting for another attempt (derived: the loans' pending spot sales).
    @exclusivity(unchecked) var spotSaleQueue: [Int64] = []
    /// Spot-book forced sales issued by the current command, sent before it ends.
    @exclusivity(unchecked) var freshSpotSales: [Int64] = []
    /// When the waiting forced sales are tried again (`.max`: none waiting).
    @exclusivity(unchecked) var spotSaleRetryMs: Int64 = .max

    public init(config: VenueConfig = .standard) {
        self.config = config
        specs = config.instruments
        productToAsset = config.instruments.map(\.productToAsset)
        books = config.instruments.indices.map { OrderBook(instrument: InstrumentID(UInt16($0))) }
        conditionals = config.instruments.map { _ in [ConditionalOrderBook(), ConditionalOrderBook()] }
        marks = Array(repeating: 0, count: config.instruments.count)
        lastPrices = Array(repeating: 0, count: config.instruments.count)
        statuses = Array(repeating: .enabled, count: config.instruments.count)
        pricing = config.instruments.indices.map { PricingState(params: config.pricing[$0], spec: config.instruments[$0]) }
        let asset = config.settlementAsset.code
        poolBook = ledger.book(.positionsPool(asset: asset))
        feesBook = ledger.book(.houseFees(asset: asset))
        externalBook = ledger.book(.external(asset: asset))
        roundingBook = ledger.book(.houseRounding(asset: asset))
        insuranceBook = ledger.book(.insuranceFund(asset: asset))
        liq = LiquidationIndex(instruments: config.instruments.count)
        riskState = RiskMonitorState(params: config.risk, instruments: config.instruments.count)
        compliance = ComplianceBook(config: config)
        spot = SpotMarkets(specs: config.spotMarkets, firstId: config.instruments.count)
        marketSpecs = config.markets
        openInterestCaps = config.risk.instruments.map(\.openInterestCap)
        financing = config.financing.map { LoanBook(config: $0, capital: config.brokerCapital) }
        for (i, spec) in config.instruments.enumerated() where config.proposedInstruments.contains(spec.symbol) {
            statuses[i] = .disabled   // not tradable until approved and enabled (PERP-6)
        }
        events.reserveCapacity(64)
    }

    /// Applies one command and returns its events.
    @discardableResult
    public func apply(_ command: Command, timestamp: Int64) -> [Event] {
        applyInPlace(command, timestamp: timestamp)
        return events
    }

    /// Applies one command; its events are left in `events`.
    public func applyInPlace(_ command: Command, timestamp: Int64) {
        defer {
            if checksInvariants {
                let problems = invariantViolations()
                assert(problems.isEmpty, "invariants broken by command \(commandCount): \(problems)")
            }
        }
        events.removeAll(keepingCapacity: true)
        commandCount += 1
        if timestamp < lastTimestamp {
            reject(.timeWentBackwards, "timestamp \(timestamp) is earlier than the last command's \(lastTimestamp)",
                   account: nil, clientOrderId: nil)
            return
        }
        let previousTimestamp = lastTimestamp
        lastTimestamp = timestamp
        timeWorkRan = false
        if timestamp >= pricingNextDueMs { runTimeDrivenWork(now: timestamp) }
        if timestamp >= riskState.nextSweepAtMs { runRiskSweep(now: timestamp) }
        if riskState.pass != nil { stepRiskSweep(now: timestamp) }
        if timestamp >= compliance.nextDueMs { runComplianceDue(now: timestamp) }
        if timestamp >= financingDueMs { runFinancingDue(now: timestamp) }
        switch command {
        case let .openAccount(name, group, feeTier):
            openAccount(name: name, group: group, feeTier: feeTier)
        case let .deposit(account, asset, amount):
            deposit(account: account, asset: asset, amount: amount)
        case let .withdraw(account, asset, amount):
            withdraw(account: account, asset: asset, amount: amount)
        case let .setLeverage(account, instrument, leverage):
            setLeverage(account: account, instrument: instrument, leverage: leverage)
        case let .setMarginMode(account, instrument, isolated):
            setMarginMode(account: account, instrument: instrument, isolated: isolated)
        case let .placeOrder(order):
            place(order)
        case let .amendOrder(account, instrument, ref, price, quantity):
            amend(account: account, instrument: instrument, ref: ref, price: price, quantity: quantity)
        case let .cancelOrder(account, instrument, ref):
            cancel(account: account, instrument: instrument, ref: ref)
        case let .cancelAll(account, instrument):
            cancelAll(account: account, instrument: instrument)
        case let .markPrice(instrument, price):
            setMark(instrument: instrument, price: price)
        case let .setInstrumentStatus(instrument, status):
            if let m = spotMarket(instrument) {
                spot.statuses[m] = status
                events.append(.instrumentStatus(instrument: instrument, status: status))
            } else if validInstrument(instrument) {
                switch lifecycleStep(Int(instrument.index), to: status) {
                case .failure(let r):
                    reject(r)
                case .success(let step):
                    if let step {
                        try? compliance.products[Int(instrument.index)].move(to: step, by: "operations", at: timestamp,
                                                                              note: "instrument status \(status.name)")
                        events.append(.compliance(.productStage(instrument: instrument, stage: step, by: "operations")))
                    }
                    statuses[Int(instrument.index)] = status
                    operatorSetStatus(instrument)
                    events.append(.instrumentStatus(instrument: instrument, status: status))
                }
            } else {
                reject(.unknownSymbol, "unknown symbol", account: nil, clientOrderId: nil)
            }
        case let .indexPrice(instrument, source, price):
            applyIndexPrice(instrument: instrument, source: source, price: price, now: timestamp)
        case .tick:
            break
        case let .insuranceDeposit(asset, amount):
            depositInsurance(asset: asset, amount: amount)
        case let .compliance(c):
            complianceEpoch &+= 1
            applyCompliance(c, now: timestamp)
        case let .financing(c):
            applyFinancing(c, now: timestamp)
        case let .invalid(rejection, clientOrderId):
            events.append(.rejected(rejection, account: nil, orderId: nil, clientOrderId: clientOrderId))
        }
        runLastPriceTriggers()
        runSpotStops()
        runRiskChecks()
        if riskState.nextSweepAtMs == .max { scheduleRiskSweepIfNeeded(now: timestamp) }
        finishCommand()
        // A refused command changes nothing, not even the engine's clock.
        if !timeWorkRan, events.count == 1, case .rejected = events[0] { lastTimestamp = previousTimestamp }
    }

    /// Publishes postings and the coalesced position and balance changes of the command.
    func finishCommand() {
        if !touchedPositions.isEmpty {
            for (a, i) in touchedPositions where accounts[Int(a)].positions[Int(i)].reduceOnlyOrders > 0 {
                enforceReduceOnly(account: a, instrument: i)
            }
        }
        if emitPostings {
            if !ledger.pending.isEmpty {
                for p in ledger.pending { events.append(.posting(p)) }
            }
        }
        ledger.discardPending()
        if !touchedPositions.isEmpty {
            for (a, i) in touchedPositions {
                let p = accounts[Int(a)].positions[Int(i)]
                events.append(.position(account: AccountID(a), instrument: InstrumentID(i), size: p.size, cost: p.cost,
                                        isolatedMargin: p.isolatedBook >= 0 ? ledger.balance(p.isolatedBook) : 0))
            }
            touchedPositions.removeAll(keepingCapacity: true)
        }
        if !touchedBalances.isEmpty {
            for a in touchedBalances {
                events.append(.balance(account: AccountID(a), asset: config.settlementAsset.code,
                                       amount: ledger.balance(accounts[Int(a)].cashBook)))
            }
            touchedBalances.removeAll(keepingCapacity: true)
        }
        if !touchedAssets.isEmpty {
            for (a, asset) in touchedAssets {
                events.append(.balance(account: AccountID(a), asset: asset, amount: assetBalance(.clientCash(account: a, asset: asset))))
            }
            touchedAssets.removeAll(keepingCapacity: true)
        }
    }

    @inline(__always)
    func touchPosition(_ a: UInt32, _ i: UInt16) {
        if accounts[Int(a)].positions[Int(i)].touchedAt != commandCount {
            accounts[Int(a)].positions[Int(i)].touchedAt = commandCount
            touchedPositions.append((a, i))
        }
    }

    @inline(__always)
    func touchBalance(_ a: UInt32) {
        if accounts[Int(a)].balanceTouchedAt != commandCount {
            accounts[Int(a)].balanceTouchedAt = commandCount
            touchedBalances.append(a)
        }
    }

    func reject(_ code: RejectCode, _ message: String, account: AccountID?, clientOrderId: String?, orderId: OrderID? = nil) {
        events.append(.rejected(Rejection(code, message), account: account, orderId: orderId, clientOrderId: clientOrderId))
    }

    @inline(__always)
    func validAccount(_ a: AccountID) -> Bool { Int(a.index) < accounts.count }
    @inline(__always)
    func validInstrument(_ i: InstrumentID) -> Bool { Int(i.index) < specs.count }
}
