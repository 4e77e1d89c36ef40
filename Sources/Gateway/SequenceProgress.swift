/// How far a follower of the host's outcome stream has got, and who waits for it: lets a
/// REST handler wait until the outcome of its own command has been taken in before it
/// reads the follower's state. Kept inside the follower's `Mutex`; the continuations it
/// returns are resumed outside the lock.
struct SequenceProgress {
    private(set) var lastSequence: UInt64 = 0
    private(set) var stopped = false
    private var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, Never>)] = []

    /// Registers `c` to wait for `sequence`; false when it need not wait (resume it now).
    mutating func wait(for sequence: UInt64, _ c: CheckedContinuation<Void, Never>) -> Bool {
        if stopped || lastSequence >= sequence { return false }
        waiters.append((sequence, c))
        return true
    }

    /// Records that every outcome up to `sequence` was taken in; returns who to resume.
    mutating func advance(to sequence: UInt64) -> [CheckedContinuation<Void, Never>] {
        lastSequence = max(lastSequence, sequence)
        return release()
    }

    /// The stream ended: nobody waits any more; returns who to resume.
    mutating func stop() -> [CheckedContinuation<Void, Never>] {
        stopped = true
        return release()
    }

    private mutating func release() -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        waiters.removeAll { w in
            if stopped || w.sequence <= lastSequence { ready.append(w.continuation); return true }
            return false
        }
        return ready
    }
}
