import Foundation
import Synchronization

/// Where the gateway gets wall-clock time (milliseconds since the epoch): the
/// signature window and the rate limiter read it, so tests can drive time by hand.
public protocol GatewayClock: Sendable {
    func nowMillis() -> Int64
}

/// The system clock.
public struct SystemClock: GatewayClock {
    public init() {}
    public func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// A clock that only moves when told to (tests).
public final class ManualClock: GatewayClock {
    private let now: Mutex<Int64>
    public init(millis: Int64) { now = Mutex(millis) }
    public func nowMillis() -> Int64 { now.withLock { $0 } }
    public func advance(millis: Int64) { now.withLock { $0 += millis } }
    public func set(millis: Int64) { now.withLock { $0 = millis } }
}
