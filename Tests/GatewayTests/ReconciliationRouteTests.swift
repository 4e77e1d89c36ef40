import Foundation
@testable import Gateway
import Testing

/// `GET /v1/reconciliation` (issue 16 item 4): the live ledger reconciled on demand, for the
/// risk team, compliance and the supervisor only.
@Suite("Reconciliation route", .timeLimit(.minutes(2))) struct ReconciliationRouteTests {
    @Test("risk, compliance and supervisor keys read the live books reconciled; clients and operations are refused, market makers at the barrier")
    func reconciliationOfTheLiveBooks() async throws {
        try await TestVenue.withLive { v, client in
            typealias A = AuthAndValidationTests
            for key in [v.alice, v.op] {
                try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .get, "/v1/reconciliation", key: key) }
            }
            try await A.refused(v, 403, "INFORMATION_BARRIER") { try await v.send(client, .get, "/v1/reconciliation", key: v.mm) }
            try await A.refused(v, 401, "MISSING_AUTH") { try await v.send(client, .get, "/v1/reconciliation") }
            try await A.refused(v, 400, "UNKNOWN_PARAMETER") { try await v.send(client, .get, "/v1/reconciliation?date=2026-01-01", key: v.risk) }
            for key in [v.risk, v.compliance, v.supervisor] {
                let r = try await v.send(client, .get, "/v1/reconciliation", key: key)
                #expect(r.status == 200, "\(r.text)")
                #expect(r.object["reconciled"] as? Bool == true)
                #expect((r.object["findings"] as? [Any])?.isEmpty == true)
                let assets = try #require(r.object["assets"] as? [[String: Any]])
                #expect(assets.map { $0["asset"] as? String } == ["USD"])
                // Three deposits of 1,000,000 USD and nothing traded: all of it is client cash.
                let usd = assets[0]
                #expect(usd["external"] as? String == "-3000000.000000")
                #expect(usd["clientCash"] as? String == "3000000.000000")
                #expect(usd["clientBooks"] as? String == "3000000.000000")
                #expect(usd["houseBooks"] as? String == "0.000000")
                #expect(usd["sum"] as? String == "0.000000")
            }
        }
    }
}
