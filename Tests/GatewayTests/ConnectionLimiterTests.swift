@testable import Gateway
import Testing

/// The per-IP connection cap's bookkeeping (the live behaviour is in
/// tests/hostile_connections_test.py).
@Suite("Per-IP connection cap") struct ConnectionLimiterTests {
    @Test("an address gets up to its cap, then is refused until one of its connections closes; addresses are independent")
    func cap() {
        let limiter = ConnectionLimiter(maxPerIP: 2)
        #expect(limiter.acquire("10.0.0.1"))
        #expect(limiter.acquire("10.0.0.1"))
        #expect(!limiter.acquire("10.0.0.1"))
        #expect(limiter.count("10.0.0.1") == 2, "a refusal takes no slot")
        #expect(limiter.acquire("10.0.0.2"))
        limiter.release("10.0.0.1")
        #expect(limiter.acquire("10.0.0.1"))
        limiter.release("10.0.0.1")
        limiter.release("10.0.0.1")
        #expect(limiter.count("10.0.0.1") == 0)
    }
}
