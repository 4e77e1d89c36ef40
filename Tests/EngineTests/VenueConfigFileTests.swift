import CommandInput
import Foundation
import HarbourCore
import Testing
@testable import Engine

/// PERP-1: the instruments come from a configuration file in the repository; the built-in
/// demo venue (used by tests and `harbour replay` without `--config`) must be that file.
@Suite struct VenueConfigFileTests {
    static var repoConfig: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/venue.json")
    }

    @Test func theRepositoryFileIsTheBuiltInVenue() throws {
        let file = try VenueConfig.load(path: Self.repoConfig.path)
        let builtIn = VenueConfig.standard
        #expect(file.settlementAsset == builtIn.settlementAsset)
        #expect(file.feeTiers == builtIn.feeTiers)
        #expect(file.instruments == builtIn.instruments)
        #expect(file.spotMarkets == builtIn.spotMarkets)
        #expect(file.financing == builtIn.financing && file.financing == VenueConfig.standardFinancing)
        #expect(file.defaultLeverage == builtIn.defaultLeverage)
        #expect(file.clientOrderIdMemory == builtIn.clientOrderIdMemory)
        #expect(file.pricing == builtIn.pricing)
        #expect(file.risk == builtIn.risk && file.liquidationFeeRate == builtIn.liquidationFeeRate)
        // The file spells out the defaults (so an operator sees every risk parameter).
        #expect(file.risk == RiskParameters.defaults(for: file.instruments))
        #expect(file.liquidationFeeRate == Rate(raw: 500_000))
        #expect(file.instruments.map(\.symbol) == ["BTC-PERP", "ETH-PERP"])
        // Same configuration, same engine: a short stream reaches the same state hash.
        let a = Engine(config: file), b = Engine(config: builtIn)
        for e in [a, b] {
            e.apply(.openAccount(name: "x", group: nil, feeTier: nil), timestamp: 1)
            e.applyOnboarding(of: AccountID(0), at: 1)
            e.apply(.deposit(account: AccountID(0), asset: "USD", amount: 1_000_000_000), timestamp: 2)
            e.apply(.markPrice(instrument: InstrumentID(0), price: 500_000), timestamp: 3)
            e.apply(.placeOrder(PlaceOrder(account: AccountID(0), instrument: InstrumentID(0), side: .buy, price: 499_000, quantity: 10)), timestamp: 4)
        }
        #expect(a.stateHash() == b.stateHash())
    }

    @Test func anUnsoundFileIsRefusedWithTheProblemNamed() throws {
        var text = try String(contentsOf: Self.repoConfig, encoding: .utf8)
        text = text.replacingOccurrences(of: #""priceDecimals": 1, "sizeDecimals": 3"#, with: #""priceDecimals": 4, "sizeDecimals": 3"#)
        #expect {
            try VenueConfig.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains("notionals would not be exact")
        }
        let zeroLot = try String(contentsOf: Self.repoConfig, encoding: .utf8)
            .replacingOccurrences(of: #""lotSize": "0.001", "minQty": "0.001", "maxQty": "100""#, with: #""lotSize": "0", "minQty": "0.001", "maxQty": "100""#)
        #expect {
            try VenueConfig.parse(Data(zeroLot.utf8))
        } throws: { error in
            String(describing: error).contains("lot size must be positive")
        }
    }

    /// FIN-2: the financing section is read from the file; a virtual asset's haircut below the
    /// 60% floor is refused at load, naming the asset; `"enabled": false` turns financing off.
    @Test func theFinancingSectionIsCheckedAtLoad() throws {
        let text = try String(contentsOf: Self.repoConfig, encoding: .utf8)
        let low = text.replacingOccurrences(of: #""code": "ETH", "kind": "VIRTUAL_ASSET", "decimals": 8, "haircut": "0.65""#,
                                            with: #""code": "ETH", "kind": "VIRTUAL_ASSET", "decimals": 8, "haircut": "0.59999999""#)
        #expect(low != text)
        do {
            _ = try VenueConfig.parse(Data(low.utf8))
            Issue.record("a 59.999999% ETH haircut was accepted")
        } catch {
            #expect("\(error)".contains("HAIRCUT_BELOW_VA_FLOOR") && "\(error)".contains("ETH"), "\(error)")
        }
        let raised = try VenueConfig.parse(Data(text.replacingOccurrences(of: #""haircut": "0.65""#, with: #""haircut": "0.7""#).utf8))
        #expect(raised.financing?.collateral["ETH"]?.haircut == Rate(raw: 70_000_000))
        let off = try VenueConfig.parse(Data(text.replacingOccurrences(of: #""financing": {"#, with: #""financing": { "enabled": false,"#).utf8))
        #expect(off.financing == nil)
        #expect(Engine(config: off).loanBook == nil)
    }
}
