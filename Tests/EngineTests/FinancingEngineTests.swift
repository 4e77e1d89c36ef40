import HarbourCore
import Ledger
import Testing
@testable import Engine
@testable import Financing

/// Margin financing through the engine (FIN-1..6): commands, one ledger, index prices,
/// the clock and forced sales on the spot book. The book's own arithmetic is tested in
/// FinancingTests; these check the wiring, end to end, with invariants after every command.
@Suite struct FinancingEngineTests {
    typealias V = FinancingVenue
    static let t0 = V.t0

    @Test func aDrawdownPaysCashAndPledgedCollateralCannotLeave() {
        let v = V.withLoan()
        let e = v.engine
        #expect(e.ledger.balance(e.ledger.book(.clientCash(account: v.alice.index, asset: "USD"))) == 20_000_000_000)
        #expect(e.assetBalance(.loanCollateral(loan: 1, asset: "BTC")) == 100_000_000)
        #expect(e.assetBalance(.loanPrincipal(loan: 1, asset: "USD")) == -20_000_000_000)
        #expect(e.balance(v.alice, asset: "BTC") == 20_000_000)
        // Only the free 0.2 BTC can be withdrawn or sold; the pledged BTC cannot.
        let w = v.run(Self.t0 + 2000, "withdraw", ["account": "alice", "asset": "BTC", "amount": "0.3"])
        #expect(V.rejection(w)?.code == .insufficientBalance)
        let s = v.run(Self.t0 + 2000, "placeOrder", ["account": "alice", "symbol": "BTC-USD", "side": "sell", "orderType": "limit",
                                                      "timeInForce": "GTC", "price": "60000", "qty": "0.3"])
        #expect(V.rejection(s)?.code == .insufficientBalance)
        // Every asset's books sum to zero with the loan books in (checked by run() after every command).
        for (_, sum) in e.ledger.sums(defaultAsset: "USD") { #expect(sum == 0) }
        v.expectSnapshotRoundTrip()
    }

    @Test func drawdownRefusalsNameTheLimitAndChangeNothing() {
        let v = V.withLoan(draw: "0")
        v.run(Self.t0 + 2000, "tick")   // the time-driven work due at this time has run
        let before = v.engine.stateHash()
        let over = v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "20000.000001"])
        #expect(V.rejection(over)?.code == .insufficientMargin)
        #expect(V.rejection(over)?.message.contains("required=24000000002") == true)
        // The sentence is in money, the figures in raw units for machines.
        #expect(V.rejection(over)?.message.contains("24000 USD < 24000.000002 USD = loan 20000.000001 USD") == true, "\(V.rejection(over)?.message ?? "")")
        #expect(v.engine.stateHash() == before)
        let notMine = v.run(Self.t0 + 2000, "loanDrawdown", ["account": "carol", "loan": 1, "amount": "1"])
        #expect(V.rejection(notMine)?.code == .unknownLoan)
        #expect(v.engine.stateHash() == before)
        let ok = v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "20000"])
        #expect(V.rejection(ok) == nil)
        #expect(v.loan.principal.raw == 20_000_000_000)
    }

    @Test func onlyProfessionalMarginClientsWithACurrentClassificationMayBorrow() {
        let v = V.withLoan()
        // bob: not a margin client at all.
        #expect(V.rejection(v.run(Self.t0 + 2000, "loanOpen", ["account": "bob"]))?.code == .unknownClient)
        // bob as a margin client, but retail (no PI classification).
        v.marginClient("bob", at: Self.t0 + 2000)
        #expect(V.rejection(v.run(Self.t0 + 2000, "loanOpen", ["account": "bob"]))?.code == .notProfessionalInvestor)
        // A credit limit above the rule is refused (the rule gives 2,000,000 here); no uplift.
        let above = v.run(Self.t0 + 2000, "creditAssessment", ["account": "bob", "by": "credit-1", "netWorthFiat": "4000000", "netWorthNonFiat": "0",
                                                               "liquidFiat": "4000000", "liquidNonFiat": "0", "annualIncome": "500000",
                                                               "liabilities": "0", "asOf": Self.t0, "limit": "2000000.000001",
                                                               "reviewDueAt": Self.t0 + 100 * V.day])
        #expect(V.rejection(above)?.code == .creditLimitAboveRule)
        // alice's classification lapses after 12 months: no new drawdown, repayment goes on.
        let later = Self.t0 + 366 * V.day
        v.index(later, "60000")
        let draw = v.run(later, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "1"])
        #expect(V.rejection(draw)?.code == .classificationExpired)
        v.run(later, "deposit", ["account": "alice", "asset": "USD", "amount": "5000"])
        #expect(V.rejection(v.run(later, "loanRepay", ["account": "alice", "loan": 1, "amount": "100"])) == nil)
    }

    @Test func aMissedCallIsForceSoldOnTheSpotBookByExactlyTheRestoringAmount() {
        let v = V.withLoan()
        // carol buys 0.1 BTC at 54,000 from bob (the spot band follows the last trade), then bids at 49,000.
        v.run(Self.t0 + 2000, "placeOrder", ["account": "bob", "symbol": "BTC-USD", "side": "sell", "orderType": "limit", "timeInForce": "GTC",
                                              "price": "54000", "qty": "0.1"])
        v.run(Self.t0 + 2000, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "IOC",
                                              "price": "54000", "qty": "0.1"])
        v.run(Self.t0 + 2000, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "GTC",
                                              "price": "49000", "qty": "0.5"])
        v.index(Self.t0 + 3000, "54000")
        #expect(V.notices(v.all).map(\.kind) == [.earlyWarning])
        v.index(Self.t0 + 4000, "49000")
        let call = V.notices(v.all).last!
        #expect(call.kind == .marginCall)
        // Thursday 00:00:04 + two business days = Monday 00:00:04.
        #expect(call.deadline == Self.t0 + 4 * V.day + 4000)
        #expect(V.rejection(v.run(Self.t0 + 5000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "1"]))?.code == .marginCallOpen)
        v.expectSnapshotRoundTrip()
        // One millisecond before the deadline nothing is sold; at the deadline the sale runs.
        v.run(call.deadline! - 1, "tick")
        #expect(V.forcedOrders(v.all).isEmpty)
        let due = v.run(call.deadline!, "tick")
        let sale = V.notices(due).first { $0.kind == .forcedSale }!
        #expect(sale.instructions.first?.cause == .callDeadlineMissed)
        let fills = V.forcedOrders(due)
        #expect(fills.count == 1)
        #expect(V.notices(due).last?.kind == .callMet)
        // Sold at carol's bid: the instruction's quantity grossed up for the taker fee, to the lot.
        let instructed = sale.instructions[0].quantity.raw
        // Exactly: grossed up for alice's taker rate, then rounded up to BTC-USD's lot (1e-5 BTC = 1,000 sat).
        let taker = Int128(max(0, v.engine.config.feeTiers[0].taker.raw))
        let gross = (Int128(instructed) * 100_000_000).divided(by: 100_000_000 - taker, rounding: .up)
        let lot: Int128 = 1_000
        #expect(Int128(fills[0].filled) == (gross + lot - 1) / lot * lot, "filled \(fills[0].filled), instructed \(instructed)")
        // No call open and the loan restored to at least the call level (100%).
        #expect(v.loan.call == nil)
        let book = v.engine.loanBook!
        #expect(book.marginValue(v.loan) >= v.loan.amountOwed)
        v.expectSnapshotRoundTrip()
    }

    @Test func aCrashStraightPastTheForceSaleLevelSellsAtOnceWithoutACall() {
        let v = V.withLoan()
        v.run(Self.t0 + 2000, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "GTC",
                                              "price": "60000", "qty": "0.01"])   // sets the last price via bob below
        v.run(Self.t0 + 2000, "placeOrder", ["account": "bob", "symbol": "BTC-USD", "side": "sell", "orderType": "limit", "timeInForce": "IOC",
                                              "price": "60000", "qty": "0.01"])
        // The index sources move in steps of less than the deviation guard over a few seconds; only the
        // result matters: BTC from 60,000 to 30,000 with no bid on the book.
        v.index(Self.t0 + 3000, "30000")
        let kinds = V.notices(v.all).map(\.kind)
        #expect(!kinds.contains(.marginCall))
        #expect(kinds.contains(.forcedSale))
        // Nothing bids: the sale waits (one attempt, then one a second later).
        #expect(V.forcedOrders(v.all).allSatisfy { $0.filled == 0 })
        #expect(v.loan.pendingSales.count == 1)
        v.expectSnapshotRoundTrip()
        // A bid arrives within the band of the last trade... the band is 10% of 60,000: a carol bid at 54,000.
        v.run(Self.t0 + 3500, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "GTC",
                                              "price": "54000", "qty": "1"])
        #expect(V.forcedOrders(v.all).allSatisfy { $0.filled == 0 }, "not tried again before a second has passed")
        let retry = v.run(Self.t0 + 4000, "tick")
        let filled = V.forcedOrders(retry)
        #expect(filled.count == 1 && filled[0].filled > 0)
        #expect(v.loan.pendingSales.isEmpty)
        v.expectSnapshotRoundTrip()
    }

    @Test func interestAccruesDailyOnTheLedgerAndSumsExactly() {
        // PAY with enough cash: the principal stays 20,000, so 400 days at 7.5% charge
        // exactly ⌈20,000 × 0.075 × 400 / 365⌉ = 1,643.835617 USD, posted day by day.
        let v = V.withLoan(settlement: "PAY")
        v.run(Self.t0 + 1000, "deposit", ["account": "alice", "asset": "USD", "amount": "10000"])
        for d in 1...400 { v.run(Self.t0 + Int64(d) * V.day + 5000, "tick") }
        let e = v.engine
        let income = e.assetBalance(.interestIncome(asset: "USD"))
        #expect(income == 1_643_835_617)
        #expect(v.loan.principal.raw == 20_000_000_000)
        // What is still accrued and not yet paid plus what was paid equals the income.
        let paid = v.all.reduce(Int64(0)) { sum, event in
            if case let .posting(p) = event, p.reason == .interestPaid { return sum + p.amount }
            return sum
        }
        #expect(paid + v.loan.accruedInterest.raw == income)
        #expect(v.all.contains { if case let .posting(p) = $0 { return p.reason == .interestAccrual } else { return false } })
        v.expectSnapshotRoundTrip()
    }

    @Test func securitiesCollateralIsPricedByCommandAndSoldByTheDesk() {
        let v = V.withLoan(draw: "0")
        v.run(Self.t0 + 2000, "deposit", ["account": "alice", "asset": "0700.HK", "amount": "1000"])
        v.run(Self.t0 + 2000, "collateralPrice", ["asset": "0700.HK", "price": "50"])
        v.run(Self.t0 + 2000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "0700.HK", "qty": "1000"])
        // 1 BTC × 60,000 × 40% + 1,000 × 50 × 70% = 24,000 + 35,000 = 59,000 → up to 49,166.666666 at 120%.
        #expect(V.rejection(v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "49166.666667"]))?.code == .insufficientMargin)
        #expect(V.rejection(v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "49166.666666"])) == nil)
        // A virtual asset cannot be given a reference price.
        #expect(V.rejection(v.run(Self.t0 + 2000, "collateralPrice", ["asset": "BTC", "price": "1"]))?.code == .invalidAmount)
        // The share price collapses: BTC (the larger haircut) goes to the spot book, the shares to the desk.
        let crash = v.run(Self.t0 + 3000, "collateralPrice", ["asset": "0700.HK", "price": "5"])
        let sale = V.notices(crash).first { $0.kind == .forcedSale }!
        let desk = sale.instructions.first { $0.venue == .securitiesDesk }
        #expect(sale.instructions.contains { $0.venue == .spotBook })
        // An unknown instruction, and a spot-book instruction, cannot be filled by the desk.
        #expect(V.rejection(v.run(Self.t0 + 4000, "forcedSaleFill", ["instruction": 99, "asset": "0700.HK", "qty": "1", "proceeds": "5"]))?.code
                == .unknownForcedSaleInstruction)
        if let desk {
            let fill = v.run(Self.t0 + 4000, "forcedSaleFill", ["instruction": desk.id, "asset": "0700.HK", "qty": String(desk.quantity.raw), "proceeds": "4000"])
            #expect(V.rejection(fill) == nil)
            #expect(V.notices(fill).contains { $0.kind == .forcedSaleFilled })
            #expect(v.engine.assetBalance(.external(asset: "0700.HK")) == -1000 + desk.quantity.raw)
        }
        v.expectSnapshotRoundTrip()
    }

    @Test func aVenueThatNeverUsedFinancingKeepsItsHash() {
        // The financing section joins the hash only once used (StateHashPinTests pins the rest).
        let a = Engine(), b = Engine()
        a.apply(.openAccount(name: "x", group: nil, feeTier: nil), timestamp: Self.t0)
        b.apply(.openAccount(name: "x", group: nil, feeTier: nil), timestamp: Self.t0)
        #expect(a.stateHash() == b.stateHash())
        b.apply(.financing(.openLoan(account: AccountID(0))), timestamp: Self.t0)   // refused: not a margin client
        #expect(a.stateHash() == b.stateHash())
    }

    static func creditRequest(_ id: String, limit: String) -> [String: Any] {
        ["requestId": id, "by": "maya", "account": "alice", "netWorthFiat": "4000000", "netWorthNonFiat": "0", "liquidFiat": "4000000",
         "liquidNonFiat": "0", "annualIncome": "500000", "liabilities": "0", "asOf": t0, "limit": limit, "reviewDueAt": t0 + 300 * V.day,
         "reason": "private banking relationship, audited accounts"]
    }

    @Test func aCreditLimitIsMadeByOneOfficerAndCheckedByAnotherAndAWaiverKeepsItsReason() {
        let v = V.withLoan()
        // Within the rule (2,000,000): maya proposes, chen approves.
        v.run(Self.t0 + 2000, "proposeCreditLimit", Self.creditRequest("cl-1", limit: "1500000"))
        #expect(v.engine.loanBook!.clients[v.alice.index]!.credit!.approvedLimit.raw == 1_000_000_000_000, "nothing before the checker")
        let same = v.run(Self.t0 + 2000, "approveRequest", ["requestId": "cl-1", "by": "maya"])
        #expect(V.rejection(same)?.code == .sameMakerAndChecker)
        v.run(Self.t0 + 2000, "approveRequest", ["requestId": "cl-1", "by": "chen"])
        let credit = v.engine.loanBook!.clients[v.alice.index]!.credit!
        #expect(credit.approvedLimit.raw == 1_500_000_000_000 && credit.approvedBy == "chen" && credit.waiver == nil)
        // Above the rule: a waiver, effective only through four-eyes, with the reason recorded.
        v.run(Self.t0 + 3000, "proposeCreditLimit", Self.creditRequest("cl-2", limit: "2500000"))
        v.run(Self.t0 + 3000, "approveRequest", ["requestId": "cl-2", "by": "chen"])
        let waived = v.engine.loanBook!.clients[v.alice.index]!.credit!
        #expect(waived.approvedLimit.raw == 2_500_000_000_000 && waived.ruleLimit.raw == 2_000_000_000_000)
        #expect(waived.waiver?.maker == "maya" && waived.waiver?.reason == "private banking relationship, audited accounts")
        // The direct (one-officer) assessment still cannot go above the rule.
        v.marginClient("alice", limit: "2000000.000001", at: Self.t0 + 3000)
        #expect(V.rejection(v.all.suffix(1))?.code == .creditLimitAboveRule)
        v.expectSnapshotRoundTrip()
    }

    @Test func aHaircutRaiseAppliesAtOnceToEveryLoanAndCallsInTheSameCommand() {
        let v = V.withLoan()
        // 1 BTC at 60,000, 20,000 drawn: 24,000 at 60% → 18,000 at 70%, under the loan.
        let below = v.run(Self.t0 + 2000, "proposeHaircut", ["requestId": "h-0", "by": "raj", "asset": "BTC", "haircut": "0.59999999", "reason": "x"])
        #expect(V.rejection(below)?.code == .invalidFinancingConfig)
        v.run(Self.t0 + 2000, "proposeHaircut", ["requestId": "h-1", "by": "raj", "asset": "BTC", "haircut": "0.7", "reason": "volatility"])
        #expect(V.notices(v.all).isEmpty)
        let approved = v.run(Self.t0 + 2000, "approveRequest", ["requestId": "h-1", "by": "rita"])
        #expect(V.rejection(approved) == nil)
        #expect(V.notices(approved).map(\.kind) == [.marginCall])
        #expect(v.loan.call != nil && v.engine.loanBook!.marginValue(v.loan).raw == 18_000_000_000)
        v.expectSnapshotRoundTrip()
    }

    @Test func aMarketMoveThatBreachesTheCollateralLimitRaisesAnAlertAtOnceAndClearsIt() throws {
        // Concentration from the first dollar pledged (no minimum pool): VA-MAJORS at most 60%.
        var config = VenueConfig.standard
        let std = VenueConfig.standardFinancing
        config.financing = try FinancingConfig(collateral: Array(std.collateral.values).sorted { $0.code < $1.code },
                                               limits: try ControlLimits(clientShareOfCapital: .one, clientShareOfLoanBook: .one, loanBookShareMinimumBook: .zero,
                                                                         collateralGroupShare: Rate(raw: 60_000_000), collateralShareMinimumPool: .zero),
                                               creditRule: std.creditRule)
        let v = V.withLoan(draw: "0", config: config)
        v.run(Self.t0 + 2000, "deposit", ["account": "alice", "asset": "0700.HK", "amount": "800"])
        v.run(Self.t0 + 2000, "collateralPrice", ["asset": "0700.HK", "price": "50"])
        v.run(Self.t0 + 2000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "0700.HK", "qty": "800"])
        v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "10000"])
        // BTC 60,000 of 100,000 pledged = 60%: at the limit, not over it. BTC to 66,000: 66,000 of 106,000.
        v.index(Self.t0 + 3000, "66000")
        let raised = v.all.compactMap { if case let .financing(.controlBreach(code, subject, _, up, _, _)) = $0 { return (code, subject, up) } else { return nil } }
        #expect(raised.count == 1 && raised[0].0 == "COLLATERAL_CONCENTRATION_EXCEEDED" && raised[0].1 == "VA-MAJORS" && raised[0].2)
        // A drawdown is refused by the same limit; back to 60,000 the alert clears.
        #expect(V.rejection(v.run(Self.t0 + 3000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "1"]))?.code == .collateralConcentrationExceeded)
        v.index(Self.t0 + 4000, "60000")
        let all = v.all.compactMap { if case let .financing(.controlBreach(_, _, _, up, _, _)) = $0 { return up } else { return nil } }
        #expect(all == [true, false])
    }

    @Test func theRiskTeamChangesTheLimitsWithFourEyesAndATighterLimitBreachesAtOnce() {
        let v = V.withLoan()
        let request: (String, String, String) -> [String: Any] = { id, share, multiple in
            ["requestId": id, "by": "raj", "clientShareOfCapital": share, "clientShareOfLoanBook": "0.4", "loanBookShareMinimumBook": "10000000",
             "collateralGroupShare": "0.6", "collateralShareMinimumPool": "10000000", "lendingMultiple": multiple, "reason": "credit committee 12/2026"]
        }
        // Unsound limits are refused when proposed, naming the figure.
        let six = v.run(Self.t0 + 2000, "proposeFinancingLimits", request("l-0", "0.0004", "6"))
        #expect(V.rejection(six)?.code == .invalidFinancingConfig && V.rejection(six)?.message.contains("6×") == true)
        #expect(V.rejection(v.run(Self.t0 + 2000, "proposeFinancingLimits", request("l-0", "0", "5")))?.code == .invalidFinancingConfig)
        // 20,000 of 50,000,000 capital is exactly 0.0004: at the limit, not over it.
        v.run(Self.t0 + 2000, "proposeFinancingLimits", request("l-1", "0.0004", "5"))
        #expect(v.engine.loanBook!.config.limits.clientShareOfCapital.raw == 25_000_000, "nothing before the checker")
        #expect(V.rejection(v.run(Self.t0 + 2000, "approveRequest", ["requestId": "l-1", "by": "raj"]))?.code == .sameMakerAndChecker)
        let approved = v.run(Self.t0 + 2000, "approveRequest", ["requestId": "l-1", "by": "rita"])
        #expect(V.rejection(approved) == nil)
        #expect(approved.contains { if case let .financing(.limitsSet(f, "rita")) = $0 { f.clientShareOfCapital == 40_000 } else { false } })
        #expect(v.engine.loanBook!.config.limits.clientShareOfCapital.raw == 40_000)
        #expect(!approved.contains { if case .financing(.controlBreach) = $0 { true } else { false } })
        // The next drawdown is judged by the new limit (margin to spare: the free 0.2 BTC pledged too).
        v.run(Self.t0 + 2000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "BTC", "qty": "0.2"])
        let over = v.run(Self.t0 + 2000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "0.000001"])
        #expect(V.rejection(over)?.code == .clientCapitalShareExceeded)
        // A limit the book is already over is a breach for the risk team in the approving command.
        v.run(Self.t0 + 3000, "proposeFinancingLimits", request("l-2", "0.0003", "5"))
        let tighter = v.run(Self.t0 + 3000, "approveRequest", ["requestId": "l-2", "by": "rita"])
        let breaches = tighter.compactMap { if case let .financing(.controlBreach(code, _, _, up, _, _)) = $0 { return (code, up) } else { return nil } }
        #expect(breaches.count == 1 && breaches[0].0 == "CLIENT_CAPITAL_SHARE_EXCEEDED" && breaches[0].1)
        v.expectSnapshotRoundTrip()
    }

    @Test func theLoanBookIsStressTestedOnScheduleAtTheFirstCommandOfEachMonth() {
        // PAY with cash to pay it: the loan stays exactly 20,000 against 1 BTC at 60,000, 60% haircut.
        let v = V.withLoan(settlement: "PAY")
        v.run(Self.t0 + 1000, "deposit", ["account": "alice", "asset": "USD", "amount": "10000"])
        func stressEvents(_ events: [Event]) -> [(String, Int64, Int64, Int64, Int64)] {
            events.compactMap {
                if case let .financing(.stressTested(name, clients, underWater, shortfall, uncovered, capital, _, share)) = $0 {
                    #expect(clients == 1 && uncovered == 0 && capital == 50_000_000_000_000)
                    return (name, underWater, shortfall, share, clients)
                }
                return nil
            }
        }
        for d in 1...30 { #expect(stressEvents(v.run(Self.t0 + Int64(d) * V.day + 5000, "tick")).isEmpty, "day \(d) of January") }
        let february = stressEvents(v.run(Self.t0 + 31 * V.day + 5000, "tick"))
        // BTC −20/−40/−60%: margin value 19,200 / 14,400 / 9,600 against 20,000 owed; share of the
        // 50,000,000 capital rounded up in 1e-8: 800 → 1,600, 5,600 → 11,200, 10,400 → 20,800.
        #expect(february.map(\.0) == ["VA -20%", "ALL -20%", "VA -40%", "ALL -40%", "VA -60%", "ALL -60%"])
        #expect(february.map(\.2) == [800_000_000, 800_000_000, 5_600_000_000, 5_600_000_000, 10_400_000_000, 10_400_000_000])
        #expect(february.map(\.3) == [1_600, 1_600, 11_200, 11_200, 20_800, 20_800])
        #expect(february.allSatisfy { $0.1 == 1 })
        #expect(stressEvents(v.run(Self.t0 + 32 * V.day + 5000, "tick")).isEmpty, "once a month")
    }
}
