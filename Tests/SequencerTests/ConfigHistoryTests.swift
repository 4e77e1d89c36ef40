import Foundation
import Testing
@testable import Sequencer

/// PERP-1: the configuration's versions in a data directory — the first start records
/// version 1, formatting is not a change, a change names its paths and becomes the next
/// version only when recorded with a reason.
@Suite struct ConfigHistoryTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    let v1 = Data(#"{"instruments":[{"symbol":"BTC-PERP","maxLeverage":50,"tickSize":"0.1"},{"symbol":"ETH-PERP","maxLeverage":50}],"feeTiers":[{"name":"default","taker":"0.0005"}],"scenarios":["-0.5","0.5"]}"#.utf8)

    @Test func firstThenUnchangedWhateverTheFormatting() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = ConfigHistory(dataDirectory: dir)
        #expect(try history.check(v1) == .first)
        let first = try history.record(v1, reason: "first start")
        #expect(first.version == 1 && first.changes.isEmpty && first.fingerprint.count == 64)
        // Same JSON, other key order and whitespace: the same version.
        let reformatted = Data("""
            { "scenarios": [ "-0.5", "0.5" ], "feeTiers": [ { "taker": "0.0005", "name": "default" } ],
              "instruments": [ { "tickSize": "0.1", "maxLeverage": 50, "symbol": "BTC-PERP" }, { "symbol": "ETH-PERP", "maxLeverage": 50 } ] }
            """.utf8)
        #expect(try history.check(reformatted) == .unchanged(first))
    }

    @Test func aChangeNamesEveryPathAndIsRecordedAsTheNextVersion() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = ConfigHistory(dataDirectory: dir)
        let first = try history.record(v1, reason: "first start")
        let v2 = Data(#"{"instruments":[{"symbol":"ETH-PERP","maxLeverage":50},{"symbol":"BTC-PERP","maxLeverage":40,"tickSize":"0.1"},{"symbol":"SOL-PERP"}],"feeTiers":[{"name":"default","taker":"0.0004"}],"scenarios":["-0.5","0.5","-0.3"]}"#.utf8)
        let expected = [
            #"feeTiers[default].taker: "0.0005" → "0.0004""#,
            "instruments[BTC-PERP].maxLeverage: 50 → 40",
            "instruments[SOL-PERP]: added",
            "scenarios: 2 entries → 3",
        ]
        #expect(try history.check(v2) == .changed(latest: first, changes: expected))
        let second = try history.record(v2, reason: "risk committee: BTC-PERP to 40x")
        #expect(second.version == 2 && second.changes == expected && second.fingerprint != first.fingerprint)
        #expect(try history.versions().map(\.version) == [1, 2])
        #expect(try history.versions().last?.reason == "risk committee: BTC-PERP to 40x")
        #expect(try history.check(v2) == .unchanged(second))
        // The first version's canonical text is kept: the old configuration is version 1 again… as version 3.
        #expect(try history.check(v1) != .unchanged(second))
        #expect(try history.text(of: 1) == JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: v1), options: [.sortedKeys]))
    }

    @Test func aRecordedVersionWithoutItsFileIsAFailure() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = ConfigHistory(dataDirectory: dir)
        try history.record(v1, reason: "first start")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config/v1.json"))
        #expect(throws: ConfigHistory.Failure.self) { try history.check(v1) }
        #expect(throws: ConfigHistory.Failure.self) { try history.check(Data("not json".utf8)) }
    }
}
