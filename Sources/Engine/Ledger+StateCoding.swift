import Ledger

/// The ledger as an engine component: its books and balances are coded from one
/// description for snapshot, restore and state hash, and it checks its own invariant.
extension Ledger: StateCoding {
    /// Every book in id order (key, balance), then the number of postings so far.
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        var count = keys.count
        try coder.codeCount(&count)
        var bookKeys = coder.isReading ? [BookKey](repeating: .external(asset: ""), count: count) : keys
        var bookBalances = coder.isReading ? [Int64](repeating: 0, count: count) : Array(balances)
        for k in 0..<count {
            try coder.code(&bookKeys[k])
            try coder.code(&bookBalances[k])
        }
        var postings = postingCount
        try coder.code(&postings)
        guard coder.isReading else { return }
        try coder.require(postings >= 0, "posting count \(postings)")
        guard let restored = Ledger(restoring: bookKeys, balances: bookBalances, postingCount: postings) else {
            throw .corrupt("ledger book key repeated")
        }
        try coder.require(restored.sum == 0, "ledger does not sum to zero")
        self = restored
    }

    /// Double entry: every posting moves an amount between two books, so they sum to zero.
    func invariantViolations() -> [String] {
        sum == 0 ? [] : ["the ledger sums to \(sum), not zero"]
    }
}
