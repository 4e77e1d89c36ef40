/// Accounts indexed by the mark price at which they breach maintenance (RISK-3).
///
/// Per instrument, every account with a non-zero position there has one entry: its
/// trigger price, the mark of that instrument at which the equity backing the position
/// (the cross pool, or the isolated margin) first falls below maintenance margin, other
/// marks held where they are. A long is at risk when `mark ≤ trigger`, a short when
/// `mark ≥ trigger`. Longs and shorts are kept in two block lists sorted by (price, account),
/// so a mark move visits only the entries it crosses (a suffix of the longs, a prefix of
/// the shorts) — the cost grows with the accounts at risk, not with all accounts.
///
/// The index is derived state: `Engine.rebuildLiquidationIndex()` recomputes it from
/// positions, cash and marks, and the engine keeps it equal to that recomputation at the
/// end of every command (so a restored engine rebuilds it and hashes the same).
struct LiquidationIndex: Sendable {
    /// Trigger meaning "never" for a long (no positive mark breaches it).
    static let longNever: Int64 = 0
    /// Trigger meaning "never" for a short.
    static let shortNever: Int64 = .max

    struct Entry: Sendable, Hashable {
        var price: Int64
        var account: UInt32
        @inline(__always)
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            a.price != b.price ? a.price < b.price : a.account < b.account
        }
    }

    /// Entries ascending by (price, account) in blocks of at most `maxBlock`: insert and
    /// remove move at most one block's entries (plus, on a split or an emptied block, the
    /// block list), so a change costs O(log n + block) instead of O(n) with one flat array
    /// of a million entries.
    struct Side: Sendable {
        static let maxBlock = 512
        /// Non-empty, each ascending, blocks in order.
        private(set) var blocks: [[Entry]] = []
        private(set) var count = 0

        /// Every entry in order (hashing, tests).
        var entries: [Entry] { blocks.flatMap { $0 } }

        /// The block that holds `e` or where it belongs: the first whose last entry does
        /// not precede `e`, else the last block.
        private func block(for e: Entry) -> Int {
            var lo = 0, hi = blocks.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Entry.precedes(blocks[mid][blocks[mid].count - 1], e) { lo = mid + 1 } else { hi = mid }
            }
            return min(lo, blocks.count - 1)
        }

        private static func position(of e: Entry, in entries: [Entry]) -> Int {
            var lo = 0, hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Entry.precedes(entries[mid], e) { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        mutating func insert(_ e: Entry) {
            count += 1
            if blocks.isEmpty { blocks.append([e]); return }
            let b = block(for: e)
            let p = Self.position(of: e, in: blocks[b])
            blocks[b].insert(e, at: p)
            if blocks[b].count > Self.maxBlock {
                let upper = Array(blocks[b][(Self.maxBlock / 2)...])
                blocks[b].removeLast(blocks[b].count - Self.maxBlock / 2)
                blocks.insert(upper, at: b + 1)
            }
        }

        mutating func remove(_ e: Entry) {
            guard !blocks.isEmpty else { return }
            let b = block(for: e)
            let p = Self.position(of: e, in: blocks[b])
            guard p < blocks[b].count, blocks[b][p] == e else { return }
            blocks[b].remove(at: p)
            count -= 1
            if blocks[b].isEmpty { blocks.remove(at: b) }
        }

        /// Accounts of the entries with price ≥ `mark`, highest first (crossed longs).
        func suffix(from mark: Int64, into out: inout [UInt32]) {
            for b in blocks.indices.reversed() {
                let block = blocks[b]
                var k = block.count - 1
                while k >= 0, block[k].price >= mark { out.append(block[k].account); k -= 1 }
                if k >= 0 { return }
            }
        }

        /// Accounts of the entries with price ≤ `mark`, lowest first (crossed shorts).
        func prefix(through mark: Int64, into out: inout [UInt32]) {
            for block in blocks {
                for e in block {
                    if e.price > mark { return }
                    out.append(e.account)
                }
            }
        }
    }

    struct Instrument: Sendable {
        var longs = Side()
        var shorts = Side()
        /// account → (trigger, long?) of the entry in this instrument.
        var byAccount: [UInt32: (price: Int64, long: Bool)] = [:]
        /// Accounts whose cross pool holds positions in this instrument and at least one
        /// other: their triggers depend on other marks, so a move of this mark recomputes
        /// all their entries. Ascending.
        var multi: [UInt32] = []
    }

    var instruments: [Instrument]
    /// Instruments whose mark moved during the current command, in order of first move.
    var movedMarks: [UInt16] = []
    /// False until built (a fresh or restored engine rebuilds on first use).
    var valid = false

    init(instruments n: Int) { instruments = Array(repeating: Instrument(), count: n) }

    /// Sets (or removes, with nil) an account's entry on an instrument.
    mutating func set(account a: UInt32, instrument i: Int, to new: (price: Int64, long: Bool)?) {
        if let old = instruments[i].byAccount[a] {
            if let new, new.price == old.price, new.long == old.long { return }
            let e = Entry(price: old.price, account: a)
            if old.long { instruments[i].longs.remove(e) } else { instruments[i].shorts.remove(e) }
            instruments[i].byAccount[a] = nil
        }
        guard let new else { return }
        let e = Entry(price: new.price, account: a)
        if new.long { instruments[i].longs.insert(e) } else { instruments[i].shorts.insert(e) }
        instruments[i].byAccount[a] = new
    }

    mutating func setMulti(account a: UInt32, instrument i: Int, _ on: Bool) {
        // In place: copying `multi` out and back would copy the whole array every time.
        var lo = 0, hi = instruments[i].multi.count
        while lo < hi { let mid = (lo + hi) / 2; if instruments[i].multi[mid] < a { lo = mid + 1 } else { hi = mid } }
        let present = lo < instruments[i].multi.count && instruments[i].multi[lo] == a
        if on == present { return }
        if on { instruments[i].multi.insert(a, at: lo) } else { instruments[i].multi.remove(at: lo) }
    }

    /// Accounts whose entry on instrument `i` the mark `mark` crosses, in index order
    /// (longs from the highest trigger down, then shorts from the lowest up).
    func crossed(instrument i: Int, mark: Int64) -> [UInt32] {
        var out: [UInt32] = []
        instruments[i].longs.suffix(from: mark, into: &out)
        instruments[i].shorts.prefix(through: mark, into: &out)
        return out
    }

    mutating func removeAll() {
        for i in instruments.indices { instruments[i] = Instrument() }
    }
}

extension LiquidationIndex {
    /// Records that an instrument's mark moved in this command.
    @inline(__always)
    mutating func markMoved(_ i: UInt16) {
        if !movedMarks.contains(i) { movedMarks.append(i) }
    }
}
