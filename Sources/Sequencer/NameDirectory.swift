import Engine
import HarbourCore
import Synchronization

/// A thread-safe copy of the names the engine knows (accounts, symbols, specs), kept up
/// to date by the engine thread as accounts open. Account ids never change once given,
/// so a request decoded against it names the same account the engine will see.
public final class NameDirectory: CommandNames, Sendable {
    public let config: VenueConfig
    private let accounts: Mutex<[String: AccountID]>
    private let symbols: [String: InstrumentID]
    /// Perpetuals then spot markets, by instrument id.
    private let markets: [InstrumentSpec]

    init(engine: Engine) {
        config = engine.config
        var names: [String: AccountID] = [:]
        for i in 0..<engine.accountCount {
            let id = AccountID(UInt32(i))
            names[engine.accountName(id)] = id
        }
        accounts = Mutex(names)
        var s: [String: InstrumentID] = [:]
        for (i, spec) in engine.config.markets.enumerated() { s[spec.symbol] = InstrumentID(UInt16(i)) }
        symbols = s
        markets = engine.config.markets
    }

    func opened(_ name: String, _ id: AccountID) { accounts.withLock { $0[name] = id } }

    public func accountID(named name: String) -> AccountID? { accounts.withLock { $0[name] } }
    public func instrumentID(symbol: String) -> InstrumentID? { symbols[symbol] }
    public func spec(_ id: InstrumentID) -> InstrumentSpec { markets[Int(id.index)] }
}
