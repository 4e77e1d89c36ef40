/// One affiliated market maker's re-quote duty on one contract over one day (MM-4,
/// `MarketMakerTerms.requoteAfterInterruptionMs`): how many times continuous trading resumed
/// after a volatility interruption that day, and how the re-quote clocks decided that day
/// ended. An interruption is counted on the day trading resumed; its outcome on the day it
/// was decided (the re-quote, or the deadline), so a clock still running at the day's end
/// is in `interruptions` but in neither `met` nor `missed`.
public struct RequoteTally: Sendable, Hashable, Codable {
    /// Resumptions of continuous trading after a volatility interruption (clocks started).
    public private(set) var interruptions: Int64 = 0
    /// Clocks stopped by a firm two-way quote by the deadline.
    public private(set) var met: Int64 = 0
    /// Clocks that reached their deadline without one (each raised a `requoteAfterInterruption` alert).
    public private(set) var missed: Int64 = 0
    /// The longest re-quote time (ms) of the met clocks; nil when none was met.
    public private(set) var worstRequoteMs: Int64?

    public init() {}

    mutating func started() { interruptions += 1 }

    mutating func metAfter(_ requoteMs: Int64) {
        met += 1
        worstRequoteMs = max(worstRequoteMs ?? requoteMs, requoteMs)
    }

    mutating func missedDeadline() { missed += 1 }
}
