/// The fields of a replay-format command line (Engine's `CommandEncoder`) that read
/// models use to complete what events leave out — an order's side, type, price and
/// quantity, which `accepted` does not carry.
public struct WireCommand: Decodable, Sendable {
    public let type: String
    public let account: String?
    public let symbol: String?
    public let side: String?
    public let orderType: String?
    public let timeInForce: String?
    public let price: String?
    public let qty: String?
    public let stopPrice: String?
    public let trigger: String?
    public let reduceOnly: Bool?
    public let clientOrderId: String?
}
