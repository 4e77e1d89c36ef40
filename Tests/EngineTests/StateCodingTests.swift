import Ledger
import Testing
@testable import Engine

/// One description per component (issue 13): the writer, the reader and the hash run the
/// same `code(_:)`; the reader refuses bad input with an error, never a trap.
@Suite struct StateCodingTests {
    static func sampleLedger() -> Ledger {
        var ledger = Ledger()
        let external = ledger.book(.external(asset: "USD"))
        let cash = ledger.book(.clientCash(account: 3, asset: "USD"))
        let margin = ledger.book(.clientIsolatedMargin(account: 3, instrument: 1))
        ledger.post(from: external, to: cash, amount: 500, reason: .deposit)
        ledger.post(from: cash, to: margin, amount: 120, reason: .isolatedMargin)
        return ledger
    }

    @Test func aLedgerWrittenReadsBackTheSame() throws {
        let ledger = Self.sampleLedger()
        var writer = ByteWriter(out: [])
        ledger.encode(into: &writer)
        var reader = SnapshotReader(bytes: writer.out, pos: 0, end: writer.out.count)
        var restored = Ledger()
        try restored.code(&reader)
        #expect(reader.atEnd)
        #expect(restored.keys == ledger.keys)
        #expect(Array(restored.balances) == Array(ledger.balances))
        #expect(restored.postingCount == ledger.postingCount)
    }

    @Test func theHashSeesTheSameFieldsAsWords() {
        // The hash representation the pins depend on: count, then key text and balance per
        // book, then the posting count, every integer an 8-byte word.
        let ledger = Self.sampleLedger()
        var viaDescription = StateEncoder()
        ledger.encode(into: &viaDescription)
        var byHand = StateEncoder()
        byHand.int(ledger.keys.count)
        for (key, balance) in zip(ledger.keys, ledger.balances) { byHand.string(key.description); byHand.int(balance) }
        byHand.int(ledger.postingCount)
        #expect(viaDescription.bytes == byHand.bytes)
    }

    @Test func anUnbalancedLedgerIsRefused() {
        var writer = ByteWriter(out: [])
        writer.u32(1)
        Engine.writeBookKey(.external(asset: "USD"), &writer)
        writer.i64(42)
        writer.i64(0)
        var reader = SnapshotReader(bytes: writer.out, pos: 0, end: writer.out.count)
        var restored = Ledger()
        let error = #expect(throws: Engine.SnapshotError.self) { try restored.code(&reader) }
        #expect(error?.kind == .corrupt)
        // Truncation anywhere is an error too.
        for n in 0..<writer.out.count {
            var short = SnapshotReader(bytes: writer.out, pos: 0, end: n)
            var partial = Ledger()
            #expect(throws: Engine.SnapshotError.self) { try partial.code(&short) }
        }
    }

    @Test func aPositionRefusesCountsThatCannotBe() {
        var position = PositionState(leverage: 5)
        position.openOrders = 1
        position.reduceOnlyOrders = 2
        var writer = ByteWriter(out: [])
        position.encode(into: &writer)
        var reader = SnapshotReader(bytes: writer.out, pos: 0, end: writer.out.count)
        var restored = PositionState(leverage: 1)
        let error = #expect(throws: Engine.SnapshotError.self) { try restored.code(&reader) }
        #expect(error?.kind == .corrupt)
    }
}
