import HarbourCore
import Ledger
import Testing
@testable import Engine
@testable import Financing

/// Random financing histories through the engine (FIN-1..5): pledges, releases,
/// drawdowns, repayments, spot trades, BTC/ETH index paths, share prices and days passing,
/// for three borrowers. After every command (`FinancingVenue.run`): every asset's books
/// sum to zero, the loan books equal the loans, every loan below the call level has a call
/// or a forced sale, every spot forced sale is queued. Over the history: pledged
/// collateral leaves only by release or forced sale, every accepted drawdown leaves the
/// loan at or above the initial level, and a snapshot restores to the same state hash.
@Suite struct FinancingPropertyEngineTests {
    typealias V = FinancingVenue

    @Test(arguments: [UInt64(11), 12, 13])
    func randomHistoriesKeepTheInvariants(seed: UInt64) {
        var rng = SplitMix(state: seed)
        let v = V.withLoan(draw: "10000")
        let t0 = V.t0
        for who in ["dave", "erin"] {
            v.run(t0 + 1000, "openAccount", ["account": who])
            v.professional(who, at: t0 + 1000)
            v.marginClient(who, at: t0 + 1000)
            v.run(t0 + 1000, "deposit", ["account": who, "asset": "BTC", "amount": "3"])
            v.run(t0 + 1000, "deposit", ["account": who, "asset": "ETH", "amount": "30"])
            v.run(t0 + 1000, "deposit", ["account": who, "asset": "0700.HK", "amount": "2000"])
            v.run(t0 + 1000, "loanOpen", ["account": who])
        }
        v.run(t0 + 1000, "collateralPrice", ["asset": "0700.HK", "price": "50"])
        let borrowers = [("alice", 1), ("dave", 2), ("erin", 3)]
        var btc: Int64 = 60_000, eth: Int64 = 3_000
        var ts = t0 + 2000
        var drawdowns = 0, calls = 0
        for step in 0..<1_000 {
            ts += Int64(rng.next() % 4) * 1000 + 1
            let (who, loan) = borrowers[Int(rng.next() % 3)]
            switch rng.next() % 10 {
            case 0, 1:
                switch rng.next() % 8 {
                case 0: btc = btc * 3 / 4   // a crash, past the force-sale level for the most drawn loans
                case 1: btc = btc * 6 / 5
                default: btc += Int64(rng.next() % 4001) - 2100
                }
                btc = max(20_000, min(90_000, btc))
                eth = max(1_000, min(5_000, eth + Int64(rng.next() % 201) - 105))
                for source in ["binance", "okx"] {
                    v.run(ts, "indexPrice", ["symbol": "BTC-PERP", "source": source, "price": String(btc)])
                    v.run(ts, "indexPrice", ["symbol": "ETH-PERP", "source": source, "price": String(eth)])
                }
            case 2:
                let asset = ["BTC", "ETH", "0700.HK"][Int(rng.next() % 3)]
                let qty = asset == "0700.HK" ? String(rng.next() % 300 + 1) : "0." + String(rng.next() % 9 + 1)
                v.run(ts, "collateralPledge", ["account": who, "loan": loan, "asset": asset, "qty": qty])
            case 3:
                let asset = ["BTC", "ETH", "0700.HK"][Int(rng.next() % 3)]
                let qty = asset == "0700.HK" ? String(rng.next() % 200 + 1) : "0.0" + String(rng.next() % 9 + 1)
                v.run(ts, "collateralRelease", ["account": who, "loan": loan, "asset": asset, "qty": qty])
            case 4, 5:
                let events = v.run(ts, "loanDrawdown", ["account": who, "loan": loan, "amount": String(rng.next() % 15_000 + 1)])
                if V.rejection(events) == nil {
                    drawdowns += 1
                    let l = v.engine.loanBook!.loans[LoanID(Int64(loan))]!
                    let required = MarginLevels.required(loan: l.amountOwed, at: v.engine.loanBook!.config.levels.initial)
                    #expect(Int128(v.engine.loanBook!.marginValue(l).raw) >= required, "step \(step): a drawdown left the loan under the initial level")
                }
            case 6:
                v.run(ts, "loanRepay", ["account": who, "loan": loan, "amount": String(rng.next() % 5_000 + 1)])
            case 7:
                // Spot liquidity near the index for forced sales, and trades that move the last price.
                let price = String(btc - Int64(rng.next() % 500))
                v.run(ts, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "GTC",
                                         "price": price, "qty": "0.2"])
                v.run(ts, "placeOrder", ["account": "bob", "symbol": "BTC-USD", "side": "sell", "orderType": "limit", "timeInForce": "IOC",
                                         "price": price, "qty": "0.05"])
            case 8:
                v.run(ts, "collateralPrice", ["asset": "0700.HK", "price": String(30 + rng.next() % 40)])
            default:
                ts += V.day / 2
                v.run(ts, "tick")
            }
            calls += V.notices(v.engine.events).filter { $0.kind == .marginCall }.count
        }
        // Pledged collateral moved only by pledge, release or forced sale.
        for event in v.all {
            guard case let .posting(p) = event else { continue }
            let keys = [v.engine.ledger.keys[Int(p.from)], v.engine.ledger.keys[Int(p.to)]]
            if keys.contains(where: { if case .loanCollateral = $0 { return true } else { return false } }) {
                #expect([.pledge, .release, .forcedSale].contains(p.reason), "collateral moved by \(p.reason.name)")
            }
        }
        let kinds = Dictionary(grouping: V.notices(v.all), by: \.kind).mapValues(\.count)
        let refusals = Set(v.all.compactMap { if case let .rejected(r, _, _, _) = $0 { return r.code.rawValue } else { return nil } })
        print("seed \(seed): \(drawdowns) drawdowns, notices \(kinds.sorted { $0.key.rawValue < $1.key.rawValue }), refusals \(refusals.sorted())")
        #expect(drawdowns > 20)
        #expect((kinds[.marginCall] ?? 0) + (kinds[.forcedSale] ?? 0) > 0, "the history reaches calls or forced sales")
        v.expectSnapshotRoundTrip()
    }
}
