import CommandInput
import Disclosures
import HarbourCore
import Engine
import Foundation
import Testing

/// REG-1: disclosures are generated from the live configuration and the engine's own code.
@Suite struct DisclosureTests {
    static func root() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func temporary() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-disclosures-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theWorkedExampleIsWhatTheEngineDoesWhenTheScenarioIsReplayed() throws {
        let example = try #require(WorkedLiquidationExample.compute(config: .standard, instrument: 0))
        // docs/LIQUIDATION.md: 0.2 BTC long at 50000, 1000 isolated margin, leverage 10 → trigger 45180.7.
        #expect(example.symbol == "BTC-PERP" && example.quantity == 200 && example.leverage == 10)
        #expect(example.margin == 1_000_000_000)
        #expect(example.liquidationPrice == 451_807)
        #expect(example.confirmedByReplay)
        // Replay the published lines as `harbour replay` does: liquidated on the last line, not the one before.
        let engine = Engine()
        let decoder = CommandDecoder()
        var liquidatedOnLine: [Int] = []
        for (number, line) in example.replayLines.enumerated() {
            let (ts, command) = try decoder.decode(line: line, engine: engine)
            for case .liquidation(let l) in engine.apply(command, timestamp: ts) where l.account == AccountID(0) {
                liquidatedOnLine.append(number)
            }
        }
        #expect(liquidatedOnLine == [example.replayLines.count - 1])
        // The bankruptcy price lies below the trigger; the loss and fee follow from the figures.
        let bankruptcy = try #require(example.bankruptcyPrice)
        #expect(bankruptcy < example.liquidationPrice && bankruptcy == 450_000)
        // (50000 − 45180.7) × 0.2 = 963.86 USD, in micro-dollars.
        #expect(example.lossAtLiquidation == 963_860_000)
    }

    @Test func theDocumentStatesTheLiveTiersFeesAndPricing() throws {
        let document = DisclosureDocument.make(config: .standard, instrument: 0)
        #expect(document.terms.contains("| 250000 | 0.5% | 50x |"))
        #expect(document.terms.contains("liquidation price | 45180.7"))
        #expect(document.terms.contains("## Pricing methodology") && document.terms.contains("weighted median"))
        #expect(document.terms.contains("## Fees"))
        #expect(document.fingerprint.count == 64)
        let html = DisclosureHTML.page(document.terms, title: "BTC-PERP", footer: "version 1")
        #expect(html.hasPrefix("<!doctype html>") && html.contains("<table><tr><th>notional up to</th>") && html.contains("<pre>{"))
        #expect(!html.contains("<script"))
    }

    @Test func aTierChangeMakesANewVersionWhoseDiffNamesTheTier() throws {
        let dir = Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try DisclosureLibrary(directory: dir, config: .standard)
        #expect(first.current("BTC-PERP")?.version == 1)
        // Same configuration: same version.
        #expect(try DisclosureLibrary(directory: dir, config: .standard).current("BTC-PERP")?.version == 1)
        var text = try String(contentsOf: Self.root().appendingPathComponent("config/venue.json"), encoding: .utf8)
        let range = try #require(text.range(of: "\"maintenanceRate\": \"0.005\""))
        text.replaceSubrange(range, with: "\"maintenanceRate\": \"0.006\"")
        let changed = try VenueConfig.parse(Data(text.utf8))
        let second = try DisclosureLibrary(directory: dir, config: changed)
        #expect(second.current("BTC-PERP")?.version == 2)
        let diff = try #require(second.diff("BTC-PERP", from: 1, to: 2))
        // The tier's rate changes, and with it the continuity deductions of that tier and those above.
        #expect(diff.contains("- | 250000 | 0.5% | 50x | 50 |"), "\(diff)")
        #expect(diff.contains("+ | 250000 | 0.6% | 50x | 100 |"), "\(diff)")
        #expect(!diff.contains { $0.contains("| 50000 | 0.4%") }, "the unchanged first tier is not in the diff")
        #expect(second.text("BTC-PERP", version: 1) == first.current("BTC-PERP")?.document.terms)
    }
}
