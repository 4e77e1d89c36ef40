import CommandInput
import Disclosures
import HarbourCore
import Engine
import Financing
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

/// The margin-financing disclosure (REG-1, FIN): generated from the live financing
/// configuration, its worked example computed by the loan book's own code, versioned.
@Suite struct FinancingDisclosureTests {
    @Test func itStatesTheConfiguredCollateralLevelsAndAWorkedExample() throws {
        let document = try #require(FinancingDisclosure.make(VenueConfig.standardFinancing))
        #expect(document.symbol == "MARGIN-FINANCING")
        let terms = document.terms
        #expect(terms.contains("| BTC | virtual asset | 60% | VA-MAJORS |"), "\(terms)")
        #expect(terms.contains("| ETH | virtual asset | 65% | VA-MAJORS |"))
        #expect(terms.contains("| 0700.HK | listed security | 30% |"))
        #expect(terms.contains("| below 110% | early warning"))
        #expect(terms.contains("restore the ratio within 2 business days"))
        #expect(terms.contains("never below the index price × (1 − 5%)"))
        #expect(terms.contains("volatility discount of 50%"))
        // 1 BTC at 60,000 with a 60% haircut: 24,000 of margin value, 20,000 at 120%;
        // warned below 22,000 of value (an index below 55,000), called below 20,000
        // (50,000), force-sold below 17,000 (42,500).
        #expect(terms.contains("| margin value | 24000 |"))
        #expect(terms.contains("| largest drawdown (ratio 120%) | 20000 |"))
        #expect(terms.contains("| early warning at an index | below 55000 |"))
        #expect(terms.contains("| margin call at an index | below 50000 |"))
        #expect(terms.contains("| forced sale at an index | below 42500 |"))
        #expect(FinancingDisclosure.make(nil) == nil)
    }

    @Test func theWorkedExamplePricesAreWhereTheLoanBookMovesTheLoan() throws {
        // The example's crossing prices bracket the loan book's own state changes: one
        // micro-dollar above the disclosed call price the loan is not called, at it it is.
        let config = VenueConfig.standardFinancing
        let btc = try #require(config.collateral["BTC"])
        let value = { (price: Int64) in config.valuation.marginValue(Quantity(raw: 100_000_000), of: btc, at: Price(raw: price)).raw }
        let loan: Int64 = 20_000_000_000
        #expect(value(50_000_000_000) >= Int64(MarginLevels.required(loan: Amount(raw: loan), at: config.levels.call)))
        #expect(value(49_999_999_999) < Int64(MarginLevels.required(loan: Amount(raw: loan), at: config.levels.call)))
    }

    @Test func aHaircutRaiseMakesANewVersionWhoseDiffNamesTheAsset() throws {
        let dir = DisclosureTests.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let standard = VenueConfig.standardFinancing
        let library = try DisclosureLibrary(directory: dir, config: .standard, financing: standard)
        #expect(library.current("MARGIN-FINANCING")?.version == 1)
        #expect(try library.refreshFinancing(standard) == nil, "the same configuration is the same version")
        let raised = try FinancingConfig(collateral: standard.collateral.values.map { asset in
            asset.code == "BTC" ? CollateralAsset(code: "BTC", kind: .virtualAsset, quantityScale: asset.quantityScale, haircut: Rate(raw: 70_000_000)) : asset
        }, limits: standard.limits, creditRule: standard.creditRule)
        let fresh = try #require(try library.refreshFinancing(raised))
        #expect(fresh.version == 2)
        #expect(library.current("MARGIN-FINANCING")?.version == 2)
        let diff = try #require(library.diff("MARGIN-FINANCING", from: 1, to: 2))
        #expect(diff.contains("- | BTC | virtual asset | 60% | VA-MAJORS |"), "\(diff)")
        #expect(diff.contains("+ | BTC | virtual asset | 70% | VA-MAJORS |"), "\(diff)")
        #expect(diff.contains("+ | margin value | 18000 |"), "the worked example follows the haircut: \(diff)")
        // A restart on the raised configuration keeps version 2.
        #expect(try DisclosureLibrary(directory: dir, config: .standard, financing: raised).current("MARGIN-FINANCING")?.version == 2)
    }
}
