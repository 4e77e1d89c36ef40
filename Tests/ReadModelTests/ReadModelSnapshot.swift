import Foundation
import ReadModel

/// Every query's answer for the given accounts (and the venue-wide risk, funding and
/// insurance-fund queries), as one JSON document, so two stores — of one kind or of two
/// kinds — can be compared for identical results.
func snapshot(_ store: TestStore, accounts: [String], symbols: [String] = ["BTC-PERP", "ETH-PERP"]) async throws -> String {
    struct PerAccount: Encodable {
        let orders: [OrderRecord]
        let trades: [TradeRecord]
        let postings: [PostingRecord]
        let cashPostings: [PostingRecord]
        let positions: [PositionRecord]
        let rejections: [RejectionRecord]
        let statement: StatementRecord
        let balance: String?
        let liquidations: [String]
        let adlRanks: [AdlRankRecord]
    }
    struct PerSymbol: Encodable {
        let funding: [FundingRecord]
        let riskMetrics: [RiskMetricsRecord]
        let publicTrades: [TradeRecord]
    }
    struct All: Encodable {
        let lastSequence: UInt64
        let publicTrades: [TradeRecord]
        let accounts: [String: PerAccount]
        let symbols: [String: PerSymbol]
        let riskAlerts: [RiskAlertRecord]
        let activeRiskAlerts: [RiskAlertRecord]
        let stressTests: [StressTestRecord]
        let stressHistory: [StressTestRecord]
        let latestRiskMetrics: [RiskMetricsRecord]
        let insuranceFund: String
        let insuranceFundHistory: [InsuranceFundRecord]
    }
    var per: [String: PerAccount] = [:]
    for a in accounts {
        per[a] = PerAccount(orders: try await store.orders(account: a, limit: 10_000),
                            trades: try await store.trades(account: a, limit: 10_000),
                            postings: try await store.postings(account: a, limit: 10_000),
                            cashPostings: try await store.cashPostings(account: a, limit: 10_000),
                            positions: try await store.positions(account: a),
                            rejections: try await store.rejections(account: a, limit: 10_000),
                            statement: try await store.statement(account: a, fromTs: 0, toTs: .max),
                            balance: try await store.balance(account: a),
                            liquidations: try await store.liquidationActivity(account: a, limit: 10_000).map { "\($0)" },
                            adlRanks: try await store.adlRanks(account: a))
    }
    var bySymbol: [String: PerSymbol] = [:]
    for s in symbols {
        bySymbol[s] = PerSymbol(funding: try await store.fundingHistory(symbol: s, limit: 10_000),
                                riskMetrics: try await store.riskMetricsHistory(symbol: s, limit: 10_000),
                                publicTrades: try await store.trades(symbol: s, limit: 10_000))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let all = All(lastSequence: try await store.lastSequence, publicTrades: try await store.trades(limit: 10_000), accounts: per,
                  symbols: bySymbol, riskAlerts: try await store.riskAlerts(RiskAlertFilter(limit: 10_000)),
                  activeRiskAlerts: try await store.riskAlerts(RiskAlertFilter(activeOnly: true, limit: 10_000)),
                  stressTests: try await store.latestStressTests(), stressHistory: try await store.stressTestHistory(limit: 10_000),
                  latestRiskMetrics: try await store.latestRiskMetrics(), insuranceFund: try await store.insuranceFundBalance(),
                  insuranceFundHistory: try await store.insuranceFundHistory(limit: 10_000))
    return String(decoding: try encoder.encode(all), as: UTF8.self)
}
