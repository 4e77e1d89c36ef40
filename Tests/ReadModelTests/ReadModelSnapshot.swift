import Foundation
import ReadModel

/// Every query's answer for the given accounts, as one JSON document, so two stores can
/// be compared for identical results.
func snapshot(_ store: ReadModelStore, accounts: [String]) throws -> String {
    struct PerAccount: Encodable {
        let orders: [OrderRecord]
        let trades: [TradeRecord]
        let postings: [PostingRecord]
        let positions: [PositionRecord]
        let rejections: [RejectionRecord]
        let statement: StatementRecord
        let balance: String?
    }
    struct All: Encodable {
        let lastSequence: UInt64
        let publicTrades: [TradeRecord]
        let accounts: [String: PerAccount]
    }
    var per: [String: PerAccount] = [:]
    for a in accounts {
        per[a] = PerAccount(orders: try store.orders(account: a, limit: 10_000), trades: try store.trades(account: a, limit: 10_000),
                            postings: try store.postings(account: a, limit: 10_000), positions: try store.positions(account: a),
                            rejections: try store.rejections(account: a, limit: 10_000),
                            statement: try store.statement(account: a, fromTs: 0, toTs: .max), balance: try store.balance(account: a))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let all = All(lastSequence: try store.lastSequence, publicTrades: try store.trades(limit: 10_000), accounts: per)
    return String(decoding: try encoder.encode(all), as: UTF8.self)
}
