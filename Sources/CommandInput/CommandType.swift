/// The command types a request can name (the replay `type` field,
/// ../shared/REPLAY-FORMAT.md and docs/REPLAY.md); the raw value is that name.
public enum CommandType: String, Sendable, CaseIterable {
    case openAccount, deposit, withdraw, setLeverage, setMarginMode, placeOrder, amendOrder, cancelOrder,
         cancelAll, markPrice, setInstrumentStatus, indexPrice, tick, insuranceDeposit
}
