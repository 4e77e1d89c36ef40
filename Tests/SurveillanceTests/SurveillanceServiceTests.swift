import Compliance
import Engine
import Foundation
import Gateway
import HarbourCore
import ReadModel
import Sequencer
import Surveillance
import Testing

/// The live service behind a real VenueHost: it sees what the venue commits, and after a
/// restart it recomputes the same alerts from the journal and keeps compliance's actions.
@Suite struct SurveillanceServiceTests {
    /// Polls `condition` until it holds or 10 s pass (no sleep is taken as synchronisation).
    func eventually(_ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await condition()
    }

    @Test func alertsAreRecomputedFromTheJournalAndWorkflowActionsSurviveARestart() async throws {
        // The script: a wash trade between two accounts of one owner, on a bare engine.
        let script = SurveillanceVenue(owners: ["fund-a": "owner-1", "fund-b": "owner-1"])
        let a = openTradingAccount(script, "fund-a", ts: day0)
        let b = openTradingAccount(script, "fund-b", ts: day0)
        script.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        script.place(a, .sell, price: 600_000, quantity: 1_000, at: day0)
        script.place(b, .buy, price: 600_000, quantity: 1_000, at: day0)
        #expect(script.alerts.map(\.alert.rule) == [.washTrade])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("surv-service-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = VenueHost.Options(dataDirectory: directory, clock: { day0 + hour })
        let commands = script.log.map(\.command)
        do {
            let host = try VenueHost(options: options)
            let service = try SurveillanceService(host: host, context: script.context)
            try await service.start()
            let runner = Task { await service.run() }
            for command in commands { _ = try await host.submit(command) }
            #expect(await eventually { await service.sequence == UInt64(commands.count) })
            let live = await service.alerts()
            #expect(live.map(\.alert.alert.rule) == [.washTrade])
            #expect(live.first?.alert.alert.evidence == script.alerts.first?.alert.evidence)
            _ = try await service.act(.assign(to: "carol"), on: 1, by: "head", at: 5)
            await #expect(throws: AlertWorkflowError.commentRequired) {
                _ = try await service.act(.review, on: 1, by: "carol", at: 6)
                _ = try await service.act(.close(comment: ""), on: 1, by: "carol", at: 7)
            }
            host.shutdown()
            runner.cancel()
        }
        let host = try VenueHost(options: options)
        defer { host.shutdown() }
        let service = try SurveillanceService(host: host, context: script.context)
        try await service.start()
        let rebuilt = await service.alerts()
        #expect(rebuilt.map(\.alert.alert.rule) == [.washTrade])
        #expect(rebuilt.first?.status == .underReview && rebuilt.first?.assignee == "carol")
        #expect(rebuilt.first?.history.map(\.action.code) == ["assign", "review"], "the refused close left no trace")
        #expect(await service.sequence == UInt64(commands.count))

        // `harbour report surveillance-alerts` replays the same directory read-only (the venue
        // still open) and prints the table the route builds from the live service.
        let before = try Self.listing(directory)
        let replay = try SurveillanceReplay.run(dataDirectory: directory, config: options.config,
                                                projection: SurveillanceProjection(context: script.context))
        let offline = try replay.alertBook(dataDirectory: directory).list()
        #expect(try Self.listing(directory) == before, "the replay wrote nothing")
        #expect(replay.lastSequence == UInt64(commands.count))
        let day = BusinessDay("2026-01-01")!
        let table = VenueReports.report("surveillance-alerts", day: day,
                                        inputs: VenueReportInputs(alerts: offline, marketMakerDays: [], asOfMs: day0 + hour), engine: replay.engine)
        let live = VenueReports.report("surveillance-alerts", day: day,
                                       inputs: VenueReportInputs(alerts: rebuilt, marketMakerDays: [], asOfMs: day0 + hour), engine: replay.engine)
        #expect(table == live)
        #expect(table?.rows.first?[table!.columns.firstIndex(of: "status")!] == "underReview")
    }

    /// Every file under `directory` with its size and modification time.
    static func listing(_ directory: URL) throws -> [String] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys)?.compactMap { $0 as? URL } ?? []
        return try files.map { url in
            let values = try url.resourceValues(forKeys: Set(keys))
            return "\(url.path) \(values.fileSize ?? -1) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }.sorted()
    }
}
