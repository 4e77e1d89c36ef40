import Compliance
import HarbourCore
import Matching

/// Delisting a contract (PERP-6): the last step of its lifecycle, by four-eyes, from
/// cancel-only only (so clients first had the chance to close). At approval, in that one
/// command: every open order on the contract is cancelled (reason `DELISTED`), every open
/// position is closed at the current mark price with no fee (`finalSettlement`, the
/// realised PnL through the same settlement as a fill), a loss beyond an account's means
/// is covered as after a liquidation, and the contract is disabled for good. Longs and
/// shorts are equal in size, so the positions pool ends with what every cost rounding left
/// in it — exactly zero once nothing is open.
extension Engine {
    /// Why `instrument` cannot be delisted now; nil when it can.
    func delistingProblem(_ instrument: InstrumentID) -> Rejection? {
        guard validInstrument(instrument) else { return Rejection(.unknownSymbol, "unknown symbol (only a perpetual contract is delisted)") }
        let i = Int(instrument.index), product = compliance.products[i]
        guard product.stage == .cancelOnly else {
            return Rejection(.productNotApproved,
                             "\(product.symbol) is \(product.stage.rawValue): only a cancel-only contract is delisted (restrict it to cancel-only first, so clients can close)")
        }
        guard marks[i] > 0 else { return Rejection(.noMarkPrice, "\(product.symbol) has no mark price to settle open positions at") }
        return nil
    }

    /// What a delisting request will do, for its findings.
    func delistingFindings(_ i: Int) -> [String] {
        let open = accounts.indices.filter { accounts[$0].positions[i].size != 0 }.count
        return ["\(specs[i].symbol): \(open) open position(s) settled at the mark (now \(specs[i].priceString(marks[i]))) on approval; orders cancelled"]
    }

    /// Cancels every order on contract `i`, settles every position at the mark and
    /// disables the contract; the lifecycle moves to delisted.
    func delist(_ i: Int, by: String, note: String, now: Int64) {
        let instrument = InstrumentID(UInt16(i)), price = marks[i]
        for a in accounts.indices {
            let book = books[i]
            let slots = book.ownerSlots(head: accounts[a].positions[i].orderHead).sorted { book[$0].orderId < book[$1].orderId }
            for slot in slots { removeResting(slot: slot, instrument: UInt16(i), reason: "DELISTED", canceled: true) }
            for c in conditionalsOf(account: UInt32(a), instrument: UInt16(i)) { cancelConditional(c.orderId, reason: "DELISTED") }
        }
        var settled: [UInt32] = []
        for a in accounts.indices where accounts[a].positions[i].size != 0 {
            let size = accounts[a].positions[i].size
            _ = settleFill(account: UInt32(a), instrument: UInt16(i), side: size > 0 ? .sell : .buy, quantity: Int64(size.magnitude),
                           price: price, feeRate: .zero)
            events.append(.compliance(.finalSettlement(account: AccountID(UInt32(a)), instrument: instrument, size: size, price: price)))
            settled.append(UInt32(a))
        }
        for a in settled {
            coverShortfall(a)
            _ = refreshLiquidationEntries(a)
        }
        try? compliance.products[i].move(to: .delisted, by: by, at: now, note: note)
        statuses[i] = .disabled
        operatorSetStatus(instrument)
        events.append(.instrumentStatus(instrument: instrument, status: .disabled))
    }
}
