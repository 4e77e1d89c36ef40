import ArgumentParser
import Engine
import Foundation
import HarbourCore
import Matching
import Sequencer

/// `harbour crash-load DIR`: a load for crash tests. Opens (or recovers) a venue in DIR
/// and submits resting orders from several concurrent tasks forever, printing one line
/// `ack <sequence> <orderId>` per acknowledged order (flushed at once), so that a test
/// can kill -9 it at any moment and check that every acknowledged order survived.
struct CrashLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-load",
        abstract: "Crash-test load: submit resting orders forever, printing each acknowledgement.",
        shouldDisplay: false
    )

    @Argument var directory: String
    @Option var writers: Int = 8

    func run() async throws {
        let host = try VenueHost(options: .init(dataDirectory: URL(fileURLWithPath: directory)))
        let btc = InstrumentID(0)
        if try await host.read({ $0.accountCount }) == 0 {
            let n = writers * 64
            // Concurrent submissions share fsyncs (group commit).
            try await withThrowingTaskGroup(of: Void.self) { g in
                for a in 0..<n { g.addTask { _ = try await host.submit(.openAccount(name: "crash\(a)", group: nil, feeTier: nil)) } }
                try await g.waitForAll()
            }
            try await withThrowingTaskGroup(of: Void.self) { g in
                for a in 0..<n { g.addTask { _ = try await host.submit(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: 1 << 50)) } }
                try await g.waitForAll()
            }
            // Professional-investor onboarding (PI-1..3), concurrently per account.
            try await withThrowingTaskGroup(of: Void.self) { g in
                for a in 0..<n { g.addTask { try await host.onboardIndividual("crash\(a)") } }
                try await g.waitForAll()
            }
            _ = try await host.submit(.markPrice(instrument: btc, price: 500_000))
        }
        emit("ready \(host.recovery.lastSequence)")
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<writers {
                g.addTask {
                    var k = 0
                    while true {
                        k += 1
                        // Buys below 50000 never cross: every acknowledged order must rest.
                        let o = try await host.submit(.placeOrder(PlaceOrder(
                            account: AccountID(UInt32(w + writers * ((k / 150) % 64))), instrument: btc, side: .buy,
                            price: 480_000 + Int64((k * 7 + w) % 19_000), quantity: 1)))
                        for case .accepted(let id, _, _, _) in o.events { emit("ack \(o.sequence) \(id)") }
                    }
                }
            }
            try await g.waitForAll()
        }
    }
}

/// Writes a line to stdout at once (unbuffered), so a killed process has printed exactly
/// what it acknowledged.
func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { p in _ = write(1, p.baseAddress, p.count) }
}
