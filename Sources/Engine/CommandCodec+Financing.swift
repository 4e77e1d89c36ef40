import Financing
import HarbourCore

/// The journal encoding of margin-financing commands: tag 17, a sub-tag per command, then
/// its fields in the style of `CommandCodec`.
extension CommandCodec {
    static let financingTag: UInt8 = 17

    static func encode(_ c: FinancingCommand, _ w: inout ByteWriter) {
        w.u8(financingTag)
        switch c {
        case let .setClient(a, agreement, group, rate, settlement, securities, by):
            w.u8(1); w.u32(a.index); w.str(agreement); w.optStr(group); w.i64(rate); w.str(settlement.rawValue); w.i64(securities); w.str(by)
        case let .assessCredit(a, d, limit, review, by):
            w.u8(2); w.u32(a.index)
            for f in d.figures { w.i64(f) }
            w.i64(d.asOf); w.i64(limit); w.i64(review); w.str(by)
        case let .openLoan(a):
            w.u8(3); w.u32(a.index)
        case let .pledge(a, loan, asset, q):
            w.u8(4); w.u32(a.index); w.i64(loan); w.str(asset); w.i64(q)
        case let .release(a, loan, asset, q):
            w.u8(5); w.u32(a.index); w.i64(loan); w.str(asset); w.i64(q)
        case let .drawdown(a, loan, amount):
            w.u8(6); w.u32(a.index); w.i64(loan); w.i64(amount)
        case let .repay(a, loan, amount):
            w.u8(7); w.u32(a.index); w.i64(loan); w.i64(amount)
        case let .collateralPrice(asset, price):
            w.u8(8); w.str(asset); w.i64(price)
        case let .brokerCapital(fiat, securities, va, by):
            w.u8(9); w.i64(fiat); w.i64(securities); w.i64(va); w.str(by)
        case let .forcedSaleFill(instruction, q, proceeds):
            w.u8(10); w.i64(instruction); w.i64(q); w.i64(proceeds)
        }
    }

    static func decodeFinancing(_ r: inout ByteReader) throws(DecodeError) -> FinancingCommand {
        switch try r.u8() {
        case 1:
            let a = AccountID(try r.u32()), agreement = try r.str(), group = try r.optStr(), rate = try r.i64(), name = try r.str()
            guard let settlement = MarginClient.InterestSettlement(rawValue: name) else { throw DecodeError(description: "interest settlement \(name)") }
            return .setClient(account: a, agreement: agreement, relatedGroup: group, annualRate: rate, settlement: settlement,
                              securitiesMarginLoans: try r.i64(), by: try r.str())
        case 2:
            let a = AccountID(try r.u32())
            var f: [Int64] = []
            for _ in 0..<6 { f.append(try r.i64()) }
            let d = DeclaredFigures(netWorthFiat: f[0], netWorthNonFiat: f[1], liquidFiat: f[2], liquidNonFiat: f[3], annualIncome: f[4],
                                    liabilities: f[5], asOf: try r.i64())
            return .assessCredit(account: a, declared: d, limit: try r.i64(), reviewDueAt: try r.i64(), by: try r.str())
        case 3: return .openLoan(account: AccountID(try r.u32()))
        case 4: return .pledge(account: AccountID(try r.u32()), loan: try r.i64(), asset: try r.str(), quantity: try r.i64())
        case 5: return .release(account: AccountID(try r.u32()), loan: try r.i64(), asset: try r.str(), quantity: try r.i64())
        case 6: return .drawdown(account: AccountID(try r.u32()), loan: try r.i64(), amount: try r.i64())
        case 7: return .repay(account: AccountID(try r.u32()), loan: try r.i64(), amount: try r.i64())
        case 8: return .collateralPrice(asset: try r.str(), price: try r.i64())
        case 9: return .brokerCapital(fiat: try r.i64(), securities: try r.i64(), virtualAssets: try r.i64(), by: try r.str())
        case 10: return .forcedSaleFill(instruction: try r.i64(), quantity: try r.i64(), proceeds: try r.i64())
        case let sub: throw DecodeError(description: "unknown financing command \(sub)")
        }
    }
}
