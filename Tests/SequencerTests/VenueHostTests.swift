import Engine
import Foundation
import HarbourCore
import Matching
import Storage
import Synchronization
import Testing
@testable import Sequencer

func temporaryDirectory() -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-seq-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// OPS-4: journal before acknowledgement, recovery to the same state hash.
@Suite struct VenueHostTests {
    static func seed(_ host: VenueHost, accounts: Int = 3) async throws {
        for a in 0..<accounts {
            _ = try await host.submit(.openAccount(name: "acct\(a)", group: nil, feeTier: nil))
            try await host.onboardIndividual("acct\(a)")
            _ = try await host.submit(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: 1_000_000_000_000))
        }
        _ = try await host.submit(.markPrice(instrument: InstrumentID(0), price: 500_000))
    }

    @Test func acknowledgedCommandsSurviveARestart() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        try await Self.seed(host)
        var sequences: [UInt64] = []
        for k in 0..<50 {
            let o = try await host.submit(.placeOrder(PlaceOrder(account: AccountID(UInt32(k % 3)), instrument: InstrumentID(0),
                                                                 side: k % 2 == 0 ? .buy : .sell, price: 500_000 + Int64(k % 7 - 3) * 10,
                                                                 quantity: 5, clientOrderId: "o\(k)")))
            sequences.append(o.sequence)
            #expect(o.json.count == o.events.count)
        }
        #expect(sequences == Array(sequences.sorted()))
        #expect(Set(sequences).count == 50)
        let hash = try await host.read { $0.stateHash() }
        host.shutdown()

        let again = try VenueHost(options: .init(dataDirectory: dir))
        defer { again.shutdown() }
        #expect(again.recovery.stateHash == hash)
        #expect(again.recovery.lastSequence == sequences.last)
        #expect(again.recovery.checkpointVerified?.stateHash == hash)
        // The sequence goes on where it stopped.
        let next = try await again.submit(.cancelAll(account: AccountID(0), instrument: nil))
        #expect(next.sequence == sequences.last! + 1)
    }

    @Test func timestampsComeFromTheInjectedClockAndNeverGoBackwards() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Mutex<Int64>(1_800_000_000_000)
        let host = try VenueHost(options: .init(dataDirectory: dir, clock: { now.withLock { $0 } }))
        let first = try await host.submit(.openAccount(name: "a", group: nil, feeTier: nil))
        #expect(first.timestamp == 1_800_000_000_000)
        now.withLock { $0 = 1_799_999_999_000 } // the clock steps back a second
        let second = try await host.submit(.openAccount(name: "b", group: nil, feeTier: nil))
        #expect(second.timestamp == 1_800_000_000_000)
        now.withLock { $0 = 1_800_000_005_000 }
        let third = try await host.submit(.openAccount(name: "c", group: nil, feeTier: nil))
        #expect(third.timestamp == 1_800_000_005_000)
        host.shutdown()
        let stamps = try JournalReader(directory: dir.appendingPathComponent("journal")).readAll().records.map(\.timestamp)
        #expect(stamps == [1_800_000_000_000, 1_800_000_000_000, 1_800_000_005_000])
    }

    @Test func concurrentSubmittersShareFsyncsAndAllAreDurable() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        try await Self.seed(host, accounts: 8)
        let outcomes = try await withThrowingTaskGroup(of: CommandOutcome.self) { g in
            for k in 0..<400 {
                g.addTask {
                    try await host.submit(.placeOrder(PlaceOrder(account: AccountID(UInt32(k % 8)), instrument: InstrumentID(0),
                                                                 side: k % 2 == 0 ? .buy : .sell, price: 499_000 + Int64(k % 2) * 2_000,
                                                                 quantity: 1)))
                }
            }
            var all: [CommandOutcome] = []
            for try await o in g { all.append(o) }
            return all
        }
        #expect(outcomes.count == 400)
        let hash = try await host.read { $0.stateHash() }
        let last = outcomes.map(\.sequence).max()!
        host.shutdown()
        // A fresh replay of the journal alone reaches the same state.
        let engine = Engine()
        let summary = try JournalReader(directory: dir.appendingPathComponent("journal")).forEach { _, ts, payload in
            engine.apply(try CommandCodec.decode(payload), timestamp: ts)
        }
        #expect(summary.lastSequence == last)
        #expect(engine.stateHash() == hash)
    }

    @Test func subscribersSeeEveryOutcomeInOrder() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        let stream = host.subscribe()
        try await Self.seed(host, accounts: 2)
        host.shutdown()
        var seen: [UInt64] = []
        for await o in stream { seen.append(o.sequence) }
        // Per account: open, six onboarding commands, deposit; then one mark.
        #expect(seen == Array(1...17))
    }

    @Test func aTornTailIsDiscardedAndTheRestRecovers() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        try await Self.seed(host)
        let before = try await host.read { $0.stateHash() }
        _ = try await host.submit(.placeOrder(PlaceOrder(account: AccountID(0), instrument: InstrumentID(0), side: .buy, price: 499_000, quantity: 1)))
        host.shutdown()
        // Cut the last record in half, as a crash mid-write would, and drop the checkpoint
        // (a crashed process writes none).
        try FileManager.default.removeItem(at: dir.appendingPathComponent("checkpoint.txt"))
        let seg = try JournalSegment.list(in: dir.appendingPathComponent("journal")).last!.url
        let data = try Data(contentsOf: seg)
        try data.prefix(data.count - 20).write(to: seg)
        let again = try VenueHost(options: .init(dataDirectory: dir))
        defer { again.shutdown() }
        #expect(again.recovery.tornTailBytesDiscarded > 0)
        #expect(again.recovery.stateHash == before)
        #expect(again.recovery.lastSequence == 25) // the seed's 25 commands; the torn order is gone
    }

    @Test func aCheckpointThatDoesNotMatchStopsStartUp() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        try await Self.seed(host)
        host.shutdown()
        try Data("7 \(String(repeating: "0", count: 64))\n".utf8).write(to: dir.appendingPathComponent("checkpoint.txt"))
        #expect(throws: VenueHostError.self) { _ = try VenueHost(options: .init(dataDirectory: dir)) }
    }
}

