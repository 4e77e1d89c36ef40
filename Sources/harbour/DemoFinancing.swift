import Engine
import Financing
import HarbourCore
import Sequencer

/// The demo's margin-financing client (FIN-1..6): dora, a professional investor, is made
/// a margin client by compliance (maya), given a credit limit within the rule (maya
/// proposes, chen approves), and holds a
/// loan on 1 BTC and 1,000 shares of 0700.HK with 20,000 USD drawn — healthy, so a user
/// can draw more, buy BTC on the spot book and watch the warning, the call and the
/// forced sale as the demo price walks (docs/FINANCING.md, "Try it").
enum DemoFinancing {
    static let borrower = "dora"

    static func prepare(host: VenueHost) async throws {
        guard try await host.read({ $0.loanBook != nil }), let id = try await host.read({ $0.accountID(named: borrower) }) else { return }
        if try await host.read({ $0.loanBook!.clients[id.index] == nil }) {
            let now = try await host.read { $0.lastTimestamp }
            let usd: (Int64) -> Int64 = { $0 * 1_000_000 }
            let declared = DeclaredFigures(netWorthFiat: usd(6_000_000), netWorthNonFiat: usd(1_000_000), liquidFiat: usd(4_000_000),
                                           liquidNonFiat: usd(1_000_000), annualIncome: usd(800_000), liabilities: usd(500_000), asOf: max(0, now))
            for command: FinancingCommand in [
                .setClient(account: id, agreement: "SMA-DEMO-0001", relatedGroup: nil, annualRate: 7_500_000, settlement: .capitalise,
                           securitiesMarginLoans: 0, by: "maya"),
                .brokerCapital(fiat: usd(50_000_000), securities: usd(10_000_000), virtualAssets: usd(5_000_000), by: "olivia"),
                .collateralPrice(asset: "0700.HK", price: usd(50)),
            ] { _ = try await host.submit(.financing(command)) }
            // The credit limit, maker and checker (REG-4): maya proposes, chen approves.
            let change = StaffChange.creditLimit(account: id, declared: declared, limit: usd(1_000_000), reviewDueAt: max(0, now) + 365 * 86_400_000)
            _ = try await host.submit(.compliance(.propose(requestId: "demo-credit-alice", by: "maya", reason: "demo margin client", change: change)))
            _ = try await host.submit(.compliance(.approve(requestId: "demo-credit-alice", by: "chen")))
            _ = try await host.submit(.deposit(account: id, asset: "0700.HK", amount: 1_000))
        }
        guard try await host.read({ $0.loanBook!.loans(of: id).isEmpty }) else { return }
        try await priceCollateral(host: host)
        _ = try await host.submit(.financing(.openLoan(account: id)))
        guard let loan = try await host.read({ $0.loanBook!.loans(of: id).first?.id.raw }) else { return }
        for command: FinancingCommand in [
            .pledge(account: id, loan: loan, asset: "BTC", quantity: 100_000_000),
            .pledge(account: id, loan: loan, asset: "0700.HK", quantity: 1_000),
            .drawdown(account: id, loan: loan, amount: 20_000 * 1_000_000),
        ] { _ = try await host.submit(.financing(command)) }
    }

    /// BTC and ETH are valued at the index: give the index its first prices (two sources at
    /// the mark, or the demo's start price) if the feed has not yet.
    private static func priceCollateral(host: VenueHost) async throws {
        for (symbol, start) in [("BTC-PERP", Int64(600_000)), ("ETH-PERP", Int64(300_000))] {
            guard let inst = try await host.read({ $0.instrumentID(symbol: symbol) }) else { continue }
            let (priced, mark, sources) = try await host.read { engine in
                (engine.loanBook!.prices[engine.spec(inst).underlying] != nil, engine.marks[Int(inst.index)],
                 engine.pricingParameters(inst).sources.map(\.name))
            }
            guard !priced else { continue }
            for source in sources.prefix(2) {
                _ = try await host.submit(.indexPrice(instrument: inst, source: source, price: mark > 0 ? mark : start))
            }
        }
    }
}
