/// UTC calendar days of command time, in integer arithmetic (no Foundation calendar):
/// the day a timestamp falls in, its midnight, and its YYYY-MM-DD name.
public enum UTCDay {
    public static let milliseconds: Int64 = 86_400_000

    /// The midnight (ms since the epoch) that starts the day of `ms`.
    public static func start(of ms: Int64) -> Int64 {
        let days = ms >= 0 ? ms / milliseconds : (ms - milliseconds + 1) / milliseconds
        return days * milliseconds
    }

    /// YYYY-MM-DD of the day of `ms` (proleptic Gregorian; Howard Hinnant's civil_from_days).
    public static func name(of ms: Int64) -> String {
        let z = start(of: ms) / milliseconds + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
