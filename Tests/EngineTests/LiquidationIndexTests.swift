import Testing
@testable import Engine

/// The liquidation index's block list (RISK-3) against a plain sorted array: random
/// inserts and removes across many block splits and emptied blocks, and the crossed
/// scans, must match exactly.
@Suite struct LiquidationIndexTests {
    typealias Entry = LiquidationIndex.Entry

    @Test func blockListMatchesASortedArray() {
        var rng = SystemRandomNumberGenerator()
        var side = LiquidationIndex.Side()
        var reference: [Entry] = []
        var present = Set<UInt32>()
        var prices: [UInt32: Int64] = [:]
        for step in 0..<20_000 {
            let a = UInt32.random(in: 0..<3_000, using: &rng)
            if let p = prices[a], Bool.random(using: &rng) || step > 15_000 {
                side.remove(Entry(price: p, account: a))
                reference.removeAll { $0.account == a }
                prices[a] = nil
                present.remove(a)
            } else if prices[a] == nil {
                // Few distinct prices: many ties broken by account.
                let p = Int64.random(in: 1...400, using: &rng)
                side.insert(Entry(price: p, account: a))
                reference.append(Entry(price: p, account: a))
                prices[a] = p
                present.insert(a)
            }
            if step % 997 == 0 || step == 19_999 {
                reference.sort(by: Entry.precedes)
                #expect(side.entries == reference)
                #expect(side.count == reference.count)
                #expect(side.blocks.allSatisfy { !$0.isEmpty && $0.count <= LiquidationIndex.Side.maxBlock })
                let mark = Int64.random(in: 0...401, using: &rng)
                var up: [UInt32] = [], down: [UInt32] = []
                side.suffix(from: mark, into: &up)
                side.prefix(through: mark, into: &down)
                #expect(up == reference.filter { $0.price >= mark }.reversed().map(\.account))
                #expect(down == reference.filter { $0.price <= mark }.map(\.account))
            }
        }
        #expect(side.count == present.count)
    }

    @Test func removingWhatIsAbsentChangesNothing() {
        var side = LiquidationIndex.Side()
        for k in 0..<1_500 { side.insert(Entry(price: Int64(k % 7), account: UInt32(k))) }
        let before = side.entries
        side.remove(Entry(price: 3, account: 99_999))
        side.remove(Entry(price: 8, account: 1))
        #expect(side.entries == before)
        #expect(side.blocks.count >= 3)
    }
}
