/// One regulatory report (REG-3) for a business day, in a form every renderer takes: named
/// columns, rows of exact decimal or plain strings, and summary figures (totals, opening and
/// closing balances). Built from the read models by `ReadModelStorage.report(_:day:options:)`.
public struct ReportTable: Sendable, Hashable {
    /// A named summary figure, e.g. ("totalFees", "52.0075").
    public struct Figure: Sendable, Hashable {
        public let name: String
        public let value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    /// The report's stable name ("fees").
    public let name: String
    /// A title for people.
    public let title: String
    public let day: BusinessDay
    public let columns: [String]
    public let rows: [[String]]
    public let summary: [Figure]
    /// Charts of the HTML form (open interest, funding, the insurance fund over the window);
    /// CSV and JSON carry the figures, not the pictures.
    public let charts: [ReportChart]
    /// Notes for people (what the report does not cover, how a figure is defined).
    public let notes: [String]

    public init(name: String, title: String, day: BusinessDay, columns: [String], rows: [[String]], summary: [Figure],
                charts: [ReportChart] = [], notes: [String] = []) {
        self.name = name; self.title = title; self.day = day; self.columns = columns; self.rows = rows; self.summary = summary
        self.charts = charts; self.notes = notes
    }

    /// A summary figure by name.
    public func figure(_ name: String) -> String? { summary.first { $0.name == name }?.value }
}
