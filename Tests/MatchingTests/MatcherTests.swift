import HarbourCore
import Matching
import Testing

/// The venue's matching loop (`Matcher`, the one `Engine` runs) on a bare book, checked
/// against fills computed by hand: priority, maker price, self-trade prevention and
/// reduce-only caps.
@Suite struct MatcherTests {
    typealias Fill = BookOnlyMatching.Fill

    @Test func nonCrossingOrdersRest() {
        var m = BookOnlyMatching()
        #expect(m.submit(orderId: 1, account: 0, group: 0, side: .buy, price: 100, quantity: 5) == 0)
        #expect(m.submit(orderId: 2, account: 1, group: 1, side: .sell, price: 101, quantity: 7) == 0)
        #expect(m.fills.isEmpty)
        #expect(m.book.orderCount == 2)
        #expect(m.book.bookSide(.buy).bestPrice == 100)
        #expect(m.book.bookSide(.sell).bestPrice == 101)
    }

    @Test func crossesAtTheMakerPrice() {
        var m = BookOnlyMatching()
        m.submit(orderId: 1, account: 0, group: 0, side: .sell, price: 100, quantity: 5)
        // A buy limited at 105 trades at the resting 100, not at 105.
        #expect(m.submit(orderId: 2, account: 1, group: 1, side: .buy, price: 105, quantity: 5) == 5)
        #expect(m.fills == [Fill(makerOrderId: 1, makerAccount: 0, price: 100, quantity: 5)])
        #expect(m.book.orderCount == 0)
        // And a sell limited at 90 trades at a resting bid of 95.
        m.submit(orderId: 3, account: 0, group: 0, side: .buy, price: 95, quantity: 2)
        #expect(m.submit(orderId: 4, account: 1, group: 1, side: .sell, price: 90, quantity: 2) == 2)
        #expect(m.fills == [Fill(makerOrderId: 3, makerAccount: 0, price: 95, quantity: 2)])
    }

