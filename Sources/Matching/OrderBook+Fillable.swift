import HarbourCore

extension OrderBook {
    /// How much of an incoming order on `side` with worst price `limit` could fill now,
    /// honouring self-trade prevention by `group` (stops at a same-group maker when the
    /// taker expires on STP). Used for fill-or-kill before any state changes; counts up
    /// to `remaining` at most.
    public func fillable(side: Side, limit: Int64, group: UInt32, stp: SelfTradePrevention, remaining: Int64) -> Int64 {
        let opposite = bookSide(side.opposite)
        var total: Int64 = 0
        var li = opposite.levels.count - 1
        while li >= 0 && total < remaining {
            let level = opposite.levels[li]
            if side == .buy ? level.price > limit : level.price < limit { break }
            var s: Int32? = bestSlotOfLevel(level)
            while let slot = s {
                let maker = self[slot]
                if maker.group == group {
                    if stp.expiresTaker { return total }
                } else {
                    total += maker.remaining
                    if total >= remaining { return total }
                }
                s = nextInLevel(slot)
            }
            li -= 1
        }
        return total
    }
}
