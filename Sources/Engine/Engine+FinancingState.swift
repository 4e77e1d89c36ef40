import Financing

/// The engine's own coders seen as the financing book's `FinancingStateCoder`, so the
/// book's one state description runs in the snapshot writer, the reader and the hash.
struct FinancingCoderAdapter<Inner: StateCoder>: FinancingStateCoder {
    var inner: Inner
    var isReading: Bool { inner.isReading }
    mutating func code(_ value: inout Int64) throws(Engine.SnapshotError) { try inner.code(&value) }
    mutating func code(_ value: inout String) throws(Engine.SnapshotError) { try inner.code(&value) }
    mutating func code(_ value: inout Bool) throws(Engine.SnapshotError) { try inner.code(&value) }
    mutating func codeCount(_ count: inout Int) throws(Engine.SnapshotError) { try inner.codeCount(&count) }
    func corrupt(_ problem: String) -> Engine.SnapshotError { .corrupt("financing: " + problem) }
}

/// The financing section of the snapshot (version 7) and the state hash: whether the
/// venue offers financing, whether it was used, the next daily accrual, the forced-sale
/// retry time, then the book itself. The call-deadline schedule and the queue of spot
/// forced sales are derived from the loans after reading. The hash includes the section
/// only once financing was used, so venues that never used it keep their hashes.
extension Engine {
    func codeFinancing<C: StateCoder>(_ coder: inout C) throws(SnapshotError) {
        var present = financing != nil
        try coder.code(&present)
        try coder.require(present == (financing != nil), "financing section \(present ? "present" : "absent") for a venue that \(financing != nil ? "offers" : "does not offer") it")
        guard present else { return }
        try coder.code(&financingUsed)
        try coder.code(&financingDayDueMs)
        try coder.code(&spotSaleRetryMs)
        var book = financing!
        var adapter = FinancingCoderAdapter(inner: coder)
        try book.code(&adapter)
        coder = adapter.inner
        guard coder.isReading else { return }
        for id in book.loans.keys.sorted() where Int(book.loans[id]!.account.index) >= accounts.count {
            throw .corrupt("financing: loan \(id) of an account beyond the \(accounts.count) accounts")
        }
        financing = book
        financingDeadlineMs = nextCallDeadline()
        spotSaleQueue = book.loans.values.flatMap { $0.pendingSales.filter { $0.venue == .spotBook }.map(\.id) }.sorted()
    }
}