    @Test func fifoWithinALevelAndBestPriceFirst() {
        var m = BookOnlyMatching()
        m.submit(orderId: 1, account: 0, group: 0, side: .sell, price: 101, quantity: 3)
        m.submit(orderId: 2, account: 1, group: 1, side: .sell, price: 100, quantity: 2)
        m.submit(orderId: 3, account: 2, group: 2, side: .sell, price: 100, quantity: 4)
        m.submit(orderId: 4, account: 3, group: 3, side: .sell, price: 102, quantity: 9)
        // 8 at up to 101: 2 (id 2, oldest at 100), 4 (id 3), then 2 of id 1 at 101.
        #expect(m.submit(orderId: 5, account: 4, group: 4, side: .buy, price: 101, quantity: 8) == 8)
        #expect(m.fills == [
            Fill(makerOrderId: 2, makerAccount: 1, price: 100, quantity: 2),
            Fill(makerOrderId: 3, makerAccount: 2, price: 100, quantity: 4),
            Fill(makerOrderId: 1, makerAccount: 0, price: 101, quantity: 2),
        ])
        // Id 1 keeps 1 at 101 with its priority; 102 is untouched; the taker did not rest.
        #expect(m.book.orderCount == 2)
        #expect(m.book.bookSide(.sell).bestPrice == 101)
        #expect(m.book.bookSide(.sell).bestTotal == 1)
        #expect(m.book.bookSide(.buy).bestPrice == nil)
        let asks = m.book.ordersInPriority(.sell)
        #expect(asks.map(\.orderId) == [1, 4])
        #expect(asks.map(\.remaining) == [1, 9])
    }

    @Test func partialFillThenRemainderRests() {
        var m = BookOnlyMatching()
        m.submit(orderId: 1, account: 0, group: 0, side: .buy, price: 50, quantity: 4)
        m.submit(orderId: 2, account: 0, group: 0, side: .buy, price: 49, quantity: 4)
        // Sell 10 at 49: takes 4 at 50, 4 at 49, rests 2 at 49 as the new best ask.
        #expect(m.submit(orderId: 3, account: 1, group: 1, side: .sell, price: 49, quantity: 10) == 8)
        #expect(m.fills == [
            Fill(makerOrderId: 1, makerAccount: 0, price: 50, quantity: 4),
            Fill(makerOrderId: 2, makerAccount: 0, price: 49, quantity: 4),
        ])
        #expect(m.book.bookSide(.buy).bestPrice == nil)
        #expect(m.book.bookSide(.sell).bestPrice == 49)
        let rest = m.book.ordersInPriority(.sell)
        #expect(rest.count == 1)
        #expect(rest.first?.orderId == 3)
        #expect(rest.first?.remaining == 2)
        #expect(rest.first?.quantity == 10)
        // A later buy of 1 partially fills the rested remainder; it keeps 1.
        #expect(m.submit(orderId: 4, account: 2, group: 2, side: .buy, price: 60, quantity: 1) == 1)
        #expect(m.fills == [Fill(makerOrderId: 3, makerAccount: 1, price: 49, quantity: 1)])
        #expect(m.book.bookSide(.sell).bestTotal == 1)
        #expect(m.fillCount == 3)
    }

    @Test func ownerListsSurviveFillsAndCancels() {
        var m = BookOnlyMatching(accounts: 1)
        // Account 7 is beyond the pre-sized table: the table grows.
        m.submit(orderId: 1, account: 7, group: 7, side: .sell, price: 10, quantity: 1)
        m.submit(orderId: 2, account: 7, group: 7, side: .sell, price: 11, quantity: 1)
        m.submit(orderId: 3, account: 7, group: 7, side: .sell, price: 12, quantity: 1)
        #expect(m.submit(orderId: 4, account: 0, group: 0, side: .buy, price: 10, quantity: 1) == 1)
        #expect(m.cancel(orderId: 3) == 1)
        #expect(m.cancel(orderId: 3) == nil)
        #expect(m.book.ordersInPriority(.sell).map(\.orderId) == [2])
        #expect(m.book.ownerSlots(head: m.book.slot(of: 2)!).count == 1)
    }

    @Test func liquibookStyleStreamConservesQuantity() {
        // Alternating buys in 1880...1889 and sells in 1884...1893: every fill takes the
        // same quantity from both sides, and the book never stays crossed.
        var m = BookOnlyMatching()
        var state: UInt64 = 42
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        var submitted: Int64 = 0, filled: Int64 = 0
        for id in 1...5000 {
            let buy = id % 2 == 0
            let price = Int64(next() % 10) + (buy ? 1880 : 1884)
            let qty = Int64(next() % 10 + 1) * 100
            submitted += qty
            // Buyers and sellers in different STP groups, so no order meets its own group.
            let f = m.submit(orderId: Int64(id), account: buy ? 0 : 1, group: buy ? 0 : 1, side: buy ? .buy : .sell,
                             price: price, quantity: qty)
            #expect(f == m.fills.reduce(0) { $0 + $1.quantity })
            filled += 2 * f
            if let b = m.book.bookSide(.buy).bestPrice, let a = m.book.bookSide(.sell).bestPrice { #expect(b < a) }
        }
        let resting = (m.book.ordersInPriority(.buy) + m.book.ordersInPriority(.sell)).reduce(0) { $0 + $1.remaining }
        #expect(submitted == filled + resting)
    }

    @Test func selfTradePreventionNeverTradesInsideAGroup() {
        // expireTaker: the taker stops, the maker of its group stays, nothing rests.
        var m = BookOnlyMatching()
        m.submit(orderId: 1, account: 0, group: 5, side: .sell, price: 100, quantity: 3)
        #expect(m.submit(orderId: 2, account: 1, group: 5, side: .buy, price: 100, quantity: 3, stp: .expireTaker) == 0)
        #expect(m.book.ordersInPriority(.sell).map(\.orderId) == [1])
        #expect(m.book.ordersInPriority(.buy).isEmpty)
        // expireMaker: the maker of its group expires, the taker trades on behind it.
        m.submit(orderId: 3, account: 2, group: 6, side: .sell, price: 100, quantity: 2)
        #expect(m.submit(orderId: 4, account: 1, group: 5, side: .buy, price: 100, quantity: 2, stp: .expireMaker) == 2)
        #expect(m.fills == [Fill(makerOrderId: 3, makerAccount: 2, price: 100, quantity: 2)])
        #expect(m.book.orderCount == 0)
        // expireBoth: both go.
        m.submit(orderId: 5, account: 0, group: 5, side: .sell, price: 100, quantity: 1)
        m.submit(orderId: 6, account: 2, group: 6, side: .sell, price: 100, quantity: 1)
        #expect(m.submit(orderId: 7, account: 1, group: 5, side: .buy, price: 100, quantity: 2, stp: .expireBoth) == 0)
        #expect(m.book.ordersInPriority(.sell).map(\.orderId) == [6])
        #expect(m.book.ordersInPriority(.buy).isEmpty)
    }

    /// A delegate that caps reduce-only makers at a fixed quantity and records what happens.
    struct CappingDelegate: MatchingDelegate {
        let book: OrderBook
        var heads = [Int32](repeating: -1, count: 4)
        var cap: Int64
        var log: [String] = []
        mutating func expire(slot: Int32, reason: MatchExpiry) {
            log.append("expire \(book[slot].orderId) \(reason)")
            let account = Int(book[slot].account)
            book.remove(slot: slot, ownerHead: &heads[account])
        }
        func reduceOnlyCap(of maker: RestingOrder) -> Int64 { cap }
        mutating func trade(maker: RestingOrder, taker: MatchTaker, quantity: Int64) {
            log.append("trade \(maker.orderId) \(quantity)@\(maker.price)")
        }
        mutating func filled(slot: Int32, maker: RestingOrder) {
            log.append("filled \(maker.orderId)")
            book.remove(slot: slot, ownerHead: &heads[Int(maker.account)])
        }
    }

    @Test func reduceOnlyMakersTradeUpToTheirCapThenExpire() {
        let book = OrderBook(instrument: InstrumentID(0))
        var d = CappingDelegate(book: book, cap: 2)
        book.insert(RestingOrder(orderId: 1, account: 0, group: 0, side: .sell, price: 100, quantity: 5, remaining: 5, reduceOnly: true),
                    ownerHead: &d.heads[0])
        book.insert(RestingOrder(orderId: 2, account: 1, group: 1, side: .sell, price: 101, quantity: 5, remaining: 5, reduceOnly: false),
                    ownerHead: &d.heads[1])
        var taker = MatchTaker(orderId: 3, account: 2, group: 2, side: .buy, limit: 101, remaining: 4, stp: .expireTaker)
        let last = Matcher.match(&taker, in: book, delegate: &d)
        // 2 of the reduce-only maker (its cap), which then expires; 2 more from order 2.
        #expect(d.log == ["trade 1 2@100", "expire 1 reduceOnly", "trade 2 2@101"])
        #expect(last == 101)
        #expect(taker.remaining == 0)
        // A cap of 0 expires the maker without a trade.
        d.cap = 0
        d.log = []
        book.insert(RestingOrder(orderId: 4, account: 0, group: 0, side: .sell, price: 100, quantity: 1, remaining: 1, reduceOnly: true),
                    ownerHead: &d.heads[0])
        var second = MatchTaker(orderId: 5, account: 2, group: 2, side: .buy, limit: 100, remaining: 1, stp: .expireTaker)
        #expect(Matcher.match(&second, in: book, delegate: &d) == 0)
        #expect(d.log == ["expire 4 reduceOnly"])
        #expect(second.remaining == 1)
    }
}
