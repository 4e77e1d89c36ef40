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
        "basic-trading.jsonl": "c45d51a085ba0808c4c329ba44eb0732ab07a5d49f013cb667c3bc52076ac213",
        "funding.jsonl": "b0571dea4296ea6bd133b50b3e8665a1f9bea6410d9ade0f8088e45e9c359494",
    ]

    static let propertySeeds: [UInt64: String] = [
        1: "093d8f70bb6928250674359fe772b2ae7c9541b0e2d8953e7cd3acd09220a898",
        2: "cd4d3b0f95703a734de1a1b4eab59491a4c8b7f4f4ab9f7f8c5b59ad3e4584a9",
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
