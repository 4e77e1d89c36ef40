import Engine
import Foundation
import Storage

/// Rebuilds the engine from a data directory by the rules start-up and `harbour verify`
/// share, without changing a byte of the directory (OPS-4, non-negotiable 3).
///
/// The rules: the newest snapshot that restores to its recorded state hash is the starting
/// point (unless `useSnapshot` is false); every committed journal record after it is
/// replayed; a recorded checkpoint must be reached and must match; the journal must reach
/// both the checkpoint and the snapshot. Damage the reader cannot call a torn tail, a
/// sequence gap, an undecodable record, a checkpoint past the end or a mismatching hash is
/// thrown. A genuine torn tail is returned for the caller to cut — start-up cuts it only
/// after everything else has been decided.
public struct Recovery: Sendable {
    /// What replaying the directory produced.
    public struct Result {
        /// The engine after the last committed record (postings not emitted during replay).
        public let engine: Engine
        /// The snapshot replay started from (0: none).
        public let snapshotSequence: UInt64
        /// Why a snapshot on disk was not used, if one was skipped.
        public let snapshotProblem: String?
        /// Records applied after the snapshot.
        public let recordsReplayed: Int
        /// The last committed sequence (journal or snapshot).
        public let lastSequence: UInt64
        /// The unfinished end of the newest segment, never acknowledged, not yet removed.
        public let tornTail: JournalTornTail?
        /// The checkpoint recorded in the directory, if any.
        public let checkpoint: Checkpoint?
        /// The checkpoint, once replay reached it with the same state hash.
        public let checkpointVerified: Checkpoint?
    }

    /// Replays `root` (a data directory: journal/, snapshots/, checkpoint.txt).
    /// `beforeApply` sees each replayed command with the engine just before it is applied.
    public static func replay(
        root: URL, config: VenueConfig, useSnapshot: Bool = true,
        beforeApply: ((UInt64, Int64, Command, Engine) -> Void)? = nil
    ) throws -> Result {
        let journal = root.appendingPathComponent("journal")
        var engine = Engine(config: config)
        var snapshotSequence: UInt64 = 0
        var snapshotProblem: String?
        if useSnapshot, let snap = try SnapshotStore(directory: root.appendingPathComponent("snapshots")).loadNewest() {
            // A snapshot only shortens recovery; one that does not restore to its recorded
            // hash (another version, damage) is skipped and the journal replayed in full.
            do {
                let restored = try Engine(snapshot: snap.payload, config: config)
                if hex(snap.stateHash) == restored.stateHash() {
                    engine = restored
                    snapshotSequence = snap.sequence
                } else {
                    snapshotProblem = "snapshot \(snap.sequence) does not restore to its recorded state hash"
                }
            } catch {
                snapshotProblem = "snapshot \(snap.sequence) not usable: \(error)"
            }
        }
        engine.emitPostings = false
        let checkpoint = Checkpoint.read(from: root)
        var verified: Checkpoint?
        var count = 0
        let summary = try JournalReader(directory: journal).forEach(from: snapshotSequence + 1) { seq, ts, payload in
            let command: Command
            do { command = try CommandCodec.decode(payload) } catch {
                throw VenueHostError.recovery("journal record \(seq) does not decode: \(error)")
            }
            beforeApply?(seq, ts, command, engine)
            engine.applyInPlace(command, timestamp: ts)
            count += 1
            if let cp = checkpoint, cp.sequence == seq {
                let found = engine.stateHash()
                guard found == cp.stateHash else {
                    throw VenueHostError.stateHashMismatch(sequence: seq, expected: cp.stateHash, found: found)
                }
                verified = cp
            }
        }
        let journalEnd = summary.lastSequence ?? 0
        if snapshotSequence > journalEnd {
            throw VenueHostError.recovery("snapshot at sequence \(snapshotSequence) but the journal ends at \(journalEnd): acknowledged records are missing from the journal")
        }
        let last = max(journalEnd, snapshotSequence)
        if let cp = checkpoint, cp.sequence > last {
            throw VenueHostError.recovery("checkpoint.txt records sequence \(cp.sequence) but the journal ends at \(last): acknowledged records are missing")
        }
        engine.emitPostings = true
        return Result(engine: engine, snapshotSequence: snapshotSequence, snapshotProblem: snapshotProblem,
                      recordsReplayed: count, lastSequence: last, tornTail: summary.tornTail,
                      checkpoint: checkpoint, checkpointVerified: verified)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }
}
