/// Every surveillance alert with its review: alerts enter as the projection raises them
/// (by id, once), compliance lists them and acts on them through `AlertCase`. Nothing is
/// removed. `replay` re-applies a logged history, so the book rebuilt from the projection
/// and the workflow log is the book that was.
public struct AlertBook: Sendable {
    private var cases: [Int64: AlertCase] = [:]

    public init() {}

    /// Adds alerts not yet known (an id seen before is ignored).
    public mutating func register(_ alerts: [RaisedAlert]) {
        for alert in alerts where cases[alert.id] == nil { cases[alert.id] = AlertCase(alert: alert) }
    }

    public func alert(_ id: Int64) -> AlertCase? { cases[id] }

    /// The alerts, by id, optionally only those in `status`.
    public func list(status: AlertStatus? = nil) -> [AlertCase] {
        cases.keys.sorted().compactMap { id in
            let entry = cases[id]!
            return status == nil || entry.status == status ? entry : nil
        }
    }

    @discardableResult
    public mutating func apply(_ action: AlertAction, to id: Int64, by actor: String, at now: Int64) throws(AlertWorkflowError) -> AlertHistoryEntry {
        guard var entry = cases[id] else { throw .unknownAlert }
        let step = try entry.apply(action, by: actor, at: now)
        cases[id] = entry
        return step
    }

    /// Re-applies a logged step (at start-up); a step that no longer applies is refused as before.
    public mutating func replay(_ entry: AlertHistoryEntry) throws(AlertWorkflowError) {
        try apply(entry.action, to: entry.alertId, by: entry.actor, at: entry.atMs)
    }
}
