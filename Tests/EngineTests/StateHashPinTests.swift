import CommandInput
import Foundation
import Testing
@testable import Engine

/// State-hash pins (PERP-5, issue 13): the hashes the engine reaches on the example files
/// and on seeded property streams, recorded once. A refactor of the engine must leave them
/// byte-identical; a change of behaviour or of the hashed state changes them, and the
/// commit that updates a pin must say why.
@Suite struct StateHashPinTests {
    static let examples: [String: String] = [
        "basic-trading.jsonl": "2871f1194f26442a8fa8c38a7249b1974515fea33ebb2439de50c22821147ca5",
        "funding.jsonl": "c28231dd26f4d5c246a53ba6d2c416ab453cd94aab3211afd3c399cac73cd59a",
        "margin-financing.jsonl": "da4b1573d5257a4e73cd1cb70f1b50a0c9af181c54f5c7e29cdbbd1ddc3eb572",
        "spot-trading.jsonl": "a23fe161e22c1b32a6f801e3d7d2af2a2556eb0ed3117fb2ff82d06385ad11b1",
        "risk-limits.jsonl": "e1640ec03fd6b10de8b140e61b934c8706b2ff87e48c2d3d65af40f1c188bd1c",
    ]

    static let propertySeeds: [UInt64: String] = [
        1: "64b2b2565cb47cf5d193ef1ccf8d6eec4d938763b76ade19c325fc9ad366edc2",
        2: "974ee86dc18118c8595fdbf627a39ac8beebcdeb59c1eed22438e12763c87d82",
    ]

    static func examplesDirectory() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
    }

    @Test func everyExampleIsPinned() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examplesDirectory().path).filter { $0.hasSuffix(".jsonl") }
        #expect(Set(files) == Set(Self.examples.keys), "pin the hash of every file in examples/")
    }

    @Test(arguments: Array(examples.keys).sorted())
    func exampleFileReachesItsPinnedHash(name: String) throws {
        let text = try String(contentsOf: Self.examplesDirectory().appendingPathComponent(name), encoding: .utf8)
        let engine = Engine()
        let decoder = CommandDecoder()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let (ts, command) = try? decoder.decode(line: String(line), engine: engine) else { continue }
            engine.applyInPlace(command, timestamp: ts)
            #expect(engine.invariantViolations().isEmpty)
        }
        #expect(engine.stateHash() == Self.examples[name])
    }

    @Test(arguments: Array(propertySeeds.keys).sorted())
    func propertyStreamReachesItsPinnedHash(seed: UInt64) {
        let (engine, _) = EnginePropertyTests.runStream(seed: seed, commands: 3_000)
        #expect(engine.stateHash() == Self.propertySeeds[seed])
    }
}
