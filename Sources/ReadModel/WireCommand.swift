/// The fields of a replay-format command line (Engine's `CommandEncoder`) that read
/// models use to complete what events leave out — an order's side, type, price and
/// quantity, which `accepted` does not carry.
struct WireCommand: Decodable {
    let type: String
    let account: String?
    let symbol: String?
    let side: String?
    let orderType: String?
    let timeInForce: String?
    let price: String?
    let qty: String?
    let stopPrice: String?
    let trigger: String?
    let reduceOnly: Bool?
    let clientOrderId: String?
}
