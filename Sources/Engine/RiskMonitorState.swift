import HarbourCore
import Risk

/// Engine state of platform risk monitoring (RISK-6): per-instrument EWMA volatility and
/// the margin add-on in force, when the next sweep is due, and the alerts raised. All of
/// it is in the state hash and in snapshots.
struct RiskMonitorState {
    var volatility: [EWMAVolatility]
    /// Margin add-on per instrument, raw Rate (read by every margin computation).
    var addOns: [Int64]
    /// Next sweep (ms since the epoch, a multiple of the sweep interval); Int64.max until
    /// the first mark price exists.
    var nextSweepAtMs: Int64 = .max
    /// Raised alerts by condition.
    var active: [RiskAlertKey: RiskAlert] = [:]
    /// Accounts whose margin requirements changed outside a command's own effects (an
    /// add-on step): checked for liquidation at the end of the command.
    var pendingChecks: [UInt32] = []

    init(params: RiskParameters, instruments: Int) {
        volatility = (0..<instruments).map { _ in EWMAVolatility(lambda: params.ewmaLambda) }
        addOns = Array(repeating: 0, count: instruments)
    }
}
