import HarbourCore
import Risk

/// JSON of the pricing events (PRICE-1..4), in the `harbour replay` style.
extension EventEncoder {
    static func rateString(_ r: Rate) -> String { FixedDecimal.format(r.raw, scale: Rate.scale) }

    static func encodePricing(_ event: Event, seq: Int64, engine: Engine, into w: inout JSONLine) {
        func sym(_ i: InstrumentID) -> String { engine.spec(i).symbol }
        func px(_ i: InstrumentID, _ p: Int64) -> String { engine.spec(i).priceString(p) }
        func money(_ m: Int64) -> String { FixedDecimal.format(m, scale: engine.config.settlementAsset.scale) }
        func quoted(_ s: String) -> String { var o = ""; JSONLine.escape(s, into: &o); return o }
        switch event {
        case let .index(i, r):
            w.str("type", "index"); w.int("seq", seq); w.str("symbol", sym(i))
            if let p = r.price { w.str("price", px(i, p.raw)) } else { w.raw("price", "null") }
            w.str("status", r.status == .ok ? "ok" : "degraded")
            var used: [String] = [], excluded: [String] = []
            for s in r.sources {
                switch s.status {
                case .used: used.append(quoted(s.name))
                case .noData: excluded.append("{\"source\":\(quoted(s.name)),\"reason\":\"noData\"}")
                case .stale(let age):
                    excluded.append("{\"source\":\(quoted(s.name)),\"reason\":\"stale\",\"price\":\(quoted(px(i, s.price?.raw ?? 0))),\"ageMs\":\(age)}")
                case .deviating(let d, let m):
                    excluded.append("{\"source\":\(quoted(s.name)),\"reason\":\"deviating\",\"price\":\(quoted(px(i, s.price?.raw ?? 0))),\"deviation\":\(quoted(rateString(d))),\"medianOfOthers\":\(quoted(px(i, m.raw)))}")
                }
            }
            w.raw("used", "[" + used.joined(separator: ",") + "]")
            w.raw("excluded", "[" + excluded.joined(separator: ",") + "]")
        case let .markComponents(i, c):
            w.str("type", "markComponents"); w.int("seq", seq); w.str("symbol", sym(i))
            w.str("index", px(i, c.index.raw)); w.str("basisAverage", px(i, c.basisAverage.raw))
            w.str("basisApplied", px(i, c.basisApplied.raw)); w.raw("clamped", c.clamped ? "true" : "false")
            w.int("samples", Int64(c.sampleCount)); w.str("mark", px(i, c.mark.raw))
        case let .funding(f):
            let i = f.instrument
            func list(_ ps: [FundingPayment]) -> String {
                "[" + ps.map {
                    "{\"account\":\(quoted(engine.accountName($0.account))),\"size\":\(quoted(engine.spec(i).sizeString($0.position))),\"amount\":\(quoted(money($0.amount)))}"
                }.joined(separator: ",") + "]"
            }
            w.str("type", "funding"); w.int("seq", seq); w.str("symbol", sym(i))
            w.str("rate", rateString(f.rate)); w.str("premium", rateString(f.premium)); w.str("interest", rateString(f.interest))
            w.int("premiumSamples", f.premiumSamples); w.str("mark", px(i, f.mark)); w.int("fundingTime", f.fundingTime)
            w.raw("payers", list(f.payers)); w.raw("receivers", list(f.receivers)); w.str("residue", money(f.residue))
        case let .volatilityInterruption(v):
            w.str("type", "volatilityInterruption"); w.int("seq", seq); w.str("symbol", sym(v.instrument))
            w.str("from", px(v.instrument, v.from)); w.str("to", px(v.instrument, v.to)); w.str("move", rateString(v.move))
            w.int("until", v.untilMs)
        case let .volatilityResumed(i):
            w.str("type", "volatilityResumed"); w.int("seq", seq); w.str("symbol", sym(i))
        default:
            break
        }
    }
}