@Suite struct SnapshotRecoveryTests {
    @Test func recoveryStartsFromTheNewestSnapshotAndReplaysOnlyTheTail() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir, snapshotEvery: 10))
        try await VenueHostTests.seed(host)          // 25 commands (3 accounts × open, 6 onboarding, deposit; a mark)
        // Index pricing state must be in the snapshot too (else recovery would skip it).
        for source in ["binance", "okx", "coinbase"] {
            _ = try await host.submit(.indexPrice(instrument: InstrumentID(0), source: source, price: 500_000))
        }
        for k in 0..<17 {
            _ = try await host.submit(.placeOrder(PlaceOrder(account: AccountID(UInt32(k % 3)), instrument: InstrumentID(0),
                                                             side: .buy, price: 490_000 + Int64(k) * 10, quantity: 1)))
        }
        let hash = try await host.read { $0.stateHash() }
        host.shutdown()
        // Shutdown waits for snapshot writes in flight.
        let store = SnapshotStore(directory: dir.appendingPathComponent("snapshots"))
        let newest = try store.list().map(\.sequence).max() ?? 0
        #expect(newest >= 10)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("checkpoint.txt"))
        let again = try VenueHost(options: .init(dataDirectory: dir))
        defer { again.shutdown() }
        #expect(again.recovery.snapshotProblem == nil)
        #expect(again.recovery.snapshotSequence == newest)
        #expect(again.recovery.recordsReplayed == 45 - Int(newest))
        #expect(again.recovery.stateHash == hash)
    }
}

@Suite struct EnqueueTests {
    @Test func enqueuedCommandsAreSequencedAndAnsweredInOrder() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        try await VenueHostTests.seed(host)
        let answers = AnswerLog()
        let all: [CommandOutcome] = await withCheckedContinuation { done in
            for k in 0..<200 {
                host.enqueue(.placeOrder(PlaceOrder(account: AccountID(0), instrument: InstrumentID(0), side: .buy,
                                                    price: 490_000, quantity: 1, clientOrderId: "q\(k)"))) { result in
                    if let o = try? result.get(), answers.add(o) == 200 { done.resume(returning: answers.all) }
                }
            }
        }
        // Answered in enqueue order, with consecutive sequence numbers.
        let ids = all.compactMap { o -> String? in
            if case .placeOrder(let p) = o.command { return p.clientOrderId } else { return nil }
        }
        #expect(ids == (0..<200).map { "q\($0)" })
        #expect(zip(all, all.dropFirst()).allSatisfy { $1.sequence == $0.sequence + 1 })
        // The name directory already knows accounts opened through the host.
        #expect(host.names.accountID(named: "acct2") == AccountID(2))
        host.shutdown()
    }
}

final class AnswerLog: Sendable {
    private let log = Mutex<[CommandOutcome]>([])
    func add(_ o: CommandOutcome) -> Int { log.withLock { $0.append(o); return $0.count } }
    var all: [CommandOutcome] { log.withLock { $0 } }
}
