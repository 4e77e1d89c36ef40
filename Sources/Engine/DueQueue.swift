/// Times at which something may be due for an account, earliest first (derived engine
/// state: rebuilt after a restore, never hashed). Entries usually arrive in time order, so
/// an insert is an append; taking what is due advances a head index instead of moving the
/// rest, and the taken prefix is dropped once it is most of the storage.
struct DueQueue {
    private var items: [(at: Int64, account: UInt32)] = []
    private var head = 0

    init() {}

    /// A queue of `entries` in any order (sorted here once, not inserted one by one).
    init(sorting entries: [(at: Int64, account: UInt32)]) {
        items = entries.sorted { $0.at != $1.at ? $0.at < $1.at : $0.account < $1.account }
    }

    /// The earliest time queued (Int64.max: nothing).
    var first: Int64 { head < items.count ? items[head].at : .max }

    var count: Int { items.count - head }

    /// Queues (at, account), after every entry that is not later (ties by account).
    mutating func insert(_ at: Int64, _ account: UInt32) {
        if let last = items.last, head < items.count, last.at < at || (last.at == at && last.account <= account) {
            items.append((at, account))
            return
        }
        var low = head, high = items.count
        while low < high {
            let mid = (low + high) / 2
            let e = items[mid]
            if e.at < at || (e.at == at && e.account <= account) { low = mid + 1 } else { high = mid }
        }
        items.insert((at, account), at: low)
    }

    /// Takes the accounts of every entry due at `now` (in queue order, repeats kept).
    mutating func take(dueAt now: Int64) -> [UInt32] {
        var taken: [UInt32] = []
        while head < items.count, items[head].at <= now {
            taken.append(items[head].account)
            head += 1
        }
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return taken
    }
}
