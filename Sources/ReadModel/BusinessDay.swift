/// A business day as a window of command time: from local midnight to the next, at a fixed
/// UTC offset (HKT, +08:00, by default; REG-3) — or a range of whole business days, from the
/// first day's midnight to the midnight after the last (`init(from:to:)`). `fromTs` is
/// inclusive, `toTs` exclusive, both milliseconds since the epoch. Pure calendar arithmetic
/// (proleptic Gregorian), no clock.
public struct BusinessDay: Sendable, Hashable {
    /// The (first) day as given, "YYYY-MM-DD".
    public let date: String
    /// The last day of the window ("YYYY-MM-DD"; `date` for a single day).
    public let lastDate: String
    /// The longest range a report covers, in days (a year, leap or not).
    public static let maxRangeDays = 366
    /// The offset from UTC in minutes (480 for HKT).
    public let utcOffsetMinutes: Int
    public let fromTs: Int64
    public let toTs: Int64

    /// Hong Kong time, the venue's default reporting zone.
    public static let hktOffsetMinutes = 480

    /// Parses "YYYY-MM-DD"; nil for anything else or a date that does not exist.
    public init?(_ date: String, utcOffsetMinutes: Int = BusinessDay.hktOffsetMinutes) {
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...Self.daysIn(month: m, year: y)).contains(d),
              (-14 * 60...14 * 60).contains(utcOffsetMinutes) else { return nil }
        self.date = date
        self.lastDate = date
        self.utcOffsetMinutes = utcOffsetMinutes
        let midnightUTC = Int64(Self.daysFromCivil(y, m, d)) * 86_400_000
        fromTs = midnightUTC - Int64(utcOffsetMinutes) * 60_000
        toTs = fromTs + 86_400_000
    }

    /// Whole business days `from` through `to` (both included, `from` ≤ `to`, at most
    /// `maxRangeDays`); nil when either is not an existing day or the range is backwards or longer.
    public init?(from: String, to: String, utcOffsetMinutes: Int = BusinessDay.hktOffsetMinutes) {
        guard let first = BusinessDay(from, utcOffsetMinutes: utcOffsetMinutes),
              let last = BusinessDay(to, utcOffsetMinutes: utcOffsetMinutes),
              first.fromTs <= last.fromTs,
              (last.toTs - first.fromTs) / 86_400_000 <= Int64(Self.maxRangeDays) else { return nil }
        date = from
        lastDate = to
        self.utcOffsetMinutes = utcOffsetMinutes
        fromTs = first.fromTs
        toTs = last.toTs
    }

    /// True for a window of more than one day.
    public var isRange: Bool { lastDate != date }

    /// The window for people: "2026-01-01" or "2026-01-01 to 2026-01-07".
    public var label: String { isRange ? "\(date) to \(lastDate)" : date }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
