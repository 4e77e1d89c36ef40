import HarbourCore

/// A position near its liquidation trigger, read from the liquidation index (RISK-3): what
/// the operator console's "closest to liquidation" view lists (OPS-2).
public struct LiquidationWatchEntry: Sendable, Equatable {
    public let account: AccountID
    public let instrument: InstrumentID
    /// True for a long (liquidated when the mark falls to `trigger`), false for a short.
    public let long: Bool
    /// The mark at which the position's equity first falls below maintenance (raw price units).
    public let trigger: Int64
}

extension LiquidationIndex.Side {
    /// Up to `n` entries from the highest price down, skipping `never` (longs nearest a falling mark).
    func highest(_ n: Int, skipping never: Int64) -> [LiquidationIndex.Entry] {
        var out: [LiquidationIndex.Entry] = []
        for block in blocks.reversed() {
            for e in block.reversed() where e.price != never {
                if out.count == n { return out }
                out.append(e)
            }
        }
        return out
    }

    /// Up to `n` entries from the lowest price up, skipping `never` (shorts nearest a rising mark).
    func lowest(_ n: Int, skipping never: Int64) -> [LiquidationIndex.Entry] {
        var out: [LiquidationIndex.Entry] = []
        for block in blocks {
            for e in block where e.price != never {
                if out.count == n { return out }
                out.append(e)
            }
        }
        return out
    }
}

extension Engine {
    /// The positions on an instrument nearest liquidation, from the index: up to `limit`
    /// longs with the highest triggers and up to `limit` shorts with the lowest. Cost:
    /// O(limit) entries visited (plus never-triggers skipped at the ends), not a scan of accounts.
    public func nearestLiquidations(_ instrument: InstrumentID, limit: Int) -> [LiquidationWatchEntry] {
        if !liq.valid { rebuildLiquidationIndex() }
        let index = liq.instruments[Int(instrument.index)]
        let longs = index.longs.highest(limit, skipping: LiquidationIndex.longNever).map {
            LiquidationWatchEntry(account: AccountID($0.account), instrument: instrument, long: true, trigger: $0.price)
        }
        let shorts = index.shorts.lowest(limit, skipping: LiquidationIndex.shortNever).map {
            LiquidationWatchEntry(account: AccountID($0.account), instrument: instrument, long: false, trigger: $0.price)
        }
        return longs + shorts
    }

    /// How many positions stand in each auto-deleveraging queue of an instrument: every
    /// long is in line when a short goes bankrupt and every short when a long does (ranked
    /// by `adlRanking`). Cost: one pass over accounts reading one position each — the
    /// liquidation index holds only positions that have a trigger, so it cannot count them.
    public func adlQueueSizes(_ instrument: InstrumentID) -> (longs: Int, shorts: Int) {
        let i = Int(instrument.index)
        var longs = 0, shorts = 0
        for a in accounts.indices {
            let size = accounts[a].positions[i].size
            if size > 0 { longs += 1 } else if size < 0 { shorts += 1 }
        }
        return (longs, shorts)
    }
}
