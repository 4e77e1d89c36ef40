import Foundation
import Logging

/// The server's log of platform risk alerts (RISK-6): every `riskAlert` event the venue
/// commits becomes one structured line — `risk alert raised` (warning) or `risk alert
/// cleared` (notice) — with `kind`, `state`, `symbol`, `account` ("-" when the alert is
/// not about one), `threshold`, `value`, the evidence fields and the journal `sequence`.
/// Built from the event's replay-format JSON, so the names are the ones the event carries.
/// A margin-financing `controlBreach` (FIN-3: a limit the book went over without a
/// drawdown) is logged the same way, as kind `financingControl` with its code, subject and
/// figures (`value` over `threshold`, the event's `limit`): the risk team has one alert log.
enum RiskAlertLog {
    /// The metadata of a `riskAlert` or `controlBreach` event line; nil for any other line.
    static func metadata(eventLine: String, sequence: UInt64) -> Logger.Metadata? {
        let breach = eventLine.hasPrefix(#"{"type":"controlBreach""#)
        guard breach || eventLine.hasPrefix(#"{"type":"riskAlert""#),
              let obj = (try? JSONSerialization.jsonObject(with: Data(eventLine.utf8))) as? [String: Any] else { return nil }
        var m: Logger.Metadata = ["sequence": .stringConvertible(sequence)]
        for k in ["kind", "state", "symbol", "account", "threshold", "value"] {
            m[k] = .string(obj[k] as? String ?? "-")
        }
        if breach {
            m["kind"] = "financingControl"
            if let limit = obj["limit"] as? String { m["threshold"] = .string(limit) }
        }
        for (k, v) in obj where m[k] == nil && k != "type" && k != "seq" {
            if let s = v as? String { m[k] = .string(s) } else if let n = v as? NSNumber { m[k] = .string(n.stringValue) }
        }
        return m
    }

    /// Logs `eventLine` if it is a `riskAlert` or `controlBreach`; returns whether it was one that was raised.
    @discardableResult
    static func log(_ logger: Logger, eventLine: String, sequence: UInt64) -> Bool {
        guard let m = metadata(eventLine: eventLine, sequence: sequence) else { return false }
        if case .string("raised") = m["state"] {
            logger.warning("risk alert raised", metadata: m)
            return true
        }
        logger.notice("risk alert cleared", metadata: m)
        return false
    }
}
