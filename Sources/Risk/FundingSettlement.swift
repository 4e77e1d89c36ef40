import HarbourCore

/// Settles one funding interval over every open position of a contract (PRICE-3, PERP-4).
///
/// Each position's exact `size × mark × rate` is rounded against the client: payers pay
/// the exact amount rounded up, receivers receive it rounded down. Because positions sum
/// to zero, the exact amounts sum to zero, so the rounded ones leave a residue
/// `0 ≤ residue < number of positions` (each adds less than one unit), booked to the
/// house rounding book: `Σ changes + residue == 0` exactly.
public enum FundingSettlement {
    /// One account's funding result.
    public struct Entry: Sendable, Hashable {
        public let account: AccountID
        public let position: Quantity
        /// Balance change of the account: negative when it pays, positive when it receives.
        public let change: Amount
    }

    /// The settlement of one interval.
    public struct Result: Sendable, Hashable {
        /// One entry per input position, in input order (zero positions included).
        public let entries: [Entry]
        /// What the house rounding book receives: `−Σ change`, always ≥ 0.
        public let residue: Amount
    }

    /// Why a settlement was refused.
    public enum SettlementError: Error, Equatable, Sendable {
        /// The positions do not net to zero (an engine inconsistency).
        case positionsDoNotNet(net: Int64)
    }

    /// Settles `positions` (account, signed size) at `mark` and `rate`.
    public static func settle(
        positions: [(account: AccountID, position: Quantity)], mark: Price, rate: Rate, notional: Notional
    ) throws(SettlementError) -> Result {
        var net: Int64 = 0
        for p in positions { net += p.position.raw }
        if net != 0 { throw .positionsDoNotNet(net: net) }
        var entries: [Entry] = []
        entries.reserveCapacity(positions.count)
        var total: Int64 = 0
        for p in positions {
            let pays = FundingRate.payment(position: p.position, mark: mark, rate: rate, notional: notional)
            entries.append(Entry(account: p.account, position: p.position, change: -pays))
            total += pays.raw
        }
        return Result(entries: entries, residue: Amount(raw: total))
    }
}
