import HarbourCore
import Matching
import Testing
@testable import Engine

/// RISK-3 at scale: the workload of `harbour bench monitor` (shared source,
/// MarginMonitorWorkload.swift) does what the bench claims, on 2,000 positions with 100
/// near liquidation. The property, not the time: a mark move crossing k near triggers
/// visits exactly k index entries and liquidates exactly those k accounts — which the
/// exact margin arithmetic, evaluated for every account, agrees are the only ones below
/// maintenance — in the book, with no insurance payout or auto-deleveraging; a move
/// crossing none liquidates none; the ledger sums to zero throughout.
@Suite struct MarginMonitorWorkloadTests {
    static let positions = 2_000
    static let near = 100

    @Test func workloadAtRest() throws {
        let w = try MarginMonitorWorkload(positions: Self.positions, nearLiquidation: Self.near)
        let e = w.engine
        #expect(e.accountCount == Self.positions + 1)
        #expect(e.ledger.sum == 0)
        #expect(MarginMonitorWorkload.fullScan(e) == 0)
        // Every position has an index entry (the index holds N entries, not only the risky).
        let index = e.liq.instruments[0]
        #expect(index.longs.entries.count == Self.positions / 2)
        #expect(index.shorts.entries.count == Self.positions / 2)
        #expect(index.multi.isEmpty)
        // Near triggers: strictly descending, just below 60000.0, within ~1.7 %; every
        // other trigger far away.
        #expect(w.nearTriggers.count == Self.near)
        #expect(zip(w.nearTriggers, w.nearTriggers.dropFirst()).allSatisfy { $0 > $1 })
        #expect(w.nearTriggers.first! < MarginMonitorWorkload.quietMark && w.nearTriggers.first! > 585_000)
        let nearSet = Set(w.nearAccounts.map(\.index))
        for a in 0..<e.accountCount where !nearSet.contains(UInt32(a)) {
            if let t = e.liquidationTrigger(AccountID(UInt32(a)), MarginMonitorWorkload.instrument) {
                #expect(t < 350_000 || t > 850_000)
            }
        }
        // The market maker's bid is below every near trigger, above every bankruptcy price.
        #expect(w.bidPrice < w.nearTriggers.last!)
        for a in w.nearAccounts {
            #expect(e.bankruptcyPrice(a.index, instrument: 0, isolated: false) <= w.bidPrice)
        }
    }

    @Test func noCrossUpdatesLiquidateNothing() throws {
        let w = try MarginMonitorWorkload(positions: Self.positions, nearLiquidation: Self.near)
        let e = w.engine
        for price in [MarginMonitorWorkload.quietMark, MarginMonitorWorkload.openMark, w.crossingMark(0),
                      MarginMonitorWorkload.quietMark, w.crossingMark(0) + 1_000] {
            #expect(e.liq.crossed(instrument: 0, mark: price).isEmpty)
            #expect(MarginMonitorWorkload.markUpdate(e, price).isEmpty)
            #expect(e.events.count == 1)   // the mark event only
            #expect(e.ledger.sum == 0)
        }
        #expect(MarginMonitorWorkload.fullScan(e) == 0)
    }

    @Test(arguments: [0, 1, 10, 100])
    func crossingKLiquidatesExactlyK(k: Int) throws {
        let w = try MarginMonitorWorkload(positions: Self.positions, nearLiquidation: Self.near)
        try w.restore(w.engine.snapshot())
        let e = w.engine
        let price = w.crossingMark(k)
        let expected = Set(w.nearAccounts.prefix(k).map(\.index))
        // The index visits exactly the k crossed entries …
        #expect(Set(e.liq.crossed(instrument: 0, mark: price)) == expected)
        #expect(e.liq.crossed(instrument: 0, mark: price).count == k)
        // … and they are exactly the accounts below maintenance at that mark (exact
        // arithmetic for every account, independent of the index).
        let breached = (0..<e.accountCount).filter { e.crossGap(UInt32($0), instrument: 0, price: price) < 0 }
        #expect(Set(breached.map(UInt32.init)) == expected)

        let cashBefore = (0..<e.accountCount).map { e.cash(AccountID(UInt32($0))) }
        e.applyInPlace(.markPrice(instrument: MarginMonitorWorkload.instrument, price: price), timestamp: MarginMonitorWorkload.timestamp)
        let liquidated = Set(e.events.liquidations.map(\.account.index))
        #expect(liquidated == expected)
        #expect(e.events.liquidations.count == k)   // one full close each
        #expect(e.events.adls.isEmpty && e.events.payouts.isEmpty)
        #expect(e.events.trades.count == k && e.events.trades.allSatisfy { $0.price == w.bidPrice })
        #expect(e.ledger.sum == 0)
        for a in 0..<e.accountCount {
            let id = AccountID(UInt32(a))
            if expected.contains(UInt32(a)) {
                #expect(e.position(id, MarginMonitorWorkload.instrument).size == 0)
                #expect(e.cash(id) >= 0)
            } else if id != w.marketMaker {
                #expect(e.cash(id) == cashBefore[a])
                #expect(e.position(id, MarginMonitorWorkload.instrument).size.magnitude == UInt64(MarginMonitorWorkload.positionSize))
            }
        }
        #expect(e.position(w.marketMaker, MarginMonitorWorkload.instrument).size == Int64(k) * MarginMonitorWorkload.positionSize)
        #expect(MarginMonitorWorkload.fullScan(e) == 0)
        // The same mark again: nothing more to do.
        #expect(MarginMonitorWorkload.markUpdate(e, price).isEmpty)
    }

    /// The bench repeats crossing runs on one engine, putting the state back in O(k)
    /// commands in between: afterwards every account has the position, cash and trigger
    /// it had, and the same crossing liquidates the same accounts again.
    @Test(arguments: [1, 100])
    func resetPutsTheCrossedAccountsBack(k: Int) throws {
        let w = try MarginMonitorWorkload(positions: Self.positions, nearLiquidation: Self.near)
        let e = w.engine
        let ids = (0..<e.accountCount).map { AccountID(UInt32($0)) }
        func picture() -> [[Int64?]] {
            ids.filter { $0 != w.marketMaker }.map { a in
                let p = e.position(a, MarginMonitorWorkload.instrument)
                return [p.size, p.cost, e.cash(a), e.liquidationTrigger(a, MarginMonitorWorkload.instrument)]
            }
        }
        let before = picture()
        let expected = Set(w.nearAccounts.prefix(k).map(\.index))
        for _ in 0..<3 {
            #expect(MarginMonitorWorkload.markUpdate(e, w.crossingMark(k)) == expected)
            try w.reset(afterCrossing: k)
            #expect(picture() == before)
            #expect(e.marks[0] == MarginMonitorWorkload.openMark)
            #expect(e.position(w.marketMaker, MarginMonitorWorkload.instrument).openBuyQuantity == Int64(Self.near) * MarginMonitorWorkload.positionSize)
            #expect(e.ledger.sum == 0)
        }
    }
}
