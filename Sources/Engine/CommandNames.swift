import HarbourCore

/// What decoding a command needs to know: account names, symbols, contract specs and the
/// venue configuration. The engine answers it on its own thread; the sequencer keeps a
/// thread-safe copy (`NameDirectory`) so the gateway decodes requests without a trip
/// through the engine thread.
public protocol CommandNames {
    var config: VenueConfig { get }
    func accountID(named name: String) -> AccountID?
    func instrumentID(symbol: String) -> InstrumentID?
    func spec(_ id: InstrumentID) -> InstrumentSpec
}

extension Engine: CommandNames {}
