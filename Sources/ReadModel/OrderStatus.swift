/// The life-cycle state of an order in the read model. A partially filled order is
/// `open` with a non-zero `filledQty`.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case open, filled, canceled, expired, rejected
}
