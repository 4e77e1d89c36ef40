import Synchronization

/// Counts open connections per IP address and refuses one past the cap, so a single
/// peer cannot exhaust the server's file descriptors. Shared by every connection of one
/// gateway; `acquire` and `release` are called by `ConnectionGuardHandler`.
final class ConnectionLimiter: Sendable {
    private let open = Mutex<[String: Int]>([:])
    let maxPerIP: Int

    init(maxPerIP: Int) { self.maxPerIP = maxPerIP }

    /// Takes a slot for `ip`; false (and nothing taken) when it already has `maxPerIP`.
    func acquire(_ ip: String) -> Bool {
        open.withLock { m in
            let n = m[ip, default: 0]
            guard n < maxPerIP else { return false }
            m[ip] = n + 1
            return true
        }
    }

    /// Gives back a slot taken by `acquire`.
    func release(_ ip: String) {
        open.withLock { m in
            let n = m[ip, default: 0] - 1
            if n <= 0 { m.removeValue(forKey: ip) } else { m[ip] = n }
        }
    }

    /// Open connections from `ip` (tests and metrics).
    func count(_ ip: String) -> Int { open.withLock { $0[ip, default: 0] } }
}
