import Foundation
import ReadModel
import Synchronization
import Testing

@Suite struct ProjectorTests {
    @Test(arguments: StoreKind.available) func projectorConsumesTheStreamAndSkipsAFailingOutcome(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let reference = try await TestStore.make(kind)
        try await reference.apply(batch: d.s.outcomes)
        let n = d.s.sequence
        let extra = [
            ProjectedOutcome(sequence: n + 1, timestamp: d.s.ts + 1, commandLine: nil, eventLines: ["not json"]),
            ProjectedOutcome(sequence: n + 2, timestamp: d.s.ts + 2, commandLine: nil,
                             eventLines: [#"{"type":"markPrice","seq":\#(n + 2),"symbol":"BTC-PERP","price":"52000"}"#]),
        ]
        let logged = Mutex<[String]>([])
        let store = try await TestStore.make(kind)
        let projector = ReadModelProjector(store: store.base, maxBatch: 5, log: { line in logged.withLock { $0.append(line) } })
        let (stream, input) = AsyncStream.makeStream(of: ProjectedOutcome.self)
        let task = Task { await projector.run(stream) }
        for o in d.s.outcomes + extra { input.yield(o) }
        input.finish()
        await task.value

        #expect(try await store.lastSequence == n + 2)
        let stats = projector.stats
        #expect(stats.applied == Int(n) + 1 && stats.failed == 1 && stats.lastError != nil)
        #expect(logged.withLock { $0.contains { $0.contains("skipping outcome \(n + 1)") } })
        #expect(projector.backlog == 0)
        let accounts = ["alice", "bob", "carol", "dave"]
        // Everything but lastSequence matches the directly built store.
        let ours = try await snapshot(store, accounts: accounts).replacingOccurrences(of: "\"lastSequence\":\(n + 2)", with: "")
        let theirs = try await snapshot(reference, accounts: accounts).replacingOccurrences(of: "\"lastSequence\":\(n)", with: "")
        #expect(ours == theirs)
    }
}
