import Testing
@testable import Compliance

/// PERP-6: no product is enabled without an approval by someone other than its proposer,
/// and its reference asset is a listed spot asset.
@Suite struct ProductLifecycleTests {
    static let spot: Set<String> = ["BTC-USD", "ETH-USD"]

    @Test func proposedApprovedEnabledWithTwoPeople() throws {
        var product = try ProductLifecycle(symbol: "BTC-PERP", referenceAsset: "BTC-USD", listedSpotAssets: Self.spot,
                                           proposedBy: "ann", at: 1, note: "linear perpetual on BTC")
        #expect(throws: ComplianceError.invalidPolicy("BTC-PERP cannot go from proposed to enabled")) {
            try product.move(to: .enabled, by: "bob", at: 2, note: "go")
        }
        #expect(throws: ComplianceError.sameMakerAndChecker("ann proposed BTC-PERP and cannot also approve it")) {
            try product.move(to: .approved, by: "ann", at: 2, note: "ok")
        }
        try product.move(to: .approved, by: "bob", at: 3, note: "product committee 2026-12")
        #expect(!product.isTradable)
        try product.move(to: .enabled, by: "cat", at: 4, note: "launch")
        #expect(product.isTradable)
        try product.move(to: .cancelOnly, by: "cat", at: 5, note: "index degraded")
        #expect(!product.isTradable)
        try product.move(to: .delisted, by: "dan", at: 6, note: "end of life")
        #expect(throws: ComplianceError.self) { try product.move(to: .enabled, by: "cat", at: 7, note: "again") }
        #expect(product.history.map(\.stage) == [.proposed, .approved, .enabled, .cancelOnly, .delisted])
        #expect(product.history.map(\.by) == ["ann", "bob", "cat", "cat", "dan"])
    }

    @Test func theReferenceAssetMustBeAListedSpotAsset() {
        #expect(throws: ComplianceError.self) {
            _ = try ProductLifecycle(symbol: "SOL-PERP", referenceAsset: "SOL-USD", listedSpotAssets: Self.spot,
                                     proposedBy: "ann", at: 1, note: "x")
        }
    }
}
