import Foundation
import ReadModel
import ReadModelPostgres
import Testing

@Suite struct ThroughputTests {
    /// Projects ≥ 100k engine events (round trips between two accounts: accepted, trade,
    /// fee and PnL postings, positions, balances) and prints events per second, on SQLite in
    /// memory and in a file and, when the test server is there, on PostgreSQL. Measures,
    /// asserts only that everything was projected.
    @Test func projectionThroughputFor100kEvents() async throws {
        let s = Scenario()
        let alice = s.open("alice", usd: "10000000"), bob = s.open("bob", usd: "10000000")
        s.mark("50000")
        var events = s.outcomes.reduce(0) { $0 + $1.eventLines.count }
        var k = 0
        while events < 100_000 {
            let (maker, taker) = k % 2 == 0 ? (alice, bob) : (bob, alice)
            s.place(maker, k % 4 < 2 ? .sell : .buy, "0.001", at: "50000", advance: 1)
            s.place(taker, k % 4 < 2 ? .buy : .sell, "0.001", at: "50000", advance: 1)
            events += s.outcomes[s.outcomes.count - 2].eventLines.count + s.outcomes[s.outcomes.count - 1].eventLines.count
            k += 1
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readmodel-tp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        var stores: [(String, any ReadModelStorage)] = [("memory", try ReadModelStore(path: ":memory:")),
                                                       ("file(WAL)", try ReadModelStore(path: dir.appendingPathComponent("tp.sqlite").path))]
        if let url = StoreKind.postgresURL {
            stores.append(("postgres", try await PostgresReadModelStore(url: try TestStore.freshSchema(url))))
        }
        for (label, store) in stores {
            let projector = ReadModelProjector(store: store)
            let (stream, input) = AsyncStream.makeStream(of: ProjectedOutcome.self)
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task { await projector.run(stream) }
            for o in s.outcomes { input.yield(o) }
            input.finish()
            await task.value
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("readmodel throughput [\(label)]: \(events) events in \(s.outcomes.count) outcomes, "
                  + "\(projector.stats.batches) transactions, \(String(format: "%.2f", seconds)) s, "
                  + "\(Int(Double(events) / seconds)) events/s")
            #expect(try await store.lastSequence == s.sequence)
            #expect(projector.stats.failed == 0)
            #expect(try await store.trades(account: nil, symbol: nil, fromTs: nil, toTs: nil, afterSequence: nil, limit: 1_000_000).count == k)
        }
    }
}
