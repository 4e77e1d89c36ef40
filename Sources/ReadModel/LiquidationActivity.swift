/// Something the liquidation waterfall did that involves an account (RISK-4): one of its
/// liquidation steps, an insurance payout covering its loss, or an ADL fill in which it
/// was the bankrupt account or the counterparty deleveraged against it.
public enum LiquidationActivity: Sendable, Hashable {
    case liquidation(LiquidationRecord)
    case insurancePayout(InsurancePayoutRecord)
    case adl(AdlFillRecord)

    /// Sequence of the command that caused it.
    public var seq: UInt64 {
        switch self {
        case .liquidation(let r): r.seq
        case .insurancePayout(let r): r.seq
        case .adl(let r): r.seq
        }
    }

    /// Index of the event within its command's events.
    public var idx: Int {
        switch self {
        case .liquidation(let r): r.idx
        case .insurancePayout(let r): r.idx
        case .adl(let r): r.idx
        }
    }

    /// Milliseconds since the epoch.
    public var ts: Int64 {
        switch self {
        case .liquidation(let r): r.ts
        case .insurancePayout(let r): r.ts
        case .adl(let r): r.ts
        }
    }
}
