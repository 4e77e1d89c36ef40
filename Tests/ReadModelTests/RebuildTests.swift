import Foundation
import ReadModel
import Testing

@Suite struct RebuildTests {
    let accounts = ["alice", "bob", "carol", "dave"]

    @Test(arguments: StoreKind.available) func reapplyingOutcomesChangesNothing(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await TestStore.make(kind)
        #expect(try await store.apply(batch: d.s.outcomes) == d.s.outcomes.count)
        let before = try await snapshot(store, accounts: accounts)
        #expect(try await store.lastSequence == d.s.sequence)
        // Whole history again, and one old outcome alone: all skipped.
        #expect(try await store.apply(batch: d.s.outcomes) == 0)
        let old = d.s.outcomes[5]
        #expect(try await store.apply(sequence: old.sequence, timestamp: old.timestamp, commandLine: old.commandLine,
                                eventLines: old.eventLines) == false)
        #expect(try await snapshot(store, accounts: accounts) == before)
        // Resuming after a "crash" half-way: the overlap is skipped, the rest applied.
        let resumed = try await TestStore.make(kind)
        try await resumed.apply(batch: Array(d.s.outcomes.prefix(12)))
        #expect(try await resumed.apply(batch: Array(d.s.outcomes.dropFirst(8))) == d.s.outcomes.count - 12)
        #expect(try await snapshot(resumed, accounts: accounts) == before)
    }

    @Test(arguments: StoreKind.available) func storesRebuiltFromTheSameOutcomesAnswerIdentically(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readmodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // One outcome per transaction, in memory.
        let a = try await TestStore.make(kind)
        for o in d.s.outcomes {
            #expect(try await a.apply(sequence: o.sequence, timestamp: o.timestamp, commandLine: o.commandLine, eventLines: o.eventLines))
        }
        // Batches of 7, in a file, reopened before querying.
        do {
            let b = try ReadModelStore(path: dir.appendingPathComponent("rm.sqlite").path)
            var rest = d.s.outcomes[...]
            while !rest.isEmpty { try b.apply(batch: Array(rest.prefix(7))); rest = rest.dropFirst(7) }
        }
        let b = TestStore(try ReadModelStore(path: dir.appendingPathComponent("rm.sqlite").path))
        let sa = try await snapshot(a, accounts: accounts)
        #expect(sa == (try await snapshot(b, accounts: accounts)))
        #expect(sa.contains("\"realizedPnl\":\"-1000\""))   // non-trivial content
    }

    @Test(arguments: StoreKind.available) func aMalformedOutcomeRollsBackItsWholeBatch(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await TestStore.make(kind)
        var batch = Array(d.s.outcomes.prefix(6))
        let bad = batch[5]
        batch[5] = ProjectedOutcome(sequence: bad.sequence, timestamp: bad.timestamp, commandLine: nil,
                                    eventLines: bad.eventLines + ["{\"type\":\"trade\",\"seq\":6"])
        await #expect(throws: ReadModelError.self) { try await store.apply(batch: batch) }
        #expect(try await store.lastSequence == 0)
        #expect(try await store.postings(account: "alice").isEmpty)
    }
}
