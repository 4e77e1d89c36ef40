import Foundation
@testable import Gateway
import ReadModel
import Testing

/// `GET /v1/reports/{name}` (REG-3): compliance and supervisor keys fetch a business day's
/// report as JSON, CSV or HTML; the figures are the read model's, worked out by hand here.
@Suite("Report route", .timeLimit(.minutes(2))) struct ReportRouteTests {
    @Test("the fees report of today's one trade: 0.01 BTC at 50000, maker 0.0002, taker 0.0005")
    func feesReportThroughTheAPI() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            #expect(try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("sell", price: "50000", qty: "0.01")).status == 200)
            #expect(try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("buy", price: "50000", qty: "0.01")).status == 200)
            try await feed.catchUp(through: try await v.lastSequence())
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(secondsFromGMT: 8 * 3600); f.dateFormat = "yyyy-MM-dd"
            let today = f.string(from: Date(timeIntervalSince1970: Double(v.clock.nowMillis()) / 1000))

            typealias A = AuthAndValidationTests
            for key in [v.alice, v.op, v.risk] {
                try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .get, "/v1/reports/fees?date=\(today)", key: key) }
            }
            try await A.refused(v, 403, "INFORMATION_BARRIER") { try await v.send(client, .get, "/v1/reports/fees?date=\(today)", key: v.mm) }
            try await A.refused(v, 404, "NOT_FOUND") { try await v.send(client, .get, "/v1/reports/weather?date=\(today)", key: v.compliance) }
            try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/reports/fees?date=2026-02-30", key: v.compliance) }
            try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/reports/fees", key: v.compliance) }
            try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/reports/fees?date=\(today)&format=pdf", key: v.compliance) }

            let json = try await v.send(client, .get, "/v1/reports/fees?date=\(today)", key: v.supervisor)
            #expect(json.status == 200, "\(json.text)")
            #expect(json.header("Content-Type") == "application/json")
            let rows = try #require(json.object["rows"] as? [[String: String]])
            #expect(rows.map { $0["account"] } == ["alice", "bob"])
            // alice made: 500 × 0.0002 = 0.1; bob took: 500 × 0.0005 = 0.25.
            #expect(DecimalText(rows[0]["makerFees"]!) == DecimalText("0.1") && DecimalText(rows[0]["takerFees"]!) == .zero)
            #expect(DecimalText(rows[1]["takerFees"]!) == DecimalText("0.25"))
            let summary = try #require(json.object["summary"] as? [String: String])
            #expect(DecimalText(summary["totalFees"]!) == DecimalText("0.35"))

            let csv = try await v.send(client, .get, "/v1/reports/fees?date=\(today)&format=csv", key: v.compliance)
            #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("account,trades,makerFees,takerFees,totalFees\r\nalice,1,"))
            let html = try await v.send(client, .get, "/v1/reports/fees?date=\(today)&format=html", key: v.compliance)
            #expect(html.status == 200 && html.header("Content-Type") == "text/html; charset=utf-8")
            #expect(html.text.contains("<td>bob</td>"))

            // A range holding today carries today's figures; the window must be date, or from and to.
            let week = try await v.send(client, .get, "/v1/reports/fees?from=2020-01-01&to=2020-01-07", key: v.compliance)
            #expect(week.status == 200 && (week.object["rows"] as? [Any])?.isEmpty == true && week.object["toDate"] as? String == "2020-01-07")
            for bad in ["from=\(today)", "to=\(today)", "date=\(today)&from=\(today)&to=\(today)", "from=\(today)&to=2020-01-01",
                        "date=\(today)&threshold=-1", "date=\(today)&threshold=abc", "date=\(today)&account="] {
                try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/reports/fees?\(bad)", key: v.compliance) }
            }
            // Positions at the end of today: alice short 0.01 BTC, bob long, notional 0.01 × mark 50000 = 500 (the
            // venue's mark was set before the feed subscribed, so the test projects one).
            try feed.store.apply(sequence: try await v.lastSequence() + 1, timestamp: v.clock.nowMillis(), commandLine: nil,
                                 eventLines: [#"{"type":"markPrice","symbol":"BTC-PERP","price":"50000"}"#])
            let positions = try await v.send(client, .get, "/v1/reports/positions?date=\(today)", key: v.supervisor)
            #expect(positions.status == 200, "\(positions.text)")
            let open = try #require(positions.object["rows"] as? [[String: String]])
            #expect(open.map { $0["account"] } == ["alice", "bob"] && open.map { $0["side"] } == ["short", "long"])
            #expect(open.allSatisfy { DecimalText($0["notional"]!) == DecimalText("500") })
            // The host's BTC tiers: 500 × 0.4 % = 2 each (no add-on published), from the gateway's configuration.
            #expect(open.allSatisfy { DecimalText($0["maintenanceMargin"]!) == DecimalText("2") })
            let large = try await v.send(client, .get, "/v1/reports/large-exposures?date=\(today)&threshold=500", key: v.compliance)
            #expect((large.object["rows"] as? [[String: String]])?.count == 2)
            let statement = try await v.send(client, .get, "/v1/reports/client-statement?date=\(today)&account=bob&format=json", key: v.compliance)
            let bob = try #require((statement.object["rows"] as? [[String: String]])?.first)
            #expect(bob["account"] == "bob" && DecimalText(bob["fees"]!) == DecimalText("0.25") && bob["trades"] == "1")
            // The feed started after bob's deposit, so his opening balance is not in it: the statement says so.
            func d(_ k: String) -> DecimalText { DecimalText(bob[k]!)! }
            #expect(d("unexplained") == d("closing") - (d("opening") + d("deposits") - d("withdrawals") - d("fees") + d("realizedPnl")
                                                       + d("funding") + d("interest") + d("other")))
            let chart = try await v.send(client, .get, "/v1/reports/positions?date=\(today)&format=html", key: v.compliance)
            #expect(chart.text.contains("<svg") && chart.text.contains("Open interest"))
            // The margin-financing book (REG-3) through the same route: nothing was called today.
            let book = try await v.send(client, .get, "/v1/reports/margin-financing?date=\(today)", key: v.supervisor)
            #expect(book.status == 200 && book.object["report"] as? String == "margin-financing", "\(book.text)")
            #expect((book.object["summary"] as? [String: String])?["marginCalls"] == "0")
            let bookPage = try await v.send(client, .get, "/v1/reports/margin-financing?date=\(today)&format=html", key: v.compliance)
            #expect(bookPage.status == 200 && bookPage.text.contains("Margin notices and margin calls per hour"))
        }
    }
}
