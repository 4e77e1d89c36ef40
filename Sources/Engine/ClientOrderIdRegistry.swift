import HarbourCore

/// One account's client order ids (PERP-2: they are idempotency keys). An id is refused
/// while its order is open and for the account's most recent `memory` finished orders,
/// so a retried request can never create a second order; older ids may be reused.
struct ClientOrderIdRegistry: Sendable {
    private(set) var live: [String: OrderID] = [:]
    /// Finished ids, oldest first (a ring that is trimmed from the front).
    private(set) var finished: [String] = []
    private var finishedSet: Set<String> = []
    private var finishedStart = 0

    init() {}

    /// A registry restored from a snapshot: the open ids and the remembered finished ids,
    /// oldest first (the caller checks they are distinct and disjoint).
    init(live: [String: OrderID], finished: [String]) {
        self.live = live
        self.finished = finished
        finishedSet = Set(finished)
    }

    func contains(_ id: String) -> Bool { live[id] != nil || finishedSet.contains(id) }
    func order(for id: String) -> OrderID? { live[id] }

    mutating func open(_ id: String, order: OrderID) { live[id] = order }

    mutating func finish(_ id: String, memory: Int) {
        guard live.removeValue(forKey: id) != nil else { return }
        finished.append(id)
        finishedSet.insert(id)
        if finished.count - finishedStart > memory {
            finishedSet.remove(finished[finishedStart])
            finishedStart += 1
            if finishedStart > 1024 && finishedStart * 2 > finished.count {
                finished.removeFirst(finishedStart)
                finishedStart = 0
            }
        }
    }

    /// The remembered finished ids, oldest first (for the state hash).
    var finishedInOrder: ArraySlice<String> { finished[finishedStart...] }
}
