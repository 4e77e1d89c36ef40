import Synchronization

/// Remembers every signature accepted within the timestamp window, so the same signed
/// request cannot be sent twice. Entries older than the window are dropped: a replay
/// after that is refused by the timestamp check instead.
final class ReplayGuard: Sendable {
    private struct State {
        var seen: [String: Int64] = [:]
        var lastPrune: Int64 = 0
    }

    private let state = Mutex(State())
    private let windowMillis: Int64

    init(windowMillis: Int64) { self.windowMillis = windowMillis }

    /// Records `signature`; false when it was already seen within the window.
    func firstUse(_ signature: String, timestamp: Int64, now: Int64) -> Bool {
        state.withLock { s in
            if now - s.lastPrune > windowMillis {
                s.seen = s.seen.filter { $0.value >= now - 2 * windowMillis }
                s.lastPrune = now
            }
            if s.seen[signature] != nil { return false }
            s.seen[signature] = timestamp
            return true
        }
    }
}
