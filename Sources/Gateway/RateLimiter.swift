import Synchronization

/// Token buckets per caller (a key id, or `ip:ADDRESS` for public routes). Each bucket
/// holds up to `requests` tokens and refills at `requests / perSeconds` per second; a
/// request takes one token. Time comes from the injected clock. Tokens are counted in
/// thousandths so refill is exact integer arithmetic.
public final class RateLimiter: Sendable {
    /// What one check decided, and the values for the `RateLimit-*` headers.
    public struct Decision: Sendable {
        public let allowed: Bool
        public let limit: Int
        public let remaining: Int
        /// Seconds until the bucket is full again.
        public let resetSeconds: Int
        /// Seconds until one token is available (when refused).
        public let retryAfterSeconds: Int

        var headers: [(String, String)] {
            var h = [("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(remaining)), ("RateLimit-Reset", String(resetSeconds))]
            if !allowed { h.append(("Retry-After", String(retryAfterSeconds))) }
            return h
        }
    }

    private struct Bucket {
        var milliTokens: Int64
        var updated: Int64
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock: any GatewayClock

    public init(clock: any GatewayClock) { self.clock = clock }

    /// Takes a token from `caller`'s bucket if there is one.
    public func check(_ caller: String, policy: RateLimitPolicy) -> Decision {
        let now = clock.nowMillis()
        let capacity = Int64(policy.requests) * 1000
        // milli-tokens per millisecond = requests / perSeconds; kept as a fraction.
        let perWindowMs = Int64(policy.perSeconds) * 1000
        return buckets.withLock { all in
            var b = all[caller] ?? Bucket(milliTokens: capacity, updated: now)
            if now > b.updated {
                let refill = (now - b.updated) * Int64(policy.requests) * 1000 / perWindowMs
                if refill > 0 {
                    b.milliTokens = min(capacity, b.milliTokens + refill)
                    b.updated = now
                }
            } else if now < b.updated {
                b.updated = now
            }
            let allowed = b.milliTokens >= 1000
            if allowed { b.milliTokens -= 1000 }
            all[caller] = b
            func secondsFor(_ milli: Int64) -> Int {
                if milli <= 0 { return 0 }
                let ms = (milli * perWindowMs + Int64(policy.requests) * 1000 - 1) / (Int64(policy.requests) * 1000)
                return Int((ms + 999) / 1000)
            }
            return Decision(allowed: allowed, limit: policy.requests, remaining: Int(b.milliTokens / 1000),
                            resetSeconds: secondsFor(capacity - b.milliTokens),
                            retryAfterSeconds: max(1, secondsFor(1000 - b.milliTokens)))
        }
    }
}
