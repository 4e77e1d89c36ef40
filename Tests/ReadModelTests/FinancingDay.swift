import CommandInput
import Engine
import Foundation
import Financing

/// A margin-financing week driven through the real engine with replay lines (the path the
/// journal and the gateway use), recorded as the venue publishes it (`Scenario`), for the
/// REG-3 margin-financing report:
///
/// - Thu 1 Jan 00:00 UTC: alice (professional investor, margin client at 7.5 %, interest
///   capitalised) pledges 1 BTC to loan 1 at BTC 60,000 and draws 20,000 USD. carol buys
///   0.1 BTC at 54,000 from bob, then bids 0.5 BTC at 49,000.
/// - BTC index 54,000: margin value 0.4 × 54,000 = 21,600 < 110 % of 20,000 → early warning.
/// - BTC index 49,000: 19,600 < 20,000 → margin call, deadline two business days on
///   (Mon 5 Jan 00:00:04 UTC).
/// - A tick each day accrues the day before's interest; at the deadline the missed call is
///   force-sold on the spot book into carol's bid and the call is met.
final class FinancingDay {
    static let t0: Int64 = 1_767_225_600_000
    static let day: Int64 = 86_400_000
    let s = Scenario()
    /// The call's deadline.
    private(set) var deadline: Int64 = 0

    @discardableResult
    func run(_ ts: Int64, _ type: String, _ fields: [String: Any] = [:]) -> [Event] { s.runLine(ts, type, fields) }

    func index(_ ts: Int64, _ price: String) {
        for source in ["binance", "okx"] { run(ts, "indexPrice", ["symbol": "BTC-PERP", "source": source, "price": price]) }
    }

    func professional(_ who: String, at ts: Int64) {
        run(ts, "recordEvidence", ["by": "maya", "account": who, "evidenceKind": "securities", "amount": "8000000.00", "currency": "HKD",
                                   "asOf": ts, "source": "custodian statement"])
        run(ts, "proposeClassification", ["requestId": "pi-" + who, "by": "maya", "account": who, "investorKind": "individual", "reason": "evidenced"])
        run(ts, "approveRequest", ["requestId": "pi-" + who, "by": "chen"])
    }

    init() {
        let t0 = Self.t0
        for who in ["alice", "bob", "carol"] { run(t0, "openAccount", ["account": who]) }
        professional("alice", at: t0)
        professional("carol", at: t0)
        run(t0, "financingClient", ["account": "alice", "agreement": "SMA-alice", "annualRate": "0.075", "interestSettlement": "CAPITALISE",
                                    "by": "credit-1"])
        run(t0, "creditAssessment", ["account": "alice", "by": "credit-1", "netWorthFiat": "4000000", "netWorthNonFiat": "0",
                                     "liquidFiat": "4000000", "liquidNonFiat": "0", "annualIncome": "500000", "liabilities": "0",
                                     "asOf": t0, "limit": "1000000", "reviewDueAt": t0 + 500 * Self.day])
        run(t0, "brokerCapital", ["fiat": "50000000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        index(t0 + 1000, "60000")
        run(t0 + 1000, "deposit", ["account": "alice", "asset": "BTC", "amount": "1.2"])
        run(t0 + 1000, "deposit", ["account": "bob", "asset": "BTC", "amount": "2"])
        run(t0 + 1000, "deposit", ["account": "carol", "asset": "USD", "amount": "100000"])
        run(t0 + 1000, "loanOpen", ["account": "alice"])
        run(t0 + 1000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "BTC", "qty": "1"])
        run(t0 + 1000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": "20000"])
        run(t0 + 2000, "placeOrder", ["account": "bob", "symbol": "BTC-USD", "side": "sell", "orderType": "limit", "timeInForce": "GTC",
                                      "price": "54000", "qty": "0.1"])
        run(t0 + 2000, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "IOC",
                                      "price": "54000", "qty": "0.1"])
        run(t0 + 2000, "placeOrder", ["account": "carol", "symbol": "BTC-USD", "side": "buy", "orderType": "limit", "timeInForce": "GTC",
                                      "price": "49000", "qty": "0.5"])
        index(t0 + 3000, "54000")
        index(t0 + 4000, "49000")
        deadline = t0 + 4 * Self.day + 4000
        for d in 1...3 { run(t0 + Int64(d) * Self.day + 5000, "tick") }
        run(deadline - 1, "tick")
        run(deadline, "tick")
    }

    /// The rest of January: BTC back at 60,000 (margin 0.98582 × 60,000 × 0.4 = 23,659.68, far
    /// above the loan, so January's interest calls nothing); on Tue 20 Jan the broker's capital is cut to 60,000 USD, so alice's
    /// loan is over 25 % of it (a FIN-3 breach, raised), and restored on the 21st (cleared);
    /// the first command of February (00:00:05 UTC) capitalises January's interest and runs
    /// the monthly loan-book stress test.
    func continueToFebruary() {
        index(deadline + 1000, "60000")
        let jan20 = Self.t0 + 19 * Self.day
        run(jan20, "brokerCapital", ["fiat": "60000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        run(jan20 + Self.day, "brokerCapital", ["fiat": "50000000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        run(Self.t0 + 31 * Self.day + 5000, "tick")
    }

    /// Every financing event the engine published, in order (the ground truth).
    var financingEvents: [FinancingEvent] {
        s.history.flatMap(\.events).compactMap { if case let .financing(f) = $0 { return f } else { return nil } }
    }

    /// The kinds of the margin notices the engine published, in order (the ground truth).
    var noticeKinds: [String] {
        s.history.flatMap(\.events).compactMap { if case let .financing(.notice(n)) = $0 { return n.kind.rawValue } else { return nil } }
    }
}
