import Engine
import Foundation
import Gateway
import HummingbirdTesting
import ReadModel
import Sequencer

/// An in-memory read model fed from the host's outcomes the way `harbour serve` feeds it,
/// but in step with the test: `catchUp(through:)` projects every outcome up to a sequence
/// and returns, so a history route asked afterwards sees it (no waiting on a clock).
/// Used by one test task at a time.
final class ReadModelFeed: @unchecked Sendable {
    let store: ReadModelStore
    private var outcomes: AsyncStream<CommandOutcome>.Iterator
    /// The host's last sequence when the feed subscribed (the venue was idle): outcomes up
    /// to it were published before and never arrive.
    private let baseline: UInt64

    init(host: VenueHost) async throws {
        store = try ReadModelStore(path: ":memory:")
        outcomes = host.subscribe().makeAsyncIterator()
        baseline = UInt64(try await host.read { $0.commandCount })
    }

    /// Projects outcomes until the one with `sequence` has been applied.
    func catchUp(through sequence: UInt64) async throws {
        while max(try store.lastSequence, baseline) < sequence {
            guard let o = await outcomes.next() else { throw WSTestError(description: "the host stopped before \(sequence)") }
            try store.apply(sequence: o.sequence, timestamp: o.timestamp, commandLine: o.commandLine, eventLines: o.json)
        }
    }

    /// Projects extra event lines as if they were the next outcome after everything the
    /// host has published so far (events this engine version does not produce yet).
    func inject(_ lines: [String], after sequence: UInt64) throws {
        try store.apply(sequence: sequence + 1, timestamp: Int64(Date().timeIntervalSince1970 * 1000), commandLine: nil,
                        eventLines: lines)
    }
}

extension TestVenue {
    /// Like `withLive`, with the gateway's history served from a `ReadModelFeed`.
    static func withLiveReadModel(_ body: @escaping @Sendable (TestVenue, any TestClientProtocol, ReadModelFeed) async throws -> Void)
        async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let feed = try await ReadModelFeed(host: venue.host)
        let app = try await GatewayServer.makeApplication(host: venue.host, keys: venue.keys, history: ReadModelHistory(store: feed.store),
                                                          configuration: GatewayConfiguration(port: 0), clock: venue.clock)
        try await app.test(.live) { client in try await body(venue, client, feed) }
    }

    /// The last sequence the host has made durable.
    func lastSequence() async throws -> UInt64 { UInt64(try await host.read { $0.commandCount }) }

    /// `event` rendered by the venue's own encoder as sequence `seq`.
    func encode(_ event: Event, seq: UInt64) async throws -> String {
        try await host.read { EventEncoder().encode(event, seq: Int64(seq), engine: $0) }
    }
}
