/// A chart of a report's HTML page (REG-3: "charts where a person would rather look"): one or
/// more series of exact decimal values over command time, drawn as inline SVG by the server
/// (`svg()`: no script, no external file). Values stay decimal strings; pixels are computed
/// with 128-bit integer arithmetic on the rescaled mantissas, never floating point, and the
/// axis labels are the exact extreme values.
public struct ReportChart: Sendable, Hashable {
    /// One value at one time (milliseconds).
    public struct Point: Sendable, Hashable {
        public let ts: Int64
        public let value: String
        public init(_ ts: Int64, _ value: String) { self.ts = ts; self.value = value }
    }

    /// A named line.
    public struct Series: Sendable, Hashable {
        public let name: String
        public let points: [Point]
        public init(_ name: String, _ points: [Point]) { self.name = name; self.points = points }
    }

    public let title: String
    public let series: [Series]
    public let fromTs: Int64
    public let toTs: Int64
    /// A step line (a balance holds until the next movement) rather than points joined.
    public let step: Bool

    public init(title: String, series: [Series], fromTs: Int64, toTs: Int64, step: Bool = true) {
        self.title = title; self.series = series; self.fromTs = fromTs; self.toTs = toTs; self.step = step
    }

    static let width: Int128 = 720, height: Int128 = 220, left: Int128 = 90, right: Int128 = 20, top: Int128 = 10, bottom: Int128 = 30
    static let colours = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555"]
    /// At most this many points per series are drawn (one per pixel column, the last of each).
    static let maxPoints = 720

    /// The chart as an `<svg>` element with a title and a legend.
    public func svg(utcOffsetMinutes: Int) -> String {
        let parsed = series.map { s in (s.name, thin(s.points.compactMap { p in DecimalText(p.value).map { (p.ts, $0) } })) }
        let all = parsed.flatMap { $0.1.map(\.1) } + [.zero]
        let scale = all.map(\.scale).max() ?? 0
        let values = all.map { $0.rescaled(to: scale).mantissa }
        var low = values.min() ?? 0, high = values.max() ?? 0
        if low == high { high = low + 1 }
        let plotW = Self.width - Self.left - Self.right, plotH = Self.height - Self.top - Self.bottom
        let span = Int128(max(1, toTs - fromTs))
        func x(_ ts: Int64) -> Int128 { Self.left + Int128(min(max(ts, fromTs), toTs) - fromTs) * plotW / span }
        func y(_ v: DecimalText) -> Int128 { Self.top + (high - v.rescaled(to: scale).mantissa) * plotH / (high - low) }
        var out = "<figure class=\"chart\"><figcaption>\(ReportFormat.escape(title))</figcaption>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.width)\" height=\"\(Self.height)\" viewBox=\"0 0 \(Self.width) \(Self.height)\" role=\"img\" aria-label=\"\(ReportFormat.escape(title))\">\n"
        out += "<rect x=\"\(Self.left)\" y=\"\(Self.top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"#fafafa\" stroke=\"#999\"/>\n"
        let zero = y(.zero)
        out += "<line x1=\"\(Self.left)\" y1=\"\(zero)\" x2=\"\(Self.left + plotW)\" y2=\"\(zero)\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n"
        let highText = DecimalText(mantissa: high, scale: scale).description, lowText = DecimalText(mantissa: low, scale: scale).description
        out += label(Self.left - 6, Self.top + 10, highText, anchor: "end")
        out += label(Self.left - 6, Self.top + plotH, lowText, anchor: "end")
        out += label(Self.left, Self.height - 10, Self.clock(fromTs, utcOffsetMinutes), anchor: "start")
        out += label(Self.left + plotW, Self.height - 10, Self.clock(toTs, utcOffsetMinutes), anchor: "end")
        for (n, (name, points)) in parsed.enumerated() where !points.isEmpty {
            let colour = Self.colours[n % Self.colours.count]
            var coords: [String] = []
            for (i, (ts, v)) in points.enumerated() {
                if step && i > 0 { coords.append("\(x(ts)),\(y(points[i - 1].1))") }
                coords.append("\(x(ts)),\(y(v))")
            }
            if step, let last = points.last { coords.append("\(x(toTs)),\(y(last.1))") }
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coords.joined(separator: " "))\"/>\n"
            out += label(Self.left + 8 + Int128(n) * 150, Self.top + 14, name, anchor: "start", colour: colour)
        }
        return out + "</svg></figure>\n"
    }

    private func label(_ x: Int128, _ y: Int128, _ text: String, anchor: String, colour: String = "#333") -> String {
        "<text x=\"\(x)\" y=\"\(y)\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"\(colour)\">\(ReportFormat.escape(text))</text>\n"
    }

    /// At most `maxPoints` points: the last point of each of `maxPoints` equal time slices.
    private func thin(_ points: [(Int64, DecimalText)]) -> [(Int64, DecimalText)] {
        guard points.count > Self.maxPoints else { return points }
        let span = max(1, toTs - fromTs)
        var out: [(Int64, DecimalText)] = []
        var lastBucket: Int64 = -1
        for p in points {
            let bucket = (p.0 - fromTs) * Int64(Self.maxPoints) / span
            if bucket == lastBucket { out[out.count - 1] = p } else { out.append(p); lastBucket = bucket }
        }
        return out
    }

    /// "MM-DD HH:MM" of a timestamp at the report's UTC offset (integer calendar arithmetic).
    static func clock(_ ts: Int64, _ offsetMinutes: Int) -> String {
        let local = ts + Int64(offsetMinutes) * 60_000
        let dayNumber = Int(local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
        let ms = local - Int64(dayNumber) * 86_400_000
        let (_, month, day) = civil(fromDays: dayNumber)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(month))-\(two(day)) \(two(Int(ms / 3_600_000))):\(two(Int(ms / 60_000 % 60)))"
    }

    /// Year, month, day of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
