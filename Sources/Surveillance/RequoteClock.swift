/// A running re-quote clock (MM-4): continuous trading on `symbol` resumed after a volatility
/// interruption at `resumedMs`, and the affiliated market maker behind `key` ("account|symbol",
/// the projection's meter key) owes a firm two-way quote within its terms by `deadlineMs`
/// (`resumedMs + requoteAfterInterruptionMs`, inclusive).
struct RequoteClock: Sendable, Hashable {
    let key: String
    let account: String
    let symbol: String
    let resumedMs: Int64
    let deadlineMs: Int64
}
