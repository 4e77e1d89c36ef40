/// One view of the operator console (OPS-2) and the API routes behind it. A view is shown
/// to a role only if every route it `reads` admits that role in the route registry, and
/// each of its `actions` is offered only if that route admits the role: the console has
/// no rule of its own, it asks the same registry the API enforces (DECISIONS 37). Views
/// that read nothing role-restricted (`reads` of open routes) are shown to every staff role.
struct ConsoleSection: Sendable {
    /// The element id and the name the page's script knows the view by.
    let id: String
    let title: String
    /// What the view shows, one line for the reader.
    let summary: String
    /// The routes the view reads, as registered: "METHOD /path".
    let reads: [String]
    /// The actions the view may offer (name → "METHOD /path").
    let actions: [(name: String, route: String)]

    init(_ id: String, _ title: String, _ summary: String, reads: [String], actions: [(name: String, route: String)] = []) {
        self.id = id
        self.title = title
        self.summary = summary
        self.reads = reads
        self.actions = actions
    }

    /// Every view, in page order.
    static let all: [ConsoleSection] = [
        ConsoleSection("health", "Venue health", "Readiness and the gateway's own counters from /metrics (OPS-5).",
                       reads: ["GET /v1/ready", "GET /metrics"]),
        ConsoleSection("book", "Order book and trades", "Depth and the latest trades, live over the WebSocket.",
                       reads: ["GET /v1/book/{symbol}", "GET /v1/trades/{symbol}", "GET /v1/ws"]),
        ConsoleSection("mark", "Mark, index and funding", "The mark price live over the WebSocket, with a chart; index and funding.",
                       reads: ["GET /v1/mark/{symbol}", "GET /v1/funding/{symbol}", "GET /v1/ws"]),
        ConsoleSection("oi", "Open interest", "Per instrument: open interest, volatility and the margin add-on.",
                       reads: ["GET /v1/risk/metrics"]),
        ConsoleSection("fund", "Insurance fund", "The fund's balance after the last durable command.",
                       reads: ["GET /v1/insurance-fund"]),
        ConsoleSection("atrisk", "Closest to liquidation", "From the liquidation index: trigger price and distance to the mark; ADL queue sizes.",
                       reads: ["GET /v1/risk/liquidation-watch"]),
        ConsoleSection("alerts", "Risk alerts", "Raised and cleared risk alerts with their evidence.",
                       reads: ["GET /v1/risk/alerts"]),
        ConsoleSection("stress", "Stress-test coverage", "The latest result of each stress scenario against the insurance fund.",
                       reads: ["GET /v1/risk/stress"]),
        ConsoleSection("financing", "Margin calls and forced sales", "The loan book, FIN-3 breaches, and every loan warned, called or being force-sold.",
                       reads: ["GET /v1/financing/loans"]),
        ConsoleSection("surveillance", "Surveillance alerts", "Market-abuse alerts with their evidence; take one, review it, close it with a comment.",
                       reads: ["GET /v1/compliance/surveillance/alerts"],
                       actions: [("assign", "POST /v1/compliance/surveillance/alerts/{id}/assign"),
                                 ("review", "POST /v1/compliance/surveillance/alerts/{id}/review"),
                                 ("close", "POST /v1/compliance/surveillance/alerts/{id}/close")]),
        ConsoleSection("obligations", "Market-maker presence today", "Each affiliated market maker's firm two-way presence for the UTC day.",
                       reads: ["GET /v1/compliance/market-makers/obligations"]),
        ConsoleSection("pi", "Professional-investor classifications", "Classified clients, soonest expiry first.",
                       reads: ["GET /v1/admin/accounts", "GET /v1/compliance/clients/{account}"]),
        ConsoleSection("approvals", "Four-eyes approvals waiting", "Requests made by one officer and waiting for a different checker.",
                       reads: ["GET /v1/compliance/requests"],
                       actions: [("approve", "POST /v1/compliance/requests/{requestId}/approve"),
                                 ("reject", "POST /v1/compliance/requests/{requestId}/reject")]),
        ConsoleSection("accounts", "Accounts", "Every account's cash, equity and margin.",
                       reads: ["GET /v1/admin/accounts"]),
    ]

    /// Reports: links to the API's own documents, each shown only if its route admits the role.
    static let reports: [(title: String, href: String, route: String)] = [
        ("Stress tests (JSON)", "/v1/risk/stress", "GET /v1/risk/stress"),
        ("Loan book (JSON)", "/v1/financing/loans", "GET /v1/financing/loans"),
        ("Loan-book stress test (JSON)", "/v1/financing/stress", "GET /v1/financing/stress"),
        ("Risk alerts (JSON)", "/v1/risk/alerts", "GET /v1/risk/alerts"),
        ("Audit-trail head (JSON)", "/v1/audit/head", "GET /v1/audit/head"),
        ("Information-barrier events (JSON)", "/v1/compliance/barrier-events", "GET /v1/compliance/barrier-events"),
        ("Surveillance alerts (JSON)", "/v1/compliance/surveillance/alerts", "GET /v1/compliance/surveillance/alerts"),
        ("Disclosures (JSON)", "/v1/disclosures", "GET /v1/disclosures"),
        ("Prometheus metrics", "/metrics", "GET /metrics"),
    ]
}

extension GatewayCore {
    /// Whether the registered route `route` ("METHOD /path") admits `role`; an unregistered
    /// route admits nobody (a typo hides a view rather than showing it).
    func routeAdmits(_ route: String, _ role: Role) -> Bool {
        routeRules.first { "\($0.method) \($0.path)" == route }?.admits(role) ?? false
    }

    /// The views `role` may see, with the actions it may take in each.
    func consoleSections(for role: Role) -> [(section: ConsoleSection, actions: [String])] {
        ConsoleSection.all.filter { $0.reads.allSatisfy { routeAdmits($0, role) } }.map { section in
            (section: section, actions: section.actions.filter { routeAdmits($0.route, role) }.map(\.name))
        }
    }
}
