import ArgumentParser
import CommandInput
import Engine
import Foundation
import Disclosures
import Gateway
import HarbourCore
import Logging
import Prometheus
import ReadModel
import ReadModelPostgres
import Sequencer
import Simulator
import Surveillance

/// `harbour serve`: recovers the data directory and serves the client API (OPS-3, OPS-4).
/// With `--demo`, it also opens demo accounts with API keys (printed at start), a
/// simulated index feed and a market-maker bot, so the book is live within seconds.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the venue: recover the journal and serve REST + WebSocket on 127.0.0.1."
    )

    @Option(help: "Data directory (journal, snapshots, read model, API keys).")
    var data: String = "./harbour-data"

    @Option(help: """
        Read-model store: 'sqlite' (default, DATA/readmodel.sqlite) or postgres://USER@HOST:PORT/DB?schema=NAME \
        (read models in PostgreSQL, and the journal copied there as it is written; docs/OPERATOR.md).
        """)
    var store: String?

    @Option(help: "Address to listen on (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(help: "Venue configuration file (default: the built-in demo venue, same as config/venue.json).")
    var config: String?

    @Flag(help: "Open demo accounts and keys, and run a simulated index feed and market maker.")
    var demo = false

    @Option(help: "Why the configuration differs from the version recorded in the data directory: records it as the next version (PERP-1). Without it, a changed configuration is refused.")
    var acceptConfigChange: String?

    @Option(help: "Seconds a connection may stay silent (nothing read or written) before it is closed.")
    var idleTimeout: Int = 60

    @Option(help: "Open connections allowed per client IP address; more are answered 503 and closed.")
    var maxConnectionsPerIp: Int = 256

    @Option(help: "Messages a WebSocket session may have queued before it is closed as a slow consumer (code 4000).")
    var wsQueueLimit: Int = 10_000

    /// Tests and drills only: a small bound makes the PostgreSQL journal copy fall behind,
    /// and catch up from the local journal, within a few hundred records (docs/OPERATOR.md).
    @Option(help: .hidden)
    var journalCopyBacklog: Int?

    @Option(help: "Seconds between published audit-trail heads (REG-2; heads.log, the log, GET /v1/audit/head).")
    var auditHeadInterval: Int = 300

    @Option(help: "Seconds between scheduled reconciliations of the live books (a failure is an error log, a metric and a risk-channel alert); 0: only on demand.")
    var reconcileEvery: Int = 86_400

    @Option(help: "Minutes an operator-console session may stay unused before it expires (15 by default; seconds with an 's' suffix, e.g. 20s).")
    var consoleSessionIdle: String = "15"

    /// `--console-session-idle` in milliseconds (minutes, or seconds with an `s` suffix).
    var consoleSessionIdleMillis: Int64? {
        let seconds = consoleSessionIdle.hasSuffix("s")
        guard let n = Int64(seconds ? String(consoleSessionIdle.dropLast()) : consoleSessionIdle), n >= 1, n <= 24 * 3600 else { return nil }
        return n * (seconds ? 1000 : 60_000)
    }

    func validate() throws {
        guard consoleSessionIdleMillis != nil else {
            throw ValidationError("--console-session-idle must be a whole number of minutes (or seconds with 's'), at least 1")
        }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second") }
        guard maxConnectionsPerIp >= 1 else { throw ValidationError("--max-connections-per-ip must be at least 1") }
        guard wsQueueLimit >= 1 else { throw ValidationError("--ws-queue-limit must be at least 1") }
        if let n = journalCopyBacklog, n < 2 { throw ValidationError("--journal-copy-backlog must be at least 2") }
        guard auditHeadInterval >= 1 else { throw ValidationError("--audit-head-interval must be at least 1 second") }
        guard reconcileEvery >= 0 else { throw ValidationError("--reconcile-every must be 0 (off) or a number of seconds") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .info
            return h
        }
        let logger = Logger(label: "harbour")
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let dir = URL(fileURLWithPath: data)
        let configBytes = try config.map { path -> Data in
            guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read configuration file \(path)") }
            return bytes
        } ?? Data(VenueConfig.standardJSON.utf8)
        let configCheck = try ServeSupport.checkConfigVersion(configBytes, dataDirectory: dir, reason: acceptConfigChange)
        let venueHost = try VenueHost(options: .init(dataDirectory: dir, config: venue))
        let configVersion = try ServeSupport.recordConfigVersion(configCheck, configBytes, dataDirectory: dir, reason: acceptConfigChange,
                                                                 logger: logger)
        let r = venueHost.recovery
        logger.info("recovered", metadata: [
            "records": "\(r.recordsReplayed)", "lastSequence": "\(r.lastSequence)",
            "tornTailBytes": "\(r.tornTailBytesDiscarded)", "checkpoint": "\(r.checkpointVerified.map { "verified at \($0.sequence)" } ?? "none")",
            "stateHash": "\(r.stateHash)", "ms": "\(r.milliseconds)", "snapshot": "\(r.snapshotSequence)",
            "configVersion": "\(configVersion.version)",
        ])
        if let problem = r.snapshotProblem { logger.warning("snapshot skipped, replayed the journal in full", metadata: ["why": "\(problem)"]) }
        let keys = try ApiKeyStore(dataDirectory: dir)
        let location = try StoreLocation(store, dataDirectory: dir)
        let (history, projector, projecting) = try await ServeSupport.openHistory(location: location, dataDirectory: dir,
                                                                                  host: venueHost, logger: logger)
        var copier: JournalCopier?, copying: Task<Void, Never>?
        if let url = location.postgresURL {
            let bounds = journalCopyBacklog.map(JournalCopyService.Bounds.backlog) ?? .init()
            (copier, copying) = try await JournalCopyService.start(url: url, dataDirectory: dir, host: venueHost, bounds: bounds, logger: logger)
        }
        logger.info("read models", metadata: ["store": "\(location)", "journalCopy": "\(copier == nil ? "none" : "postgres")"])
        let metrics = GatewayMetrics()
        let storeMetrics = StoreMetrics(registry: metrics.registry, projector: projector, copier: copier, host: venueHost)
        let audit = try await ServeSupport.openAudit(dataDirectory: dir, host: venueHost, logger: logger)
        if demo { try await DemoSetup.prepare(host: venueHost, keys: keys, port: port) }
        var gatewayConfiguration = GatewayConfiguration(host: host, port: port, idleTimeout: .seconds(idleTimeout),
                                                        maxConnectionsPerIP: maxConnectionsPerIp, webSocketQueueLimit: wsQueueLimit)
        gatewayConfiguration.auditTrail = audit
        gatewayConfiguration.reconcileEvery = reconcileEvery > 0 ? .seconds(reconcileEvery) : nil
        gatewayConfiguration.consoleSessionIdleMillis = consoleSessionIdleMillis ?? ConsoleSessionStore.defaultIdleMillis
        let market = demo ? DemoMarket(host: venueHost) : nil
        if let market { try await market.prepare() }
        if demo { try await DemoFinancing.prepare(host: venueHost) }
        // The disclosures name the affiliated market makers (MM-1); a new version is
        // published to the engine, so clients must acknowledge it before adding risk (PI-2).
        let makers = try await venueHost.read { engine in engine.marketMakers.map { engine.accountName($0.account) } }
        // The financing disclosure is generated from the engine's live loan book (a haircut
        // raised by the risk team is in it), not from the file.
        let liveFinancing = try await venueHost.read { engine in engine.loanBook?.config }
        // Likewise the contracts' disclosures: from the risk limits in force after recovery
        // (approved versions applied), not the configuration file's.
        let liveConfig = try await venueHost.read { engine in engine.liveConfig }
        let disclosures = try DisclosureLibrary(directory: dir.appendingPathComponent("disclosures"), config: liveConfig, marketMakers: makers,
                                                financing: liveFinancing)
        for current in disclosures.all() {
            logger.info("disclosure", metadata: ["symbol": "\(current.document.symbol)", "version": "\(current.version)",
                                                 "fingerprint": "\(current.document.fingerprint.prefix(16))"])
        }
        try await ServeSupport.publish(disclosures, host: venueHost, logger: logger)
        if demo { try await DemoSetup.acknowledgeCurrentDisclosures(host: venueHost) }
        gatewayConfiguration.disclosures = disclosures
        // Surveillance (MM-5) and MM obligations (MM-4): recomputed from the journal, then live.
        let surveillance = try SurveillanceService(host: venueHost, context: SurveillanceContext(markets: venue.markets))
        try await surveillance.start()
        gatewayConfiguration.surveillance = surveillance
        let server = try await GatewayServer(host: venueHost, keys: keys, history: history, configuration: gatewayConfiguration,
                                             metrics: metrics, logger: Logger(label: "harbour.gateway"))
        logger.info("listening", metadata: ["url": "http://\(host):\(port)", "demo": "\(demo)"])
        // In the demo, the demo market maker acknowledges a disclosure republished while the
        // venue runs (a risk-limit change), so it keeps quoting; the demo clients do not: they
        // are refused DISCLOSURE_NOT_ACKNOWLEDGED until they acknowledge it through the API.
        let makerAccount = DemoMarket.Plan().makerAccount
        let afterPublish: (@Sendable () async throws -> Void)?
        if demo {
            afterPublish = { try await DemoSetup.acknowledgeCurrentDisclosures(host: venueHost, only: [makerAccount]) }
        } else {
            afterPublish = nil
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await server.run() } catch { logger.error("server stopped: \(error)") }
            }
            if let market {
                group.addTask {
                    do { try await market.run() } catch is CancellationError {} catch {
                        logger.error("demo market stopped: \(error)")
                    }
                }
            }
            group.addTask {
                // Time passes in the engine only through commands: one tick a second.
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                    _ = try? await ServeSupport.tick(venueHost)
                }
            }
            group.addTask { await surveillance.run() }
            group.addTask { await ServeSupport.keepDisclosures(disclosures, host: venueHost, logger: logger, afterPublish: afterPublish) }
            group.addTask { await storeMetrics.run() }
            let headInterval = auditHeadInterval
            group.addTask { await ServeSupport.keepAudit(audit, interval: headInterval, logger: logger) }
            // The server returns on SIGINT / SIGTERM (graceful shutdown); stop the rest.
            _ = await group.next()
            group.cancelAll()
        }
        venueHost.shutdown()
        // The host finished its subscribers: the projector and the journal copy write what they
        // hold (bounded: a store that is down must not hold the shutdown; the next start catches up).
        await ServeSupport.finish([projecting] + (copying.map { [$0] } ?? []), within: .seconds(15), logger: logger)
        // The host finished its subscribers: the trail has every outcome; flush and publish the final head.
        try? await ServeSupport.publish(audit, logger: logger)
        logger.info("stopped cleanly; journal flushed and checkpoint written", metadata: ["data": "\(dir.path)"])
    }
}

