import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

/// SPOT-1: BTC-USD and ETH-USD spot books in the engine's matcher, settled
/// delivery-versus-payment on the ledger. Figures are worked by hand in each test.
@Suite struct SpotMarketTests {
    /// A venue with the spot market BTC-USD (price 0.1 USD, size 0.00001 BTC, BTC 1e-8).
    final class Spot {
        let v = TestVenue()
        var e: Engine { v.engine }
        let market: InstrumentID

        init() { market = v.engine.instrumentID(symbol: "BTC-USD")! }

        func btc(_ s: String) -> Int64 { try! FixedDecimal.parse(s, scale: DecimalScale(8)) }
        func depositBTC(_ a: AccountID, _ amount: String) { v.run(.deposit(account: a, asset: "BTC", amount: btc(amount))) }
        func btcBalance(_ a: AccountID) -> Int64 { e.balance(a, asset: "BTC") }

        @discardableResult
        func order(_ a: AccountID, _ side: Side, _ q: String, at price: String? = nil, type: OrderType = .limit,
                   tif: TimeInForce = .gtc, stp: SelfTradePrevention = .expireTaker, coid: String? = nil) -> [Event] {
            v.place(a, side, q, at: price, type: type, tif: tif, stp: stp, coid: coid, on: market)
        }

        /// Every asset's books sum to zero and every lock matches the open orders.
        func sound(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(e.invariantViolations() == [], sourceLocation: sourceLocation)
            for (_, sum) in e.ledger.sums(defaultAsset: "USD") { #expect(sum == 0, sourceLocation: sourceLocation) }
        }

        var fees: Int64 { e.ledger.balance(e.feesBook) }
    }

    @Test func aFillSettlesBothLegsAndBothFeesAtOnce() {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "1")
        let ask = s.order(bob, .sell, "0.5", at: "60000.0")
        #expect(ask.rejection == nil)
        #expect(s.btcBalance(bob) == s.btc("0.5"))                // 0.5 BTC locked by the ask
        #expect(s.e.locked(bob, asset: "BTC") == s.btc("0.5"))
        let ev = s.order(alice, .buy, "0.5", at: "60000.0")
        let t = ev.trades
        #expect(t.count == 1)
        // Notional 30,000 USD; taker (alice) pays 0.05% = 15, maker (bob) 0.02% = 6.
        #expect(t.first?.takerFee == s.v.usd("15") && t.first?.makerFee == s.v.usd("6"))
        #expect(s.v.cash(alice) == s.v.usd("69985"))
        #expect(s.btcBalance(alice) == s.btc("0.5"))
        #expect(s.v.cash(bob) == s.v.usd("29994"))
        #expect(s.btcBalance(bob) == s.btc("0.5"))
        #expect(s.e.locked(alice, asset: "USD") == 0 && s.e.locked(bob, asset: "BTC") == 0)
        #expect(s.fees == s.v.usd("21"))
        // Both legs are in the same command's postings: the delivery and the payment.
        let reasons = ev.compactMap { if case .posting(let p) = $0 { return p.reason } else { return nil } }
        #expect(reasons.contains(.spotDelivery) && reasons.contains(.spotPayment))
        // The buyer's and seller's BTC balances are published.
        let btcBalances = ev.compactMap { if case .balance(let a, "BTC", let amount) = $0 { return (a, amount) } else { return nil } }
        #expect(btcBalances.count == 2)
        s.sound()
    }

