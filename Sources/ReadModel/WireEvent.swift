/// One event line of the replay format (shared/REPLAY-FORMAT.md, Engine's
/// `EventEncoder`), decoded loosely: every field is optional and unknown fields are
/// ignored, so read models survive events that gain fields.
struct WireEvent: Decodable {
    let type: String
    let orderId: Int64?
    let clientOrderId: String?
    let account: String?
    let symbol: String?
    let code: String?
    let message: String?
    let price: String?
    let qty: String?
    let makerOrderId: Int64?
    let takerOrderId: Int64?
    let makerAccount: String?
    let takerAccount: String?
    let takerSide: String?
    let makerFee: String?
    let takerFee: String?
    let reason: String?
    let remainingQty: String?
    let size: String?
    let entryPrice: String?
    let isolatedMargin: String?
    let asset: String?
    let amount: String?
    let leverage: String?
    let marginMode: String?
    let status: String?
    let from: String?
    let to: String?
    // funding
    let rate: String?
    let premium: String?
    let interest: String?
    let mark: String?
    let fundingTime: Int64?
    let residue: String?
    // liquidation waterfall (RISK-4)
    let markPrice: String?
    let equity: String?
    let maintenanceMargin: String?
    let stage: String?
    let counterparty: String?
    let rank: Int64?
    // platform risk (RISK-6)
    let kind: String?
    let state: String?
    let threshold: String?
    let value: String?
    let volatility: String?
    let marginAddOn: String?
    let samples: Int64?
    let position: String?
    let openInterest: String?
    let cap: String?
    let scenario: String?
    let shortfall: String?
    let insuranceFund: String?
    let uncovered: String?
    let accountsInShortfall: Int64?
}
