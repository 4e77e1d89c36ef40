import Engine
import HarbourCore
import ReadModel
import Surveillance

/// REG-3 `mm-obligations` (MM-4): per affiliated market maker × contract × business day in the
/// window, the required presence, the measured presence (firm two-way quotes over continuous
/// trading, % of integer milliseconds, rounded down to 0.01 %), whether it was met, and the
/// activity share — the market maker's traded notional over the contract's in that day, exact
/// sums, share rounded down to 0.01 %; and the re-quote duty after volatility interruptions
/// (`requoteAfterInterruptionMs`): resumptions that day, re-quotes met and missed, the worst
/// met re-quote time in ms. The days are business days at the report's offset
/// (HKT by default); the day still running is listed as of the report's time, `complete = no`.
enum MarketMakerObligationsReport {
    static let name = "mm-obligations"
    static let columns = ["date", "account", "symbol", "complete", "tradingMs", "presentMs", "presencePercent", "requiredPercent", "met",
                          "mmTrades", "mmQuantity", "mmNotional", "contractTrades", "contractQuantity", "contractNotional",
                          "activitySharePercent", "interruptions", "requotesMet", "requotesMissed", "worstRequoteMs"]

    static func table(_ days: [MarketMakerBusinessDay], engine: Engine, day: BusinessDay) -> ReportTable {
        let listed = days.filter { $0.presence.fromMs < day.toTs && $0.presence.toMs > day.fromTs }
            .sorted { ($0.presence.fromMs, $0.account, $0.symbol) < ($1.presence.fromMs, $1.account, $1.symbol) }
        let rows = listed.map { row($0, spec: engine.instrumentID(symbol: $0.symbol).map(engine.spec)) }
        let owing = listed.filter { $0.presence.tradingMs > 0 }
        let summary: [ReportTable.Figure] = [
            .init("marketMakerDays", String(listed.count)),
            .init("met", String(owing.filter(\.presence.met).count)),
            .init("missed", String(owing.filter { !$0.presence.met }.count)),
            .init("requotesMissed", String(listed.reduce(Int64(0)) { $0 + $1.requotes.missed })),
            .init("incompleteDays", String(listed.filter { !$0.complete }.count)),
            .init("businessDayUtcOffsetMinutes", String(day.utcOffsetMinutes)),
        ]
        return ReportTable(name: name, title: "Market-maker obligations (presence) and activity share", day: day,
                           columns: columns, rows: rows, summary: summary, charts: chart(listed, day: day),
                           notes: notes(day))
    }

    static func row(_ mm: MarketMakerBusinessDay, spec: InstrumentSpec?) -> [String] {
        let sizeScale = spec?.sizeScale.decimals ?? 0, notionalScale = sizeScale + (spec?.priceScale.decimals ?? 0)
        let mmNotional = DecimalText(mantissa: mm.marketMaker.notional, scale: notionalScale)
        let contractNotional = DecimalText(mantissa: mm.contract.notional, scale: notionalScale)
        let owes = mm.presence.tradingMs > 0
        return [mm.date, mm.account, mm.symbol, mm.complete ? "yes" : "no",
                String(mm.presence.tradingMs), String(mm.presence.presentMs),
                owes ? percent(mm.presence.presenceBps) : "", percent(mm.minPresenceBps),
                owes ? (mm.presence.met ? "yes" : "no") : "n/a",
                String(mm.marketMaker.trades), DecimalText(mantissa: Int128(mm.marketMaker.quantity), scale: sizeScale).description,
                mmNotional.description, String(mm.contract.trades),
                DecimalText(mantissa: Int128(mm.contract.quantity), scale: sizeScale).description, contractNotional.description,
                share(mm.marketMaker.notional, of: mm.contract.notional).map(percent) ?? "",
                String(mm.requotes.interruptions), String(mm.requotes.met), String(mm.requotes.missed),
                mm.requotes.worstRequoteMs.map { String($0) } ?? ""]
    }

    /// `part / whole` in basis points, rounded down; nil when nothing traded (or beyond 128 bits).
    static func share(_ part: Int128, of whole: Int128) -> Int64? {
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 10_000)
        guard whole > 0, !overflow else { return nil }
        return Int64(scaled / whole)
    }

    /// Basis points as a percentage with two decimals, exactly ("50.00").
    static func percent(_ bps: Int64) -> String {
        let whole = bps / 100, hundredths = abs(bps % 100)
        return (bps < 0 && whole == 0 ? "-" : "") + "\(whole)." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }

    /// Presence % per market maker and contract, one step per business day.
    static func chart(_ days: [MarketMakerBusinessDay], day: BusinessDay) -> [ReportChart] {
        let keys = Array(Set(days.map { $0.account + " " + $0.symbol })).sorted()
        guard !keys.isEmpty else { return [] }
        let series = keys.map { key in
            ReportChart.Series(key, days.filter { $0.account + " " + $0.symbol == key && $0.presence.tradingMs > 0 }
                .map { ReportChart.Point(max($0.presence.fromMs, day.fromTs), percent($0.presence.presenceBps)) })
        }
        return [ReportChart(title: "Presence % per market maker and contract (business days)", series: series,
                            fromTs: day.fromTs, toTs: day.toTs)]
    }

    static func notes(_ day: BusinessDay) -> [String] {
        let hours = day.utcOffsetMinutes / 60, minutes = abs(day.utcOffsetMinutes % 60)
        let zone = "UTC\(day.utcOffsetMinutes < 0 ? "-" : "+")\(abs(hours) < 10 ? "0" : "")\(abs(hours)):\(minutes < 10 ? "0" : "")\(minutes)"
        return ["Days are business days, local midnight to midnight at \(zone) (the report's window); the obligations-breach "
                + "alerts and GET /v1/compliance/market-makers/obligations keep UTC days.",
                "presencePercent = presentMs / tradingMs (firm two-way quotes within the terms over continuous trading time), "
                + "rounded down to 0.01 %; met compares the integer milliseconds exactly; a day without continuous trading owes nothing (n/a).",
                "activitySharePercent = mmNotional / contractNotional, rounded down to 0.01 %: trades in which the market maker "
                + "was maker or taker, each once; notional = price × quantity, exact.",
                "interruptions counts the times continuous trading resumed after a volatility interruption (the engine's "
                + "guard, not an operator's cancel-only) that day; requotesMet / requotesMissed count the re-quote clocks decided "
                + "that day (a firm two-way quote within the terms by requoteAfterInterruptionMs, or the deadline passed: an alert); "
                + "worstRequoteMs is the longest met re-quote, empty when none.",
                "A day with complete = no is still running: its figures stop at the report's time."]
    }
}
