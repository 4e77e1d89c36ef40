import Foundation
import ReadModel
import ReadModelPostgres
import Testing

/// The stores the read-model suite runs against: SQLite always, PostgreSQL when
/// `HARBOUR_TEST_POSTGRES_URL` names a server (scripts/test.sh starts a throw-away
/// PostgreSQL 15 and always sets it, so CI runs both; a local run without it runs SQLite).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["HARBOUR_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// A fresh, empty store of one kind (PostgreSQL: a schema of its own on the test server)
/// with the defaults the SQLite store's methods have, so a test reads the same on both.
final class TestStore: Sendable {
    let base: any ReadModelStorage

    init(_ base: any ReadModelStorage) { self.base = base }

    static func make(_ kind: StoreKind) async throws -> TestStore {
        switch kind {
        case .sqlite:
            return TestStore(try ReadModelStore(path: ":memory:"))
        case .postgres:
            let url = try #require(StoreKind.postgresURL, "HARBOUR_TEST_POSTGRES_URL")
            return TestStore(try await PostgresReadModelStore(url: try freshSchema(url)))
        }
    }

    /// The test server's URL with a new, unused schema.
    static func freshSchema(_ url: String) throws -> PostgresURL {
        try PostgresURL(url).with(schema: "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_"))
    }

    var lastSequence: UInt64 { get async throws { try await base.lastSequence } }

    @discardableResult
    func apply(batch: [ProjectedOutcome]) async throws -> Int { try await base.applyAsync(batch: batch) }

    @discardableResult
    func apply(sequence: UInt64, timestamp: Int64, commandLine: String?, eventLines: [String]) async throws -> Bool {
        try await base.applyAsync(batch: [ProjectedOutcome(sequence: sequence, timestamp: timestamp, commandLine: commandLine,
                                                           eventLines: eventLines)]) == 1
    }

    func orders(account: String, symbol: String? = nil, status: OrderStatus? = nil, fromTs: Int64? = nil, toTs: Int64? = nil,
                limit: Int = 100, beforeOrderId: Int64? = nil) async throws -> [OrderRecord] {
        try await base.orders(account: account, symbol: symbol, status: status, fromTs: fromTs, toTs: toTs, limit: limit,
                              beforeOrderId: beforeOrderId)
    }
    func order(id: Int64) async throws -> OrderRecord? { try await base.order(id: id) }
    func order(account: String, orderId: Int64) async throws -> OrderRecord? { try await base.order(account: account, orderId: orderId) }
    func order(account: String, clientOrderId: String) async throws -> OrderRecord? {
        try await base.order(account: account, clientOrderId: clientOrderId)
    }
    func trades(account: String? = nil, symbol: String? = nil, fromTs: Int64? = nil, toTs: Int64? = nil,
                afterSequence: Int64? = nil, limit: Int = 100) async throws -> [TradeRecord] {
        try await base.trades(account: account, symbol: symbol, fromTs: fromTs, toTs: toTs, afterSequence: afterSequence, limit: limit)
    }
    func postings(account: String, limit: Int = 100) async throws -> [PostingRecord] { try await base.postings(account: account, limit: limit) }
    func cashPostings(account: String, fromTs: Int64? = nil, toTs: Int64? = nil, limit: Int = 100) async throws -> [PostingRecord] {
        try await base.cashPostings(account: account, fromTs: fromTs, toTs: toTs, limit: limit)
    }
    func positions(account: String) async throws -> [PositionRecord] { try await base.positions(account: account) }
    func rejections(account: String, limit: Int = 100) async throws -> [RejectionRecord] {
        try await base.rejections(account: account, limit: limit)
    }
    func balance(account: String, asset: String = "USD") async throws -> String? { try await base.balance(account: account, asset: asset) }
    func statement(account: String, fromTs: Int64, toTs: Int64, asset: String = "USD") async throws -> StatementRecord {
        try await base.statement(account: account, fromTs: fromTs, toTs: toTs, asset: asset)
    }
    func fundingHistory(symbol: String, limit: Int = 100) async throws -> [FundingRecord] {
        try await base.fundingHistory(symbol: symbol, limit: limit)
    }
    func liquidationActivity(account: String, symbol: String? = nil, fromTs: Int64? = nil, toTs: Int64? = nil,
                             limit: Int = 100) async throws -> [LiquidationActivity] {
        try await base.liquidationActivity(account: account, symbol: symbol, fromTs: fromTs, toTs: toTs, limit: limit)
    }
    func adlRanks(account: String) async throws -> [AdlRankRecord] { try await base.adlRanks(account: account) }
    func riskAlerts(_ filter: RiskAlertFilter = RiskAlertFilter()) async throws -> [RiskAlertRecord] { try await base.riskAlerts(filter) }
    func latestStressTests() async throws -> [StressTestRecord] { try await base.latestStressTests() }
    func stressTestHistory(scenario: String? = nil, limit: Int = 100) async throws -> [StressTestRecord] {
        try await base.stressTestHistory(scenario: scenario, limit: limit)
    }
    func latestRiskMetrics() async throws -> [RiskMetricsRecord] { try await base.latestRiskMetrics() }
    func riskMetricsHistory(symbol: String, limit: Int = 100) async throws -> [RiskMetricsRecord] {
        try await base.riskMetricsHistory(symbol: symbol, limit: limit)
    }
    func insuranceFundBalance(asset: String = "USD") async throws -> String { try await base.insuranceFundBalance(asset: asset) }
    func insuranceFundHistory(asset: String = "USD", limit: Int = 100) async throws -> [InsuranceFundRecord] {
        try await base.insuranceFundHistory(asset: asset, limit: limit)
    }
}
