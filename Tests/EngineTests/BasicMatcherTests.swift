import HarbourCore
import Matching
import Testing

/// The plain matcher used by the Liquibook comparison, checked against fills computed by hand.
@Suite struct BasicMatcherTests {
    typealias Fill = BasicMatcher.Fill

    @Test func nonCrossingOrdersRest() {
        let m = BasicMatcher()
        #expect(m.submit(orderId: 1, account: 0, group: 0, side: .buy, price: 100, quantity: 5) == 0)
        #expect(m.submit(orderId: 2, account: 1, group: 1, side: .sell, price: 101, quantity: 7) == 0)
        #expect(m.fills.isEmpty)
        #expect(m.book.orderCount == 2)
        #expect(m.book.bookSide(.buy).bestPrice == 100)
        #expect(m.book.bookSide(.sell).bestPrice == 101)
    }

    @Test func crossesAtTheMakerPrice() {
        let m = BasicMatcher()
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
        let m = BasicMatcher()
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
        let m = BasicMatcher()
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
        let m = BasicMatcher(accounts: 1)
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
        let m = BasicMatcher()
        var state: UInt64 = 42
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        var submitted: Int64 = 0, filled: Int64 = 0
        for id in 1...5000 {
            let buy = id % 2 == 0
            let price = Int64(next() % 10) + (buy ? 1880 : 1884)
            let qty = Int64(next() % 10 + 1) * 100
            submitted += qty
            let f = m.submit(orderId: Int64(id), account: 0, group: 0, side: buy ? .buy : .sell, price: price, quantity: qty)
            #expect(f == m.fills.reduce(0) { $0 + $1.quantity })
            filled += 2 * f
            if let b = m.book.bookSide(.buy).bestPrice, let a = m.book.bookSide(.sell).bestPrice { #expect(b < a) }
        }
        let resting = (m.book.ordersInPriority(.buy) + m.book.ordersInPriority(.sell)).reduce(0) { $0 + $1.remaining }
        #expect(submitted == filled + resting)
    }
}
