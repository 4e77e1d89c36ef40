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

        var configuration = GatewayConfiguration(port: 0)
        configuration.surveillance = service
        let core = GatewayCore(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(), configuration: configuration,
                               clock: venue.clock, metrics: GatewayMetrics(), logger: Logger(label: "test"))
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: GatewayMiddleware(core: core))
        core.addSurveillanceRoutes(router, surveillance: service)
        core.addReportRoutes(router)
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

            // REG-3: the same alert as a report of the day it was raised, with its status now, and the
            // PI classifications expiring: TestVenue's clients are classified for 365 days.
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(secondsFromGMT: 8 * 3600); f.dateFormat = "yyyy-MM-dd"
            let today = f.string(from: Date(timeIntervalSince1970: Double(venue.clock.nowMillis()) / 1000))
            let report = try await venue.send(client, .get, "/v1/reports/surveillance-alerts?date=\(today)", key: venue.supervisor)
            #expect(report.status == 200, "\(report.text)")
            let rows = try #require(report.object["rows"] as? [[String: String]])
            #expect(rows.map { [$0["id"], $0["rule"], $0["accounts"], $0["status"], $0["assignee"], $0["actions"]] }
                    == [["1", "washTrade", "alice bob", "closed", "maya", "3"]])
            let summary = try #require(report.object["summary"] as? [String: String])
            #expect(summary["alerts"] == "1" && summary["closed"] == "1" && summary["open"] == "0" && summary["rule.washTrade"] == "1")
            #expect((try await venue.send(client, .get, "/v1/reports/surveillance-alerts?date=2020-01-01", key: venue.compliance)
                .object["rows"] as? [Any])?.isEmpty == true)
            let html = try await venue.send(client, .get, "/v1/reports/mm-obligations?date=\(today)&format=html", key: venue.compliance)
            #expect(html.status == 200 && html.text.contains("Market-maker obligations"))
            let soon = try await venue.send(client, .get, "/v1/reports/pi-expiries?date=\(today)", key: venue.compliance)
            #expect(soon.status == 200 && (soon.object["rows"] as? [Any])?.isEmpty == true)
            let year = try await venue.send(client, .get, "/v1/reports/pi-expiries?date=\(today)&days=366", key: venue.compliance)
            let expiring = try #require(year.object["rows"] as? [[String: String]])
            #expect(expiring.contains { $0["account"] == "alice" } && expiring.contains { $0["account"] == "bob" })
            for row in expiring {
                let assessed = Int64(row["assessedAt"]!)!, expires = Int64(row["expiresAt"]!)!
                #expect(expires - assessed == 365 * 86_400_000 && row["state"] == "expiring")
                #expect(row["daysAfterWindow"] == "364" || row["daysAfterWindow"] == "365" || row["daysAfterWindow"] == "363")
            }
            #expect(try await venue.send(client, .get, "/v1/reports/pi-expiries?date=\(today)&days=-1", key: venue.compliance).code == "INVALID_PARAMETER")

            // The venue reports of REG-3 by their names, for compliance and the supervisor only.
            #expect(rows.first?["lastAction"] == "close: one owner, two mandates" && rows.first?["raised"] == "inWindow")
            let known = try await venue.send(client, .get, "/v1/reports/no-such-report?date=\(today)", key: venue.supervisor)
            #expect(known.status == 404 && ["surveillance-alerts", "mm-obligations", "pi-expiring"].allSatisfy { known.text.contains($0) })
            for name in ["surveillance-alerts", "mm-obligations", "pi-expiring"] {
                #expect(try await venue.send(client, .get, "/v1/reports/\(name)?date=\(today)", key: venue.alice).status == 403)
                #expect(try await venue.send(client, .get, "/v1/reports/\(name)?date=\(today)").status == 401)
                let csv = try await venue.send(client, .get, "/v1/reports/\(name)?date=\(today)&format=csv", key: venue.supervisor)
                #expect(csv.status == 200 && csv.text.hasPrefix(name == "pi-expiring" ? "account,investorKind" : name == "mm-obligations" ? "date,account" : "id,raisedAt"))
            }
            let mmReport = try await venue.send(client, .get, "/v1/reports/mm-obligations?date=\(today)", key: venue.supervisor)
            #expect((mmReport.object["summary"] as? [String: String])?["businessDayUtcOffsetMinutes"] == "480")
            let pi = try await venue.send(client, .get, "/v1/reports/pi-expiring?date=\(today)&days=366", key: venue.compliance)
            let classified = try #require(pi.object["rows"] as? [[String: String]])
            #expect(classified.contains { $0["account"] == "alice" } && classified.contains { $0["account"] == "bob" })
            for row in classified {
                #expect(row["state"] == "expiring" && !(row["approvedBy"] ?? "").isEmpty && row["approvedBy"] != row["proposedBy"])
                #expect(["363", "364", "365"].contains(row["daysLeft"] ?? ""))
            }
            #expect((try await venue.send(client, .get, "/v1/reports/pi-expiring?date=\(today)", key: venue.compliance)
                .object["rows"] as? [Any])?.isEmpty == true)
        }
        // The three accepted steps are on disk.
        let logged = try AlertWorkflowLog.read(url: venue.host.options.dataDirectory
            .appendingPathComponent("compliance").appendingPathComponent("alert-workflow.jsonl"))
        #expect(logged.map(\.action.code) == ["assign", "review", "close"])
    }
}
