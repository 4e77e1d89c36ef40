import Compliance
import Engine
import Foundation
import HarbourCore
import Hummingbird
import HummingbirdTesting
import Logging
import Surveillance
import Testing
@testable import Gateway

/// The compliance surveillance routes over a real venue: the wash trade alice ↔ bob (one
/// owner) is listed with its evidence; assign → review → close are signed operator actions,
/// refusals carry the workflow's codes and change nothing; obligations answer by date.
@Suite struct SurveillanceRoutesTests {
    @Test func alertsAreListedAndReviewedThroughTheRoutes() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let service = try SurveillanceService(host: venue.host, context: SurveillanceContext(
            symbols: venue.host.options.config.instruments.map(\.symbol), owners: ["alice": "owner-1", "bob": "owner-1"]))
        try await service.start()
        let runner = Task { await service.run() }
        defer { runner.cancel() }
        let alice = try await venue.host.read { $0.accountID(named: "alice")! }
        let bob = try await venue.host.read { $0.accountID(named: "bob")! }
        _ = try await venue.host.submit(.placeOrder(PlaceOrder(account: alice, instrument: InstrumentID(0), side: .sell, price: 500_000, quantity: 1_000)))
        let last = try await venue.host.submit(.placeOrder(PlaceOrder(account: bob, instrument: InstrumentID(0), side: .buy, price: 500_000, quantity: 1_000)))
        let deadline = ContinuousClock.now + .seconds(10)
        while await service.sequence < last.sequence, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }

        let core = GatewayCore(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(), configuration: GatewayConfiguration(port: 0),
                               clock: venue.clock, metrics: GatewayMetrics(), logger: Logger(label: "test"))
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: GatewayMiddleware(core: core))
        core.addSurveillanceRoutes(router, surveillance: service)
        let app = Application(router: router)
        try await app.test(.router) { client in
            let path = "/v1/compliance/surveillance/alerts"
            #expect(try await venue.send(client, .get, path).status == 401)
            #expect(try await venue.send(client, .get, path, key: venue.alice).status == 403)
            let listed = try await venue.send(client, .get, path, key: venue.supervisor)
            #expect(listed.status == 200)
            #expect(listed.array.map { $0["rule"] as? String } == ["washTrade"])
            #expect(listed.array.first?["accounts"] as? [String] == ["alice", "bob"])
            #expect(listed.array.first?["evidence"] as? String == "1000 at 500000 between two accounts of beneficial owner owner-1")
            #expect(listed.array.first?["status"] as? String == "open")
            #expect(try await venue.send(client, .get, path + "?status=bogus", key: venue.supervisor).code == "INVALID_PARAMETER")

            #expect(try await venue.send(client, .post, path + "/1/assign", key: venue.supervisor, body: #"{"assignee":"carol"}"#).status == 403)
            #expect(try await venue.send(client, .post, path + "/1/review", key: venue.compliance, body: "{}").code == "INVALID_TRANSITION")
            let assigned = try await venue.send(client, .post, path + "/1/assign", key: venue.compliance, body: #"{"assignee":"maya"}"#)
            #expect(assigned.status == 200 && assigned.object["to"] as? String == "assigned")
            #expect(try await venue.send(client, .post, path + "/1/review", key: venue.compliance, body: "{}").object["to"] as? String == "underReview")
            #expect(try await venue.send(client, .post, path + "/1/close", key: venue.compliance, body: #"{"comment":""}"#).code == "COMMENT_REQUIRED")
            #expect(try await venue.send(client, .post, path + "/1/close", key: venue.compliance, body: "{}").code == "MISSING_FIELD")
            let closed = try await venue.send(client, .post, path + "/1/close", key: venue.compliance, body: #"{"comment":"one owner, two mandates"}"#)
            #expect(closed.status == 200 && closed.object["comment"] as? String == "one owner, two mandates")
            #expect(try await venue.send(client, .post, path + "/1/assign", key: venue.compliance, body: #"{"assignee":"x"}"#).code == "ALERT_CLOSED")
            #expect(try await venue.send(client, .post, path + "/9/review", key: venue.compliance, body: "{}").status == 404)
            let after = try await venue.send(client, .get, path + "?status=closed", key: venue.supervisor)
            #expect((after.array.first?["history"] as? [[String: Any]])?.count == 3)

            let obligations = "/v1/compliance/market-makers/obligations"
            #expect(try await venue.send(client, .get, obligations + "?date=2026-13", key: venue.supervisor).code == "INVALID_PARAMETER")
            let reports = try await venue.send(client, .get, obligations + "?date=2026-01-01", key: venue.supervisor)
            #expect(reports.status == 200 && reports.array.isEmpty)
        }
        // The three accepted steps are on disk.
        let logged = try AlertWorkflowLog.read(url: venue.host.options.dataDirectory
            .appendingPathComponent("compliance").appendingPathComponent("alert-workflow.jsonl"))
        #expect(logged.map(\.action.code) == ["assign", "review", "close"])
    }
}
