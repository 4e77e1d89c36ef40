import Engine
import HarbourCore

/// The regulatory reports (REG-3) by stable name, and what a caller may choose about one.
/// Every report is built by `ReadModelStorage.report(_:day:options:)` from `ReportQuery` rows,
/// so it is the same on SQLite and on PostgreSQL; sums are `DecimalText`, never floating point.
public enum RegulatoryReports {
    /// The reports the read models produce, by stable name (a name, once published, keeps its meaning).
    public static let names = ["fees", "insurance-fund", "liquidations", "funding", "positions", "large-exposures", "client-statement",
                                      "margin-financing"]

    /// The notional above which `large-exposures` lists a position when no threshold is given:
    /// 1,000,000 in the settlement asset (USD).
    public static let defaultLargeExposureThreshold = "1000000"
}

/// What a caller may choose about a report; each report reads only what applies to it.
public struct ReportOptions: Sendable, Hashable {
    /// The settlement asset (insurance fund, cash balances, statements). USD by default.
    public var asset: String
    /// One account only (`client-statement`); nil for every account.
    public var account: String?
    /// The notional at or above which `large-exposures` lists a position.
    public var threshold: DecimalText
    /// The contracts' specifications (risk tiers) the venue runs with, from its configuration
    /// (`VenueConfig.instruments`): `positions` computes each position's maintenance
    /// requirement from them. The built-in venue's by default.
    public var instruments: [InstrumentSpec]

    public init(asset: String = "USD", account: String? = nil,
                threshold: DecimalText = DecimalText(RegulatoryReports.defaultLargeExposureThreshold)!,
                instruments: [InstrumentSpec] = VenueConfig.standard.instruments) {
        self.asset = asset; self.account = account; self.threshold = threshold; self.instruments = instruments
    }
}

extension ReadModelStorage {
    /// The report `name` over `day` (one business day or a range); nil for a name not in
    /// `RegulatoryReports.names`.
    public func report(_ name: String, day: BusinessDay, options: ReportOptions = ReportOptions()) async throws -> ReportTable? {
        switch name {
        case "fees": return try await feesReport(day)
        case "insurance-fund": return try await insuranceFundReport(day, asset: options.asset)
        case "liquidations": return try await liquidationsReport(day)
        case "funding": return try await fundingReport(day)
        case "positions": return try await positionsReport(day, asset: options.asset, instruments: options.instruments)
        case "large-exposures": return try await largeExposuresReport(day, threshold: options.threshold)
        case "client-statement": return try await clientStatementReport(day, asset: options.asset, account: options.account)
        case "margin-financing": return try await marginFinancingReport(day)
        default: return nil
        }
    }

    /// One query's rows.
    func reportRows(_ query: ReportQuery) async throws -> [[String]] { try await reportRows([query])[0] }
}

/// Small helpers the report builders share.
enum ReportMath {
    static func decimal(_ text: String) -> DecimalText { DecimalText(text) ?? .zero }
    static func sum(_ values: [String]) -> DecimalText { values.reduce(.zero) { $0 + decimal($1) } }
    /// The window's bounds as arguments: `ts >= ? AND ts < ?`.
    static func window(_ day: BusinessDay) -> [ReportQuery.Argument] { [.int(day.fromTs), .int(day.toTs)] }
}