/// Opens demo accounts and their API keys once, and prints how to use them.
enum DemoSetup {
    /// Demo clients; all but `retailClient` are onboarded as individual professional investors.
    /// dora is the margin-financing borrower (DemoFinancing), so alice's cash stays the
    /// plain demo balance the perpetual and ccxt examples start from.
    static let clients = ["alice", "bob", "loadtest", "carol", "dora"]
    /// A funded client left unclassified, to show the PI-3 refusal and the onboarding flow.
    static let retailClient = "carol"

    /// The onboarded demo clients acknowledge any newer disclosure version (a demo
    /// convenience: a real client reads and acknowledges it through the API).
    static func acknowledgeCurrentDisclosures(host: VenueHost, only names: [String] = clients) async throws {
        for name in names where name != retailClient {
            let commands = try await host.read { engine -> [Command] in
                guard let id = engine.accountID(named: name), engine.complianceRecord(id)?.classification != nil else { return [] }
                return Onboarding.acknowledgements(id, engine: engine).filter { command in
                    let (symbol, version): (String, Int64)
                    switch command {
                    case let .compliance(.acknowledgeDisclosure(_, instrument, v)): (symbol, version) = (engine.spec(instrument).symbol, v)
                    case let .compliance(.acknowledgeFinancingDisclosure(_, v)): (symbol, version) = (Engine.financingDisclosureId, v)
                    default: return false
                    }
                    return engine.complianceRecord(id)?.acknowledgements[symbol]?.version != Int(version)
                }
            }
            for c in commands { _ = try await host.submit(c) }
        }
    }
    /// The demo staff: role and staff name.
    /// Two risk officers and two compliance officers: a four-eyes change needs a maker and a
    /// different checker of the deciding team (a haircut: risk; a classification: compliance).
    static let staffKeys: [(Role, String)] = [(.operations, "olivia"), (.risk, "raj"), (.risk, "rita"), (.compliance, "maya"),
                                              (.compliance, "chen"), (.supervisor, "sam")]