    @Test func nobodySellsWhatTheyDoNotHold() {
        let s = Spot()
        let bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "0.1")
        let before = s.e.stateHash()
        let tooMuch = s.order(bob, .sell, "0.2", at: "60000.0")
        #expect(tooMuch.rejection?.code == .insufficientBalance)
        #expect(tooMuch.rejection?.message.contains("selling 0.2 BTC needs 0.2 BTC; available 0.1") == true)
        #expect(s.e.stateHash() == before)
        #expect(s.order(bob, .sell, "0.1", at: "60000.0").rejection == nil)
        // The first ask locked all of it: a second one, or a withdrawal, finds nothing free.
        #expect(s.order(bob, .sell, "0.00001", at: "60000.0").rejection?.code == .insufficientBalance)
        #expect(s.v.run(.withdraw(account: bob, asset: "BTC", amount: 1)).rejection?.code == .insufficientBalance)
        s.sound()
    }

    @Test func aBuyLocksItsPriceAndLargestFeeAndCancelGivesItAllBack() {
        let s = Spot()
        let alice = s.v.open("alice")
        let id = s.order(alice, .buy, "1", at: "50000.0").acceptedId!
        // 50,000 USD + 100,000 lots × ⌈0.5 USD × 0.05%⌉ = 100,000 × 250 micro-USD = 25 USD.
        #expect(s.e.locked(alice, asset: "USD") == s.v.usd("50025"))
        #expect(s.v.cash(alice) == s.v.usd("49975"))
        #expect(s.v.run(.withdraw(account: alice, asset: "USD", amount: s.v.usd("49976"))).rejection?.code == .insufficientBalance)
        s.v.run(.cancelOrder(account: alice, instrument: s.market, order: .id(id)))
        #expect(s.v.cash(alice) == s.v.usd("100000") && s.e.locked(alice, asset: "USD") == 0)
        s.sound()
    }

    @Test func aTakerFillingBelowItsLimitGetsTheDifferenceBack() {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "1")
        s.order(bob, .sell, "0.1", at: "60000.0")
        let ev = s.order(alice, .buy, "0.3", at: "61000.0")
        #expect(ev.trades.map(\.price) == [s.v.px("60000.0", s.market)])
        // Paid 6,000 + taker fee 3; the 0.2 left rests at 61,000 and locks 12,200 plus
        // 20,000 lots × ⌈0.61 USD × 0.05%⌉ = 20,000 × 305 micro-USD = 6.1.
        #expect(s.e.locked(alice, asset: "USD") == s.v.usd("12206.1"))
        #expect(s.v.cash(alice) == s.v.usd("100000") - s.v.usd("6003") - s.v.usd("12206.1"))
        #expect(s.btcBalance(alice) == s.btc("0.1"))
        s.sound()
    }

    @Test func onlyAProfessionalInvestorMayBuyButAnyoneMaySellWhatTheyHold() {
        let s = Spot()
        s.v.run(.openAccount(name: "carol", group: nil, feeTier: nil))
        let carol = s.e.accountID(named: "carol")!
        s.v.run(.deposit(account: carol, asset: "USD", amount: s.v.usd("1000")))
        s.depositBTC(carol, "0.01")
        let mm = s.v.open("mm")
        s.order(mm, .buy, "0.01", at: "59000.0")
        #expect(s.order(carol, .buy, "0.001", at: "58000.0").rejection?.code == .notProfessionalInvestor)
        #expect(s.order(carol, .sell, "0.01", at: "59000.0").trades.count == 1)
        s.sound()
    }

    @Test func perpetualOnlyCommandsAndOrderKindsAreRefusedOnSpot() {
        let s = Spot()
        let alice = s.v.open("alice")
        #expect(s.v.run(.setLeverage(account: alice, instrument: s.market, leverage: 5)).rejection?.code == .notPerpetual)
        #expect(s.v.run(.setMarginMode(account: alice, instrument: s.market, isolated: true)).rejection?.code == .notPerpetual)
        #expect(s.v.run(.markPrice(instrument: s.market, price: 600_000)).rejection?.code == .notPerpetual)
        #expect(s.v.place(alice, .buy, "0.1", at: "60000.0", reduceOnly: true, on: s.market).rejection?.code == .invalidOrderType)
        // A spot market has no mark price: a stop that asks for it is refused (SpotStopTests has the rest).
        #expect(s.v.place(alice, .buy, "0.1", type: .stopMarket, stop: "61000.0", trigger: .mark, on: s.market).rejection?.code == .invalidOrderType)
        let big = PlaceOrder(account: alice, instrument: s.market, side: .buy, price: 600_000, quantity: 10_000_001)
        #expect(s.v.run(.placeOrder(big)).rejection?.code == .quantityAboveMaximum)   // 100.00001 BTC > 100
        s.sound()
    }

    @Test func anAmendKeepsItsPlaceWhenItOnlyShrinksAndIsCheckedAsNewWhenItMoves() {
        let s = Spot()
        let alice = s.v.open("alice"), dan = s.v.open("dan"), bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "1")
        func amend(_ a: AccountID, _ id: OrderID, price: String? = nil, qty: String? = nil) -> [Event] {
            s.v.run(.amendOrder(account: a, instrument: s.market, order: .id(id), price: price.map { s.v.px($0, s.market) },
                                quantity: qty.map { s.btc($0) / 1000 }))
        }
        // 0.3 at 60,000 locks 18,000 + 30,000 lots × ⌈0.6 USD × 0.05%⌉ = 30,000 × 300 micro-USD = 18,009.
        let a = s.order(alice, .buy, "0.3", at: "60000.0").acceptedId!
        let d = s.order(dan, .buy, "0.1", at: "60000.0").acceptedId!
        #expect(s.e.locked(alice, asset: "USD") == s.v.usd("18009"))
        // Smaller at the same price: the place is kept, the cut's lock comes back (12,006 left).
        let shrink = amend(alice, a, qty: "0.2")
        #expect(shrink.rejection == nil && shrink.contains { if case .amended(a, _, _, _, _, _) = $0 { true } else { false } })
        #expect(s.e.locked(alice, asset: "USD") == s.v.usd("12006"))
        #expect(s.order(bob, .sell, "0.1", at: "60000.0", tif: .ioc).trades.map(\.makerOrderId) == [a], "alice is still first")
        s.sound()
        // A new price loses the place; the remaining 0.1 at 60,100 locks 6,010 + 10,000 × ⌈0.601 × 0.05%⌉ = 10,000 × 301 µ = 6,013.01.
        let before = s.e.stateHash()
        #expect(amend(alice, a, price: "60100.0", qty: "100").rejection?.code == .insufficientBalance, "100 BTC is more than alice has")
        #expect(amend(alice, a, price: "70000.0").rejection?.code == .priceOutsideBand)
        #expect(amend(alice, a, qty: "0.1").rejection?.code == .invalidQuantity, "not above the 0.1 already filled")
        #expect(s.e.stateHash() == before, "refusals change nothing")
        #expect(amend(alice, a, price: "60100.0").rejection == nil)
        #expect(s.e.locked(alice, asset: "USD") == s.v.usd("6013.01"))
        // bob's sell amended down across alice's bid trades as an incoming order at alice's price.
        let ask = s.order(bob, .sell, "0.5", at: "61000.0").acceptedId!
        #expect(s.e.locked(bob, asset: "BTC") == s.btc("0.5"))
        #expect(amend(bob, ask, qty: "0.95").rejection?.code == .insufficientBalance, "bob holds 0.9 BTC")
        let cross = amend(bob, ask, price: "60100.0")
        #expect(cross.trades.map { [$0.makerOrderId, $0.takerOrderId] } == [[a, ask]] && cross.trades.first?.price == s.v.px("60100.0", s.market))
        #expect(s.e.locked(alice, asset: "USD") == 0 && s.e.locked(bob, asset: "BTC") == s.btc("0.4"))
        // What is left rests at the new price behind nobody: dan's 60,000 bid is untouched.
        #expect(s.e.locked(dan, asset: "USD") == s.v.usd("6003"))
        _ = d
        s.sound()
    }

    @Test func selfTradePreventionExpiresTheMakerAndUnlocksIt() {
        let s = Spot()
        let a1 = s.v.open("desk-1", group: "desk"), a2 = s.v.open("desk-2", group: "desk")
        s.depositBTC(a1, "1")
        s.order(a1, .sell, "0.5", at: "60000.0")
        let ev = s.order(a2, .buy, "0.5", at: "60000.0", stp: .expireMaker)
        #expect(ev.trades.isEmpty)
        #expect(s.btcBalance(a1) == s.btc("1") && s.e.locked(a1, asset: "BTC") == 0)
        s.sound()
    }

    @Test func aMarketBuyFillsWithinItsProtectionAndUnlocksTheRest() {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0")
        #expect(s.order(alice, .buy, "0.1", type: .market, tif: .ioc).rejection?.code == .noLiquidity)
        s.depositBTC(bob, "1")
        s.order(bob, .sell, "0.1", at: "60000.0")
        s.order(bob, .sell, "0.1", at: "70000.0")                  // beyond 2% protection of 60,000
        let ev = s.order(alice, .buy, "0.3", type: .market, tif: .ioc)
        #expect(ev.trades.count == 1)
        let expired = ev.compactMap { if case .expired(let end) = $0 { return end.remaining } else { return nil } }
        #expect(expired == [s.v.qty("0.2", s.market)])
        #expect(s.v.cash(alice) == s.v.usd("100000") - s.v.usd("6003"))
        #expect(s.e.locked(alice, asset: "USD") == 0)
        s.sound()
    }

    @Test func limitOrdersStayInsideTheBandAroundTheLastTrade() {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "1")
        s.order(bob, .sell, "0.1", at: "60000.0")
        s.order(alice, .buy, "0.1", at: "60000.0")
        // Band 10% of 60,000: 54,000 … 66,000.
        #expect(s.order(alice, .buy, "0.1", at: "53999.9").rejection?.code == .priceOutsideBand)
        #expect(s.order(alice, .buy, "0.1", at: "54000.0").rejection == nil)
        s.sound()
    }

    @Test func depositsAndWithdrawalsOfSpotAssetsAreExactAndLimitedToFreeUnits() {
        let s = Spot()
        let bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "0.12345678")
        #expect(s.btcBalance(bob) == 12_345_678)
        #expect(s.v.run(.withdraw(account: bob, asset: "BTC", amount: 12_345_679)).rejection?.code == .insufficientBalance)
        #expect(s.v.run(.withdraw(account: bob, asset: "BTC", amount: 345_678)).rejection == nil)
        #expect(s.btcBalance(bob) == 12_000_000)
        #expect(s.v.run(.deposit(account: bob, asset: "DOGE", amount: 1)).rejection?.code == .unknownAsset)
        #expect(s.e.ledger.balance(s.e.ledger.existingBook(.external(asset: "BTC"))!) == -12_000_000)
        s.sound()
    }

    @Test func snapshotsKeepSpotBooksAndLocks() throws {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0")
        s.depositBTC(bob, "1")
        s.order(bob, .sell, "0.4", at: "61000.0", coid: "ask-1")
        s.order(alice, .buy, "0.2", at: "59000.0", coid: "bid-1")
        s.order(bob, .sell, "0.1", at: "59000.0")                   // fills against the bid: last price 59,000
        let bytes = s.e.snapshot()
        let restored = try Engine(snapshot: bytes, config: .standard)
        #expect(restored.stateHash() == s.e.stateHash())
        #expect(restored.snapshot() == bytes)
        #expect(restored.invariantViolations() == [])
        // The restored engine goes on exactly as the original.
        let c = Command.cancelOrder(account: bob, instrument: s.market, order: .client("ask-1"))
        #expect(restored.apply(c, timestamp: s.v.ts + 1) == s.e.apply(c, timestamp: s.v.ts + 1))
        #expect(restored.stateHash() == s.e.stateHash())
    }
}
