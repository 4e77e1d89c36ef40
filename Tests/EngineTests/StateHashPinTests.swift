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
        "basic-trading.jsonl": "f83b5709675d5af481770fa91e2a226dd5f31c6b706e8d804d85d97190849330",
        "funding.jsonl": "aa0a827d29e631be33e974f4871e228fc3fa04f9e23fc4d0392f1d7610f5fa3f",
    ]

    static let propertySeeds: [UInt64: String] = [
        1: "64032b21ee3041a7b1139241f97ec9daaa8d269ac48e238fa41c30500b8f83aa",
        2: "f1c642521de6e80b249c749ed242dadc69ff277e4deda100adb80388be49966d",
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
