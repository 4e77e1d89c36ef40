import GRDB

/// One fill, identified by the sequence of its command and its index among that
/// command's events. Price, quantity and fees are decimal strings; a fee is signed
/// (negative is a rebate to the client).
public struct TradeRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var symbol: String
    public var price: String
    public var qty: String
    public var makerOrderId: Int64
    public var takerOrderId: Int64
    public var makerAccount: String
    public var takerAccount: String
    public var takerSide: String
    public var makerFee: String
    public var takerFee: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// The fee `account` paid on this trade (as maker, taker or both), or zero.
    public func fee(of account: String) -> DecimalText {
        var f = DecimalText.zero
        if makerAccount == account, let m = DecimalText(makerFee) { f += m }
        if takerAccount == account, let t = DecimalText(takerFee) { f += t }
        return f
    }
}
