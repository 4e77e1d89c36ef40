import Engine
import Foundation
import HarbourCore
import Storage
import Testing
@testable import Sequencer

/// OPS-4, "crash tests, not hopes": a real process acknowledging orders is killed with
/// SIGKILL at a random moment, three times over the same data directory. After each
/// kill, recovery must hold every acknowledged order, match a fresh replay of the
/// journal byte for byte (state hash), and keep the ledger at zero.
@Suite struct CrashRecoveryTests {
    static var harbour: URL {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("harbour"),
                          URL(fileURLWithPath: ".build/debug/harbour")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// Starts the load, kills it after `killAfter` acknowledgements, returns the acks.
    static func runAndKill(dir: URL, killAfter: Int) throws -> [(seq: UInt64, orderId: Int64)] {
        let p = Process()
        p.executableURL = harbour
        p.arguments = ["crash-load", dir.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var acks: [(UInt64, Int64)] = []
        var buffer = Data()
        let handle = out.fileHandleForReading
        reading: while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                let parts = line.split(separator: " ")
                if parts.first == "ack", parts.count == 3, let s = UInt64(parts[1]), let id = Int64(parts[2]) {
                    acks.append((s, id))
                    if acks.count >= killAfter { break reading }
                }
            }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // Lines printed between our last read and the kill are acknowledged too.
        let rest = handle.readDataToEndOfFile()
        buffer.append(rest)
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "ack", parts.count == 3, let s = UInt64(parts[1]), let id = Int64(parts[2]) { acks.append((s, id)) }
        }
        #expect(p.terminationReason == .uncaughtSignal)
        return acks
    }

    @Test func killNineAtRandomMomentsLosesNothingAcknowledged() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var allAcked: [Int64] = []
        for round in 0..<3 {
            let killAfter = Int.random(in: 50...1500)
            let acks = try Self.runAndKill(dir: dir, killAfter: killAfter)
            #expect(acks.count >= killAfter, "round \(round)")
            allAcked += acks.map(\.orderId)
            let host = try VenueHost(options: .init(dataDirectory: dir))
            let maxSeq = acks.map(\.seq).max() ?? 0
            #expect(host.recovery.lastSequence >= maxSeq, "round \(round): journal ends before an acknowledged record")
            let acked = allAcked
            let missing = try await host.read { engine in
                acked.filter { engine.book(InstrumentID(0)).slot(of: $0) == nil }
            }
            #expect(missing.isEmpty, "round \(round): acknowledged orders lost: \(missing.prefix(10))")
            #expect(try await host.read { $0.ledger.sum } == 0)
            let recovered = host.recovery.stateHash
            host.shutdown()
            // A fresh replay of the journal alone gives the same state.
            let engine = Engine()
            try JournalReader(directory: dir.appendingPathComponent("journal")).forEach { _, ts, payload in
                engine.applyInPlace(try CommandCodec.decode(payload), timestamp: ts)
            }
            #expect(engine.stateHash() == recovered, "round \(round)")
            // The next round must recover from a crash, not from a clean checkpoint.
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("checkpoint.txt"))
        }
    }
}
