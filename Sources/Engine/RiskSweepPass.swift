import HarbourCore

/// A platform risk sweep (RISK-6) spread over commands (issue 13 item 4: no command waits
/// for a pass over a million positions). A venue with more accounts than one command visits
/// (`Engine.riskSweepAccountsPerCommand`) sweeps in two phases, a slice of accounts at the
/// start of each command:
/// 1. *measure*: open interest, concentration candidates, stress shortfalls and a
///    deterministic sample of auto-deleveraging scores, accumulated account by account;
///    when the last account is measured, the metrics, stress results and alerts are
///    published exactly as the one-shot sweep would publish them;
/// 2. *rank*: each position's ADL quintile against the sorted sample (exact when the sample
///    holds every position, i.e. up to `adlSampleTarget` accounts), published on change.
/// Each account is evaluated when its slice runs, so the figures describe a state that moves
/// during the pass (as any incremental monitor's do); a pass is driven by command time only,
/// so it is deterministic and, being engine state, in snapshots and the state hash.
struct RiskSweepPass: Equatable {
    /// Command time the pass began (ms), for the catch-up rule.
    var startedAtMs: Int64
    /// The pass covers accounts `0..<accounts` (those opened later wait for the next pass).
    var accounts: Int64
    /// Phase 1 (true) or phase 2.
    var measuring: Bool
    /// The next account of the phase.
    var cursor: Int64
    /// Every `sampleStride`-th account's scores are in the ADL sample.
    var sampleStride: Int64
    /// Σ long sizes per instrument (phase 1, so far).
    var openInterest: [Int64]
    /// Σ |short sizes| per instrument so far (bounds the candidate list).
    var shortInterest: [Int64]
    /// Stress shortfall per scenario and the number of accounts in shortfall.
    var shortfall: [Int128]
    var inShortfall: [Int64]
    /// Positions that were at least the concentration share of the larger of long and short
    /// interest so far when measured or last pruned (a superset of those concentrated at the
    /// end while positions hold still, and at most ⌊1 / share⌋ per side and instrument).
    var candidates: [Candidate]
    /// Sampled ADL scores per instrument × side (`2 × instrument + (long ? 0 : 1)`), sorted
    /// at the end of phase 1: highest score first, then lower account id.
    var samples: [[Sample]]

    /// One position that may be concentrated.
    struct Candidate: Equatable {
        var account: UInt32
        var instrument: Int64
        /// |size| when measured.
        var size: Int64
    }

    /// One sampled auto-deleveraging score.
    struct Sample: Equatable {
        var score: Int128
        var account: UInt32

        /// The ADL order: higher score first, then lower account id.
        static func ahead(_ a: Sample, of b: Sample) -> Bool {
            a.score != b.score ? a.score > b.score : a.account < b.account
        }
    }

    /// Accounts in the ADL sample of one pass at most (about; the stride is rounded up).
    static let adlSampleTarget: Int64 = 4096

    init(startedAtMs: Int64, accounts: Int, instruments: Int, scenarios: Int) {
        self.startedAtMs = startedAtMs
        self.accounts = Int64(accounts)
        measuring = true
        cursor = 0
        sampleStride = max(1, (Int64(accounts) + Self.adlSampleTarget - 1) / Self.adlSampleTarget)
        openInterest = Array(repeating: 0, count: instruments)
        shortInterest = Array(repeating: 0, count: instruments)
        shortfall = Array(repeating: 0, count: scenarios)
        inShortfall = Array(repeating: 0, count: scenarios)
        candidates = []
        samples = Array(repeating: [], count: 2 * instruments)
    }

    /// Account visits done in the whole pass (phase 1 then phase 2).
    var visited: Int64 { measuring ? cursor : accounts + cursor }

    /// The ADL quintile (5 first in line … 1 last) of `entry` against the sorted sample of
    /// its side: 5 − ⌊5 r / m⌋ with r the sampled entries ahead of it; nil with no sample.
    func quintile(_ entry: Sample, list: Int) -> UInt8? {
        let sample = samples[list]
        guard !sample.isEmpty else { return nil }
        var low = 0, high = sample.count
        while low < high {
            let mid = (low + high) / 2
            if Sample.ahead(sample[mid], of: entry) { low = mid + 1 } else { high = mid }
        }
        return UInt8(max(1, 5 - (low * 5) / sample.count))
    }
}

extension RiskSweepPass: StateCoding {
    /// startedAtMs, accounts, measuring, cursor, stride; long and short interest per instrument;
    /// per scenario shortfall (hi, lo) and count; candidates (count; account, instrument,
    /// size); per instrument × side the sample (count; score hi, lo, account).
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        try coder.code(&startedAtMs); try coder.code(&accounts); try coder.code(&measuring)
        try coder.code(&cursor); try coder.code(&sampleStride)
        try coder.require(Engine.saneTimes.contains(startedAtMs) && accounts > 0 && cursor >= 0 && cursor <= accounts
                          && sampleStride >= 1, "risk sweep pass \(startedAtMs)/\(accounts)/\(cursor)/\(sampleStride)")
        for i in openInterest.indices {
            try coder.code(&openInterest[i]); try coder.code(&shortInterest[i])
            try coder.require(openInterest[i] >= 0 && shortInterest[i] >= 0, "risk sweep open interest \(openInterest[i])")
        }
        for s in shortfall.indices {
            try Self.code(&shortfall[s], &coder)
            try coder.code(&inShortfall[s])
            try coder.require(shortfall[s] >= 0 && inShortfall[s] >= 0, "risk sweep shortfall")
        }
        var count = candidates.count
        try coder.codeCount(&count)
        if coder.isReading { candidates = Array(repeating: Candidate(account: 0, instrument: 0, size: 0), count: count) }
        for k in 0..<count {
            var account = Int64(candidates[k].account)
            try coder.code(&account); try coder.code(&candidates[k].instrument); try coder.code(&candidates[k].size)
            try coder.require(account >= 0 && account < accounts && candidates[k].instrument >= 0
                              && candidates[k].instrument < Int64(openInterest.count), "risk sweep candidate")
            candidates[k].account = UInt32(account)
        }
        for list in samples.indices { try codeSample(list, &coder) }
    }

    private mutating func codeSample<Coder: StateCoder>(_ list: Int, _ coder: inout Coder) throws(Engine.SnapshotError) {
        var count = samples[list].count
        try coder.codeCount(&count)
        if coder.isReading { samples[list] = Array(repeating: Sample(score: 0, account: 0), count: count) }
        for k in 0..<count {
            var account = Int64(samples[list][k].account)
            try Self.code(&samples[list][k].score, &coder)
            try coder.code(&account)
            try coder.require(account >= 0 && account < accounts, "risk sweep sample account \(account)")
            samples[list][k].account = UInt32(account)
        }
    }

    /// An Int128 as two words (high, low).
    private static func code<Coder: StateCoder>(_ value: inout Int128, _ coder: inout Coder) throws(Engine.SnapshotError) {
        var high = Int64(truncatingIfNeeded: value >> 64), low = Int64(truncatingIfNeeded: value)
        try coder.code(&high); try coder.code(&low)
        value = Int128(high) << 64 | Int128(UInt64(bitPattern: low))
    }
}
