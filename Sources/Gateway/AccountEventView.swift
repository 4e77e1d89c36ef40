import Engine
import HarbourCore

/// An engine event as one account may see it (MM-3): its own order updates, fills,
/// positions and balances, its liquidation steps, insurance payouts, ADL fills and ADL
/// rank (RISK-4), and nothing of any other account. A trade becomes a `fill` naming only
/// this account's side, an ADL fill names the account's `role` ("liquidated" or
/// "deleveraged"); the counterparty never appears.
struct AccountEventView {
    let specs: [InstrumentSpec]
    let asset: Asset

    func view(_ e: Event, json: String, account: AccountID) -> JSON? {
        switch e {
        case .trade(let t):
            guard t.makerAccount == account || t.takerAccount == account else { return nil }
            let spec = specs[Int(t.instrument.index)]
            let maker = t.makerAccount == account
            let side = maker ? t.takerSide.opposite : t.takerSide
            return .object([
                ("type", "fill"), ("symbol", .string(spec.symbol)),
                ("orderId", .int(maker ? t.makerOrderId : t.takerOrderId)), ("side", .string(side.description)),
                ("price", .string(Fmt.price(t.price, spec))), ("qty", .string(Fmt.size(t.quantity, spec))),
                ("fee", .string(Fmt.money(maker ? t.makerFee : t.takerFee, asset))),
                ("liquidity", .string(maker ? "maker" : "taker")),
            ])
        case .accepted(_, let a, _, _), .amended(_, let a, _, _, _, _), .triggered(_, let a, _, _),
             .position(let a, _, _, _, _), .balance(let a, _, _), .leverage(let a, _, _), .marginMode(let a, _, _):
            return a == account ? .raw(json) : nil
        case .rejected(_, let a, _, _):
            return a == account ? .raw(json) : nil
        case .liquidation(let l):
            return l.account == account ? .raw(json) : nil
        case .insurancePayout(let a, _), .adlRank(let a, _, _):
            return a == account ? .raw(json) : nil
        case let .adl(bankrupt, counterparty, instrument, quantity, price):
            guard bankrupt == account || counterparty == account else { return nil }
            let spec = specs[Int(instrument.index)]
            return .object([
                ("type", "adl"), ("symbol", .string(spec.symbol)), ("qty", .string(Fmt.size(quantity, spec))),
                ("price", .string(Fmt.price(price, spec))), ("role", .string(bankrupt == account ? "liquidated" : "deleveraged")),
            ])
        case .canceled(let end), .expired(let end):
            return end.account == account ? .raw(json) : nil
        // PI-1..3: the client's own status changes, without staff names or evidence.
        case .compliance(.disclosureAcknowledged(let a, _, _)), .compliance(.financingDisclosureAcknowledged(let a, _)),
             .compliance(.finalSettlement(let a, _, _, _)),
             .compliance(.classificationExpiring(let a, _)),
             .compliance(.classificationLapsed(let a, _)), .compliance(.leverageCapSet(let a, _, _)):
            return a == account ? .raw(json) : nil
        case .compliance(.classified(let a, let c)):
            guard a == account else { return nil }
            return .object([("type", "classified"), ("investorKind", .string(c.kind.rawValue)),
                            ("assessedAt", .int(c.assessedAt)), ("expiresAt", .int(c.expiresAt))])
        // FIN-1..6: the client's own loans, collateral, notices and forced sales.
        case .financing(.loanOpened(_, let a)), .financing(.collateralPledged(_, let a, _, _, _)), .financing(.collateralReleased(_, let a, _, _, _)),
             .financing(.loanDrawn(_, let a, _, _)), .financing(.loanRepaid(_, let a, _, _, _)),
             .financing(.forcedSaleOrder(_, _, let a, _, _, _, _, _, _)):
            return a == account ? .raw(json) : nil
        case .financing(.notice(let n)):
            return n.account == account ? .raw(json) : nil
        default:
            return nil
        }
    }
}
