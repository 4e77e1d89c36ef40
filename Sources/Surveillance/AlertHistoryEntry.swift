/// One step of an alert's review, as it happened: kept for ever, in order (the history is
/// append-only; nothing is edited or deleted).
public struct AlertHistoryEntry: Sendable, Hashable, Codable {
    public let alertId: Int64
    /// 1, 2, … within the alert.
    public let sequence: Int
    public let atMs: Int64
    public let actor: String
    public let action: AlertAction
    public let from: AlertStatus
    public let to: AlertStatus

    public init(alertId: Int64, sequence: Int, atMs: Int64, actor: String, action: AlertAction, from: AlertStatus, to: AlertStatus) {
        self.alertId = alertId
        self.sequence = sequence
        self.atMs = atMs
        self.actor = actor
        self.action = action
        self.from = from
        self.to = to
    }
}