    static func prepare(host: VenueHost, keys: ApiKeyStore, port: Int) async throws {
        for name in clients {
            if try await host.read({ $0.accountID(named: name) }) == nil {
                _ = try await host.submit(.openAccount(name: name, group: nil, feeTier: nil))
                let id = try await host.read { $0.accountID(named: name)! }
                _ = try await host.submit(.deposit(account: id, asset: "USD", amount: 1_000_000 * 1_000_000))
                // Two BTC to sell on the spot book (SPOT-1), recorded as an operator deposit.
                _ = try await host.submit(.deposit(account: id, asset: "BTC", amount: 2 * 100_000_000))
            }
            let id = try await host.read { $0.accountID(named: name)! }
            if name != retailClient, try await host.read({ $0.complianceRecord(id)?.classification == nil }) {
                try await host.onboardIndividual(name, maker: "maya", checker: "chen")
            }
        }
        // A demo insurance fund (RISK-4), once: 500,000 USD so the stress scenarios start covered.
        if try await host.read({ $0.insuranceFundBalance }) == 0 {
            _ = try await host.submit(.insuranceDeposit(asset: "USD", amount: 500_000 * 1_000_000))
        }
        var lines: [String] = []
        func ensure(_ role: Role, _ account: String?, staff: String? = nil, _ permissions: Set<Permission>) throws {
            let existing = keys.all.first { $0.role == role && $0.account == account && $0.staff == staff }
            // The load-test key is not throttled, so `harbour load` measures the venue.
            let limit = account == "loadtest" ? RateLimitPolicy(requests: 10_000_000, perSeconds: 1) : .standard
            let k = try existing ?? keys.create(role: role, account: account, staff: staff, permissions: permissions, rateLimit: limit)
            let owner = account ?? staff ?? "-"
            lines.append("  \(role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(owner.padding(toLength: 8, withPad: " ", startingAt: 0)) key=\(k.key) secret=\(k.secret)")
        }
        for c in clients { try ensure(.client, c, [.read, .trade]) }
        // One key per staff role, each a named person (REG-4, DECISIONS 32); two compliance
        // officers, because a four-eyes change needs a maker and a different checker.
        for (role, name) in staffKeys { try ensure(role, nil, staff: name, role == .supervisor ? [.read] : [.read, .trade]) }
        FileHandle.standardOutput.write(Data("""

        Harbour demo venue on http://127.0.0.1:\(port)  (Ctrl-C stops it cleanly)
        Demo API keys (secrets are stored encrypted; shown here because this is a demo).
        The second column is the account of a client key and the person behind a staff key:
        \(lines.joined(separator: "\n"))
          Console: http://127.0.0.1:\(port)/console  (sign in with a staff key above: raj is risk, maya and chen compliance)
          Public:  curl http://127.0.0.1:\(port)/v1/book/BTC-PERP
          Signed:  KEY=... SECRET=... scripts/hcurl POST /v1/orders '{"symbol":"BTC-PERP","side":"buy","orderType":"market","qty":"0.01"}'
          dora has a margin loan on 1 BTC and 1,000 0700.HK (20,000 USD drawn): with her key, scripts/hcurl GET /v1/loans
          alice, bob, loadtest and dora are onboarded professional investors; carol is retail: her orders are
          refused NOT_PROFESSIONAL_INVESTOR until compliance (maya, then chen) onboards her — README,
          "Professional investors only". Her status: scripts/hcurl GET /v1/account/eligibility


        """.utf8))
    }
}
