import Foundation
@testable import Gateway
import Synchronization
import Testing

/// The slow-consumer policy (issue 12, item 6): a session's queue is bounded, and a
/// session past the bound is closed — never silently thinned out.
@Suite("WebSocket slow-consumer policy", .timeLimit(.minutes(1))) struct SlowConsumerTests {
    @Test("the backlog delivers up to its limit, overflows once, then discards; written messages free room")
    func backlogPolicy() {
        var b = SessionBacklog(limit: 3)
        #expect([b.enqueue(), b.enqueue()] == [.deliver, .deliver])
        b.written()
        #expect(b.queued == 1)
        #expect([b.enqueue(), b.enqueue()] == [.deliver, .deliver])
        #expect(b.queued == 3)
        #expect(b.enqueue() == .overflow)
        #expect(b.overflowed)
        #expect(b.enqueue() == .discard)
        b.written()
        #expect(b.enqueue() == .discard, "an overflowed session stays closed")
        #expect(SessionBacklog.closeCode == 4000)
        #expect(SessionBacklog.closeReason == "slow consumer: resync from REST")
    }

    @Test("a hub session that never reads gets every message up to the bound in order, then its stream ends and it is told to close")
    func hubClosesInsteadOfDropping() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let hub = MarketDataHub(host: venue.host, metrics: nil, queueLimit: 5)
        let overflows = Mutex(0)
        let (id, stream) = hub.register(onOverflow: { overflows.withLock { $0 += 1 } })
        for i in 0..<8 { hub.push(id, "m\(i)") }
        #expect(overflows.withLock { $0 } == 1)
        #expect(hub.backlog(id)?.overflowed == true)
        var received: [String] = []
        for await m in stream { received.append(m) }
        // The oldest messages are the ones kept (nothing before the overflow is lost) and
        // the stream ends instead of carrying on with a gap.
        #expect(received == ["m0", "m1", "m2", "m3", "m4"])
        hub.unregister(id)
    }

    @Test("a session that keeps up is never closed: written messages make room")
    func keepingUpIsFine() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let hub = MarketDataHub(host: venue.host, metrics: nil, queueLimit: 2)
        let overflows = Mutex(0)
        let (id, stream) = hub.register(onOverflow: { overflows.withLock { $0 += 1 } })
        var iterator = stream.makeAsyncIterator()
        for i in 0..<50 {
            hub.push(id, "m\(i)")
            #expect(await iterator.next() == "m\(i)")
            hub.written(id)
        }
        #expect(overflows.withLock { $0 } == 0)
        #expect(hub.backlog(id)?.queued == 0)
        hub.unregister(id)
    }
}
