import Testing
@testable import Matching

/// The book's order-id index behaves exactly like a Dictionary under random churn.
@Suite struct SlotIndexTests {
    @Test func matchesDictionaryUnderRandomChurn() {
        var index = SlotIndex()
        var reference: [Int64: Int32] = [:]
        var state: UInt64 = 7
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for step in 0..<200_000 {
            // Small key space so inserts, overwrites, removals and misses all happen;
            // keys of both signs and with shared low bits stress the probing.
            let key = Int64(bitPattern: (next() % 5_000) << (step % 3 == 0 ? 20 : 0)) - 2_000
            switch next() % 3 {
            case 0:
                let slot = Int32(truncatingIfNeeded: next() % 1_000_000)
                index.set(key, slot)
                reference[key] = slot
            case 1:
                #expect(index.remove(key) == reference.removeValue(forKey: key))
            default:
                #expect(index.find(key) == reference[key])
            }
            #expect(index.count == reference.count)
        }
        for (k, v) in reference { #expect(index.find(k) == v) }
    }
}
