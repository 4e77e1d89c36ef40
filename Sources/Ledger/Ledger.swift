/// The double-entry ledger (RISK-5): a balance per book, changed only by postings that
/// take an amount from one book and give it to another, so the sum over all books is
/// zero after every posting — by construction, and checked by `sum` in tests.
///
/// Books are addressed by a dense `Int32` id on the hot path; `BookKey` names them.
/// Postings made since the last `drainPostings` are kept so the engine can publish them.
public struct Ledger: Sendable {
    public private(set) var balances: ContiguousArray<Int64> = []
    public private(set) var keys: [BookKey] = []
    private var ids: [BookKey: Int32] = [:]
    /// Postings not yet drained into events.
    public private(set) var pending: [Posting] = []
    /// Total postings ever made.
    public private(set) var postingCount: Int64 = 0

    public init() {}

    /// A ledger restored from a snapshot: books in id order with their balances. Nil when
    /// the lists differ in length or a key repeats. `pending` starts empty.
    package init?(restoring keys: [BookKey], balances: [Int64], postingCount: Int64) {
        guard keys.count == balances.count, keys.count <= Int(Int32.max) else { return nil }
        var ids: [BookKey: Int32] = [:]
        ids.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() where ids.updateValue(Int32(i), forKey: k) != nil { return nil }
        self.keys = keys
        self.balances = ContiguousArray(balances)
        self.ids = ids
        self.postingCount = postingCount
    }

    /// The id of `key`'s book, creating the book (balance 0) on first use.
    public mutating func book(_ key: BookKey) -> Int32 {
        if let id = ids[key] { return id }
        let id = Int32(keys.count)
        keys.append(key)
        balances.append(0)
        ids[key] = id
        return id
    }

    /// The id of an existing book, if any.
    public func existingBook(_ key: BookKey) -> Int32? { ids[key] }

    @inlinable public func balance(_ book: Int32) -> Int64 { balances[Int(book)] }

    /// Moves `amount` (> 0) from `from` to `to`. A zero amount is a no-op; a negative
    /// one is a programming error.
    @inline(__always)
    public mutating func post(from: Int32, to: Int32, amount: Int64, reason: PostingReason) {
        precondition(amount >= 0, "posting amounts are positive; direction carries the sign")
        if amount == 0 { return }
        balances[Int(from)] -= amount
        balances[Int(to)] += amount
        pending.append(Posting(from: from, to: to, amount: amount, reason: reason))
        postingCount += 1
    }

    /// Moves a signed amount: positive from `from` to `to`, negative the other way.
    @inline(__always)
    public mutating func transfer(from: Int32, to: Int32, signedAmount: Int64, reason: PostingReason) {
        if signedAmount >= 0 {
            post(from: from, to: to, amount: signedAmount, reason: reason)
        } else {
            post(from: to, to: from, amount: -signedAmount, reason: reason)
        }
    }

    /// Hands over and forgets the postings made since the last call.
    public mutating func drainPostings() -> [Posting] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// Forgets pending postings without copying them (when nobody publishes them).
    public mutating func discardPending() { pending.removeAll(keepingCapacity: true) }

    /// The sum of every book, in 128 bits so it cannot overflow. Always zero.
    public var sum: Int128 {
        var s: Int128 = 0
        for b in balances { s += Int128(b) }
        return s
    }

    /// The sum of every asset's books (isolated margin counted as `defaultAsset`), by asset
    /// code. Each is zero: postings never move value between assets.
    public func sums(defaultAsset: String) -> [String: Int128] {
        var s: [String: Int128] = [:]
        for (i, k) in keys.enumerated() { s[k.asset ?? defaultAsset, default: 0] += Int128(balances[i]) }
        return s
    }

    /// Sum of the books of one owner class.
    public func total(of owner: BookOwner) -> Int128 {
        var s: Int128 = 0
        for (i, k) in keys.enumerated() where k.owner == owner { s += Int128(balances[i]) }
        return s
    }
}
