import HarbourCore

/// JSON of the platform risk events (RISK-4 ranks, RISK-6 alerts, stress tests and
/// metrics), in the `harbour replay` style. Fractions are decimal strings ("0.25").
extension EventEncoder {
    static func encodeRisk(_ event: Event, seq: Int64, engine: Engine, into w: inout JSONLine) {
        func sym(_ i: InstrumentID) -> String { engine.spec(i).symbol }
        func sz(_ i: InstrumentID, _ q: Int64) -> String { engine.spec(i).sizeString(q) }
        func money(_ m: Int64) -> String { FixedDecimal.format(m, scale: engine.config.settlementAsset.scale) }
        switch event {
        case let .riskAlert(a):
            w.str("type", "riskAlert"); w.int("seq", seq); w.str("kind", a.kind.name)
            w.str("state", a.raised ? "raised" : "cleared")
            if let i = a.instrument { w.str("symbol", sym(i)) }
            if let acct = a.account { w.str("account", engine.accountName(acct)) }
            w.str("threshold", rateString(a.threshold)); w.str("value", rateString(a.value))
            switch a.evidence {
            case let .volatility(v, addOn, samples):
                w.str("volatility", rateString(v)); w.str("marginAddOn", rateString(addOn)); w.int("samples", samples)
            case let .concentration(position, oi):
                let i = a.instrument!
                w.str("position", sz(i, position)); w.str("openInterest", sz(i, oi))
            case let .openInterest(oi, cap):
                let i = a.instrument!
                w.str("openInterest", sz(i, oi)); w.str("cap", sz(i, cap))
            case let .insuranceCoverage(shock, shortfall, fund, n):
                w.str("scenario", rateString(shock)); w.str("shortfall", money(shortfall))
                w.str("insuranceFund", money(fund)); w.int("accountsInShortfall", Int64(n))
            }
        case let .stressTest(r):
            w.str("type", "stressTest"); w.int("seq", seq); w.str("scenario", rateString(r.shock))
            w.str("shortfall", money(r.shortfall)); w.str("insuranceFund", money(r.insuranceFund))
            w.str("uncovered", money(r.uncovered)); w.int("accountsInShortfall", Int64(r.accountsInShortfall))
        case let .riskMetrics(m):
            w.str("type", "riskMetrics"); w.int("seq", seq); w.str("symbol", sym(m.instrument))
            w.str("volatility", rateString(m.volatility)); w.str("marginAddOn", rateString(m.marginAddOn))
            w.str("openInterest", sz(m.instrument, m.openInterest)); w.int("samples", m.samples)
        case let .adlRank(account, instrument, rank):
            w.str("type", "adlRank"); w.int("seq", seq); w.str("account", engine.accountName(account))
            w.str("symbol", sym(instrument)); w.int("rank", Int64(rank))
        case let .insuranceFund(balance):
            w.str("type", "insuranceFund"); w.int("seq", seq); w.str("asset", engine.config.settlementAsset.code)
            w.str("balance", money(balance))
        default:
            break
        }
    }
}
