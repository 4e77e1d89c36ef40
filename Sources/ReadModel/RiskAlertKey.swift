import Engine

/// The identity of a risk alert condition, the same for its raise and its clear: kind and
/// what it is about, as a JSON array (unambiguous whatever the names contain). Every store
/// keys `risk_alert_latest` by it.
public enum RiskAlertKey {
    /// A FIN-3 control breach (kind `financingControl`): its code and subject.
    public static func financing(code: String, subject: String) -> String {
        var s = "[\"financingControl\","
        JSONText.quote(code, into: &s)
        s += ","
        JSONText.quote(subject, into: &s)
        return s + "]"
    }

    public static func make(kind: String, symbol: String?, account: String?, scenario: String?) -> String {
        var s = "["
        for (n, part) in [kind, symbol, account, scenario].enumerated() {
            if n > 0 { s += "," }
            if let part { JSONText.quote(part, into: &s) } else { s += "null" }
        }
        return s + "]"
    }
}
