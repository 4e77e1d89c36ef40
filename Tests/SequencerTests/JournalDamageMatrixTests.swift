import Engine
import Foundation
import HarbourCore
import Matching
import Storage
import Testing
@testable import Sequencer

/// OPS-4, non-negotiable 3 (issue 12): every kind of journal damage at the start, middle
/// and end of the first, a middle and the newest segment, with and without a checkpoint.
/// Start-up (`VenueHost`) and verify's rules (`Recovery` over the whole journal) must
/// either recover exactly the committed state (a genuine torn tail) or refuse naming the
/// place — and a refusal leaves every byte of the directory as it was.
@Suite(.serialized) struct JournalDamageMatrixTests {
    static let segmentSize = 2048

    /// A data directory written by a real venue, one command per batch, and the state hash
    /// after every sequence (index 0: the empty venue).
    final class Base: @unchecked Sendable {
        let directory: URL
        var hashes: [String] = []
        init() async throws {
            directory = temporaryDirectory()
            let host = try VenueHost(options: .init(dataDirectory: directory, segmentSize: JournalDamageMatrixTests.segmentSize))
            hashes.append(try await host.read { $0.stateHash() })
            func run(_ command: Command) async throws {
                let outcome = try await host.submit(command)
                #expect(Int(outcome.sequence) == hashes.count)
                hashes.append(try await host.read { $0.stateHash() })
            }
            for a in 0..<3 {
                try await run(.openAccount(name: "acct\(a)", group: nil, feeTier: nil))
                let onboarding = try await host.read { Onboarding.individual(AccountID(UInt32(a)), name: "acct\(a)", engine: $0, at: $0.lastTimestamp) }
                for c in onboarding { try await run(c) }
                try await run(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: 1_000_000_000_000))
            }
            try await run(.markPrice(instrument: InstrumentID(0), price: 500_000))
            for k in 0..<80 {
                try await run(.placeOrder(PlaceOrder(
                    account: AccountID(UInt32(k % 3)), instrument: InstrumentID(0), side: k % 2 == 0 ? .buy : .sell,
                    price: 500_000 + Int64(k % 7 - 3) * 10, quantity: 5, clientOrderId: "o\(k)")))
            }
            host.shutdown()
        }
        var lastSequence: UInt64 { UInt64(hashes.count - 1) }
    }

    /// Where the batches of one segment are.
    struct Layout {
        struct Batch { let start: Int; let records: [Int]; let marker: Int; let lastSequence: UInt64; var end: Int { marker + JournalCommitMarker.size } }
        let url: URL
        let size: Int
        let batches: [Batch]

        init(_ url: URL, firstSequence: UInt64) throws {
            let bytes = [UInt8](try Data(contentsOf: url))
            self.url = url
            size = bytes.count
            var batches: [Batch] = []
            var offset = JournalSegmentHeader.size
            var sequence = firstSequence
            var records: [Int] = []
            var batchStart = offset
            while offset < bytes.count {
                let magic = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
                if magic == JournalCommitMarker.magic {
                    batches.append(Batch(start: batchStart, records: records, marker: offset, lastSequence: sequence - 1))
                    offset += JournalCommitMarker.size
                    batchStart = offset
                    records = []
                } else {
                    let length = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
                    records.append(offset)
                    offset += JournalRecord.encodedSize(payloadCount: length)
                    sequence += 1
                }
            }
            self.batches = batches
        }
    }

    /// What a damage must lead to.
    enum Expected: CustomStringConvertible {
        /// Refused; the error text names this (a file name, "checkpoint", ...).
        case refused(naming: String)
        /// Recovered to the state after this sequence.
        case recovered(through: UInt64)
        var description: String {
            switch self {
            case .refused(let what): return "refused naming \(what)"
            case .recovered(let s): return "recovered through \(s)"
            }
        }
    }

    /// One damage to apply to a copy of the base directory.
    struct Damage {
        let name: String
        let apply: (URL) throws -> Void
        let expected: Expected
    }

    static func copy(_ base: Base) throws -> URL {
        let work = temporaryDirectory().appendingPathComponent("venue")
        try FileManager.default.copyItem(at: base.directory, to: work)
        return work
    }

    /// Every file's bytes, by path relative to `root`.
    static func fingerprint(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                files[String(url.path.dropFirst(root.path.count))] = try Data(contentsOf: url)
            }
        }
        return files
    }

    static func flip(_ url: URL, at offset: Int, mask: UInt8 = 0x01) throws {
        var bytes = try Data(contentsOf: url)
        bytes[offset] ^= mask
        try bytes.write(to: url)
    }

    static func truncate(_ url: URL, by count: Int) throws {
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - count).write(to: url)
    }

    static func append(_ url: URL, _ tail: Data) throws {
        try (try Data(contentsOf: url) + tail).write(to: url)
    }

    /// Runs verify's rules and start-up on `work` and checks they agree with `expected`.
    static func check(_ damage: Damage, on work: URL, base: Base) async throws {
        let label = Comment(rawValue: damage.name)
        let before = try fingerprint(work)
        // Verify's rules: the whole journal, no snapshot; never writes.
        var verifyResult: Result<Recovery.Result, any Error>
        do { verifyResult = .success(try Recovery.replay(root: work, config: .standard, useSnapshot: false)) } catch { verifyResult = .failure(error) }
        #expect(try fingerprint(work) == before, "verify changed the directory: \(label)")
        switch damage.expected {
        case .refused(let naming):
            if case .success = verifyResult { Issue.record("verify accepted: \(label)") }
            do {
                let host = try VenueHost(options: .init(dataDirectory: work, segmentSize: segmentSize))
                host.shutdown()
                Issue.record("start-up accepted: \(label)")
            } catch {
                #expect("\(error)".contains(naming), "\(label): \(error)")
                if case .failure(let verifyError) = verifyResult {
                    #expect("\(verifyError)".contains(naming), "\(label): verify said \(verifyError)")
                }
            }
            #expect(try fingerprint(work) == before, "a refusal changed the directory: \(label)")
        case .recovered(let through):
            let verified = try verifyResult.get()
            #expect(verified.lastSequence == through, label)
            #expect(verified.engine.stateHash() == base.hashes[Int(through)], label)
            let host = try VenueHost(options: .init(dataDirectory: work, segmentSize: segmentSize))
            #expect(host.recovery.lastSequence == through, label)
            #expect(host.recovery.stateHash == base.hashes[Int(through)], label)
            // The sequence goes on after the committed end: nothing is re-used.
            let next = try await host.submit(.cancelAll(account: AccountID(0), instrument: nil))
            #expect(next.sequence == through + 1, label)
            let hash = try await host.read { $0.stateHash() }
            host.shutdown()
            let again = try VenueHost(options: .init(dataDirectory: work, segmentSize: segmentSize))
            #expect(again.recovery.stateHash == hash, label)
            #expect(again.recovery.lastSequence == through + 1, label)
            again.shutdown()
        }
    }

    static func run(_ damages: [Damage], base: Base, keepCheckpoint: Bool) async throws {
        for damage in damages {
            let work = try copy(base)
            defer { try? FileManager.default.removeItem(at: work.deletingLastPathComponent()) }
            if !keepCheckpoint { try FileManager.default.removeItem(at: work.appendingPathComponent("checkpoint.txt")) }
            try damage.apply(work)
            try await check(damage, on: work, base: base)
        }
    }

    static func segments(_ root: URL) throws -> [JournalSegment] {
        try JournalSegment.list(in: root.appendingPathComponent("journal"))
    }

    /// Bit flips in every field of a record, its commit marker and the segment header, at the
    /// first, middle and last batch of the first, a middle and the newest segment.
    static func flips(_ base: Base) throws -> [Damage] {
        let segments = try segments(base.directory)
        var damages: [Damage] = []
        for (which, index) in [("first", 0), ("middle", segments.count / 2), ("newest", segments.count - 1)] {
            let segment = segments[index]
            let name = segment.url.lastPathComponent
            let layout = try Layout(segment.url, firstSequence: segment.firstSequence)
            let relative = "journal/" + name
            func damage(_ what: String, _ offset: Int, mask: UInt8 = 0x01) -> Damage {
                Damage(name: "\(what) in \(which) segment \(name) at \(offset)",
                       apply: { try flip($0.appendingPathComponent(relative), at: offset, mask: mask) },
                       expected: .refused(naming: name))
            }
            damages.append(damage("segment header magic", 1))
            damages.append(damage("segment header first sequence", 8))
            damages.append(damage("segment header batch bound", 17))
            let picks = [("first", 0), ("middle", layout.batches.count / 2), ("last", layout.batches.count - 1)]
            for (position, b) in picks {
                let batch = layout.batches[b]
                let record = batch.records[batch.records.count / 2]
                let recordEnd = batch.marker
                damages.append(damage("record magic, \(position) batch", record + 0))
                damages.append(damage("record length +1, \(position) batch", record + 4))
                damages.append(damage("record length +16 KiB, \(position) batch", record + 5, mask: 0x40))
                damages.append(damage("record sequence, \(position) batch", record + 8))
                damages.append(damage("record timestamp, \(position) batch", record + 16))
                damages.append(damage("record payload, \(position) batch", record + JournalRecord.headerSize))
                damages.append(damage("record checksum, \(position) batch", recordEnd - 1))
                damages.append(damage("commit marker magic, \(position) batch", batch.marker))
                damages.append(damage("commit marker last sequence, \(position) batch", batch.marker + 16))
                damages.append(damage("commit marker checksum, \(position) batch", batch.marker + 29))
            }
        }
        return damages
    }

    /// Cuts from the end of the newest segment: a torn tail unless a checkpoint proves the
    /// cut records were acknowledged.
    static func truncations(_ base: Base, checkpoint: Bool) throws -> [Damage] {
        let segments = try segments(base.directory)
        let newest = segments[segments.count - 1]
        let layout = try Layout(newest.url, firstSequence: newest.firstSequence)
        let relative = "journal/" + newest.url.lastPathComponent
        let last = layout.batches[layout.batches.count - 1]
        let lastSize = last.end - last.start
        let previousSegmentEnd = newest.firstSequence - 1
        var cuts = [1, 5, JournalCommitMarker.size, JournalCommitMarker.size + 1, lastSize - 1, lastSize, lastSize + 1, lastSize + 40]
        cuts.append(layout.size - JournalSegmentHeader.size)      // only the header is left
        cuts.append(layout.size - 10)                               // part of the header
        return cuts.map { cut in
            let remaining = layout.size - cut
            let committed = layout.batches.last { $0.end <= remaining }?.lastSequence ?? previousSegmentEnd
            let expected: Expected = checkpoint && committed < base.lastSequence ? .refused(naming: "checkpoint") : .recovered(through: committed)
            return Damage(name: "truncate the newest segment by \(cut) bytes (checkpoint: \(checkpoint))",
                          apply: { try truncate($0.appendingPathComponent(relative), by: cut) }, expected: expected)
        }
    }

    /// Whole segments missing, the checkpoint lying, bytes appended after the last batch.
    static func segmentAndCheckpointDamage(_ base: Base, checkpoint: Bool) throws -> [Damage] {
        let segments = try segments(base.directory)
        let middle = segments[segments.count / 2]
        let newest = segments[segments.count - 1]
        let newestRelative = "journal/" + newest.url.lastPathComponent
        var damages = [
            Damage(name: "delete a middle segment", apply: { try FileManager.default.removeItem(at: $0.appendingPathComponent("journal/" + middle.url.lastPathComponent)) },
                   expected: .refused(naming: "gap")),
            Damage(name: "delete the newest segment (checkpoint: \(checkpoint))",
                   apply: { try FileManager.default.removeItem(at: $0.appendingPathComponent(newestRelative)) },
                   expected: checkpoint ? .refused(naming: "checkpoint") : .recovered(through: newest.firstSequence - 1)),
            Damage(name: "append zeros (checkpoint: \(checkpoint))", apply: { try append($0.appendingPathComponent(newestRelative), Data(count: 100)) },
                   expected: .recovered(through: base.lastSequence)),
            Damage(name: "append garbage", apply: { try append($0.appendingPathComponent(newestRelative), Data((1...100).map { UInt8($0) })) },
                   expected: .refused(naming: newest.url.lastPathComponent)),
            Damage(name: "append a copy of the last batch", apply: { url in
                       let file = url.appendingPathComponent(newestRelative)
                       let layout = try Layout(file, firstSequence: newest.firstSequence)
                       let bytes = try Data(contentsOf: file)
                       try append(file, bytes[layout.batches.last!.start...])
                   }, expected: .refused(naming: "gap")),
        ]
        let hash = base.hashes.last!
        damages.append(Damage(name: "checkpoint past the end", apply: {
            try Data("\(base.lastSequence + 3) \(hash)\n".utf8).write(to: $0.appendingPathComponent("checkpoint.txt"))
        }, expected: .refused(naming: "checkpoint")))
        damages.append(Damage(name: "checkpoint with another state hash", apply: {
            try Data("\(base.lastSequence - 2) \(hash)\n".utf8).write(to: $0.appendingPathComponent("checkpoint.txt"))
        }, expected: .refused(naming: "state hash")))
        return damages
    }

    @Test func bitFlipsAnywhereAreRefusedAndChangeNothing() async throws {
        let base = try await Base()
        defer { try? FileManager.default.removeItem(at: base.directory) }
        #expect(try Self.segments(base.directory).count >= 4)
        let damages = try Self.flips(base)
        #expect(damages.count == 3 * (3 + 3 * 10))
        try await Self.run(damages, base: base, keepCheckpoint: true)
        try await Self.run(damages, base: base, keepCheckpoint: false)
    }

    @Test func truncationsAreATornTailOnlyWithoutAProofOfMore() async throws {
        let base = try await Base()
        defer { try? FileManager.default.removeItem(at: base.directory) }
        try await Self.run(try Self.truncations(base, checkpoint: false), base: base, keepCheckpoint: false)
        try await Self.run(try Self.truncations(base, checkpoint: true), base: base, keepCheckpoint: true)
    }

    @Test func missingSegmentsLyingCheckpointsAndAppendedBytes() async throws {
        let base = try await Base()
        defer { try? FileManager.default.removeItem(at: base.directory) }
        try await Self.run(try Self.segmentAndCheckpointDamage(base, checkpoint: false).filter { !$0.name.hasPrefix("checkpoint") },
                           base: base, keepCheckpoint: false)
        try await Self.run(try Self.segmentAndCheckpointDamage(base, checkpoint: true), base: base, keepCheckpoint: true)
    }

    /// The undamaged directory, for contrast: both rules accept it and agree on the hash.
    @Test func anUndamagedDirectoryRecoversToTheLastCommand() async throws {
        let base = try await Base()
        defer { try? FileManager.default.removeItem(at: base.directory) }
        try await Self.run([Damage(name: "none", apply: { _ in }, expected: .recovered(through: base.lastSequence))],
                           base: base, keepCheckpoint: true)
    }
}
