import Engine
import HarbourCore

/// One row of `risk_limits` (PERP-1): a perpetual's risk-limit version from its
/// `riskParametersSet` event, built here once so that the SQLite and the PostgreSQL
/// projections write the same row; the positions report reads the version in force at a
/// day's end to measure maintenance with the tiers the engine used then.
public enum RiskLimitRow {
    public static let table = "risk_limits"
    public static let columns = ["symbol", "version", "seq", "ts", "max_leverage", "position_limit", "open_interest_cap", "tiers"]

    /// The row's values in `columns` order.
    public static func values(_ e: WireEvent, seq: Int64, ts: Int64) throws -> [FinancingRow.Value] {
        func need<T>(_ v: T?, _ name: String) throws -> T {
            guard let v else { throw ReadModelError.missingField(sequence: UInt64(seq), type: e.type, field: name) }
            return v
        }
        return [.text(try need(e.symbol, "symbol")), .int(try need(e.version, "version")), .int(seq), .int(ts),
                .int(try need(e.maxLeverage, "maxLeverage")), .text(try need(e.positionLimit, "positionLimit")),
                .text(try need(e.openInterestCap, "openInterestCap")), .text(try need(e.tiers, "tiers"))]
    }

    /// The latest version per symbol before `ts`: symbol, max leverage, position limit, tiers.
    static func inForceQuery(before ts: Int64) -> ReportQuery {
        ReportQuery("""
            SELECT r.symbol, r.max_leverage, r.position_limit, r.tiers FROM risk_limits r
            WHERE r.ts < ? AND r.version = (SELECT MAX(x.version) FROM risk_limits x WHERE x.symbol = r.symbol AND x.ts < ?)
            """, [.int(ts), .int(ts)])
    }

    /// `specs` with the versions of `rows` (from `inForceQuery`) applied by the engine's own
    /// `RiskLimits` (the event's tier table parsed as the command's is); a row that does not
    /// parse leaves its contract as configured (it was written by this code from an event the
    /// engine wrote, so that would be a damaged store, which reconciliation reports).
    static func apply(_ rows: [[String]], to specs: [InstrumentSpec]) -> [InstrumentSpec] {
        var out = specs
        for row in rows {
            guard let i = out.firstIndex(where: { $0.symbol == row[0] }), let maxLeverage = Int64(row[1]) else { continue }
            let spec = out[i]
            guard let limit = try? FixedDecimal.parse(row[2], scale: spec.sizeScale),
                  case .success(let tiers) = RiskLimits.Tier.parseTable(row[3], money: spec.settlementAsset.scale) else { continue }
            out[i] = RiskLimits(maxLeverage: maxLeverage, positionLimit: limit, openInterestCap: 0, tiers: tiers).applied(to: spec)
        }
        return out
    }
}
