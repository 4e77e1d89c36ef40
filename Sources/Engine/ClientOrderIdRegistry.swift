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

extension ClientOrderIdRegistry: StateCoding {
    /// The open ids in order-id order (id, order), then the remembered finished ids,
    /// oldest first. Reading checks they are distinct and disjoint; the engine checks
    /// the memory bound and that each open id names an open order.
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        let open = coder.isReading ? [] : live.sorted { $0.value < $1.value }
        var openCount = open.count
        try coder.codeCount(&openCount)
        var readLive: [String: OrderID] = [:]
        for k in 0..<openCount {
            var text = coder.isReading ? "" : open[k].key
            var order = coder.isReading ? 0 : open[k].value
            try coder.code(&text)
            try coder.code(&order)
            if coder.isReading {
                try coder.require(readLive.updateValue(order, forKey: text) == nil, "client order id '\(text)' repeated")
            }
        }
        var done = coder.isReading ? [] : Array(finishedInOrder)
        var doneCount = done.count
        try coder.codeCount(&doneCount)
        if coder.isReading { done = [String](repeating: "", count: doneCount) }
        var seen = Set<String>()
        for k in 0..<doneCount {
            try coder.code(&done[k])
            if coder.isReading {
                try coder.require(readLive[done[k]] == nil && seen.insert(done[k]).inserted,
                                  "finished client order id '\(done[k])' repeated")
            }
        }
        if coder.isReading { self = ClientOrderIdRegistry(live: readLive, finished: done) }
    }
}
