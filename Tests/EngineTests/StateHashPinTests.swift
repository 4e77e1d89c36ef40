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
        "basic-trading.jsonl": "041db88a70511ce96493550bffaddebddd19c0794b81d1c13aca49a48b8ff922",
        "funding.jsonl": "d16c61fbde9bcadb39731faa0ee74836ecbf97281aabb67d1eaa8fac03340dbb",
    ]

    static let propertySeeds: [UInt64: String] = [
        1: "ed1a3fa69c392092a3016466e15f0f21a22b791e43a3726a07146bd061dacde3",
        2: "feee8c24323cd3b8313b701e90951f626ac548791b89a9a728d736dc465aaae2",
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
