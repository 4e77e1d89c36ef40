/// Business days for margin-call deadlines (FIN-5): Monday to Friday in UTC, minus
/// configured holidays (days since the epoch). Pure: time is the caller's (ms).
public struct BusinessCalendar: Sendable, Hashable {
    public static let dayMs: Int64 = 86_400_000
    /// Holidays as days since 1970-01-01 (UTC).
    public let holidays: Set<Int64>

    public init(holidays: Set<Int64> = []) { self.holidays = holidays }

    /// Whether epoch day `day` is a business day (1970-01-01 was a Thursday).
    public func isBusinessDay(_ day: Int64) -> Bool {
        let weekday = ((day + 4) % 7 + 7) % 7 // 0 = Sunday
        return weekday != 0 && weekday != 6 && !holidays.contains(day)
    }

    /// `now` plus `count` business days, at the same time of day: a call made on a Friday
    /// afternoon with two business days is due on Tuesday afternoon.
    public func adding(businessDays count: Int, to now: Int64) -> Int64 {
        var day = now.floorDiv(Self.dayMs)
        var left = count
        while left > 0 {
            day += 1
            if isBusinessDay(day) { left -= 1 }
        }
        return day * Self.dayMs + (now - now.floorDiv(Self.dayMs) * Self.dayMs)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (days before the epoch stay in order).
    func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
