import Compliance

/// A surveillance alert as the projection raised it: a stable id (its rank in the stream,
/// from 1, so a replay gives every alert the same id) and the command time it was raised at.
public struct RaisedAlert: Sendable, Hashable, Codable {
    public let id: Int64
    public let raisedAtMs: Int64
    public let alert: SurveillanceAlert

    public init(id: Int64, raisedAtMs: Int64, alert: SurveillanceAlert) {
        self.id = id
        self.raisedAtMs = raisedAtMs
        self.alert = alert
    }
}
