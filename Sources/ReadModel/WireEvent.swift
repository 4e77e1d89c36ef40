/// One event line of the replay format (shared/REPLAY-FORMAT.md, Engine's
/// `EventEncoder`), decoded loosely: every field is optional and unknown fields are
/// ignored, so read models survive events that gain fields.
public struct WireEvent: Decodable, Sendable {
    public let type: String
    public let orderId: Int64?
    public let clientOrderId: String?
    public let account: String?
    public let symbol: String?
    public let code: String?
    public let message: String?
    public let price: String?
    public let qty: String?
    public let makerOrderId: Int64?
    public let takerOrderId: Int64?
    public let makerAccount: String?
    public let takerAccount: String?
    public let takerSide: String?
    public let makerFee: String?
    public let takerFee: String?
    public let reason: String?
    public let remainingQty: String?
    public let size: String?
    public let entryPrice: String?
    public let isolatedMargin: String?
    public let asset: String?
    public let amount: String?
    public let leverage: String?
    public let marginMode: String?
    public let status: String?
    public let from: String?
    public let to: String?
    // funding
    public let rate: String?
    public let premium: String?
    public let interest: String?
    public let mark: String?
    public let fundingTime: Int64?
    public let residue: String?
    // liquidation waterfall (RISK-4)
    public let markPrice: String?
    public let equity: String?
    public let maintenanceMargin: String?
    public let stage: String?
    public let counterparty: String?
    public let rank: Int64?
    // platform risk (RISK-6)
    public let kind: String?
    public let state: String?
    public let threshold: String?
    public let value: String?
    public let volatility: String?
    public let marginAddOn: String?
    public let samples: Int64?
    public let position: String?
    public let openInterest: String?
    public let cap: String?
    public let scenario: String?
    public let shortfall: String?
    public let insuranceFund: String?
    public let uncovered: String?
    public let accountsInShortfall: Int64?
}
