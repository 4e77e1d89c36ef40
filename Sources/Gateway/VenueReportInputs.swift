import Surveillance

/// What the venue reports (`VenueReports`, REG-3) are built from besides the engine: the
/// surveillance alerts with their review, the market makers' business days, the "as of" time
/// (the open day is measured up to it) and how many days past the window `pi-expiring` and
/// `pi-expiries` look. Live from `SurveillanceService` in the gateway, from a read-only journal
/// replay (`SurveillanceReplay`) on the command line.
public struct VenueReportInputs: Sendable {
    public var alerts: [AlertCase]
    public var marketMakerDays: [MarketMakerBusinessDay]
    /// Command time the report is as of (ms).
    public var asOfMs: Int64
    public var horizonDays: Int

    public init(alerts: [AlertCase], marketMakerDays: [MarketMakerBusinessDay], asOfMs: Int64,
                horizonDays: Int = VenueReports.defaultExpiryDays) {
        self.alerts = alerts
        self.marketMakerDays = marketMakerDays
        self.asOfMs = asOfMs
        self.horizonDays = horizonDays
    }
}
