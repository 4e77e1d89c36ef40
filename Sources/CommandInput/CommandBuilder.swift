import HarbourCore
import Matching
import Engine

/// Turns typed request fields (`CommandFields`) into an engine `Command`, checking every
/// field by its row of `CommandFieldTable` and resolving account names and symbols
/// against the engine's directory. `/v1`, WebSocket, `/fapi` and replay all build their
/// commands here, so the same order is the same `Command` whichever way it came
/// (DECISIONS 31). A bad field is a `Rejection` naming it, with a stable code.
public struct CommandBuilder {
    public let names: any CommandNames

    public init(names: any CommandNames) {
        self.names = names
    }

    /// The command of `type` from `fields`; fields the command does not take are ignored
    /// (the HTTP entry points refuse them before, by the same table).
    public func build(_ type: CommandType, _ fields: CommandFields) throws(Rejection) -> Command {
        let reader = FieldReader(fields: fields, names: names)
        switch type {
        case .openAccount:
            return .openAccount(name: try reader.string("account"), group: try reader.optionalString("group"),
                                feeTier: try reader.optionalString("feeTier"))
        case .deposit, .withdraw:
            let account = try reader.account()
            let asset = try reader.heldAsset()
            let amount = try reader.decimal("amount", asset.scale, offScale: .invalidAmount)
            return type == .deposit ? .deposit(account: account, asset: asset.code, amount: amount)
                : .withdraw(account: account, asset: asset.code, amount: amount)
        case .setLeverage:
            let account = try reader.account(), (instrument, _) = try reader.instrument()
            let text = try reader.stringOrInt("leverage")
            let rule = CommandFieldTable.rule("leverage")
            guard rule.matches(text), let leverage = Int64(text) else { throw rule.refuse(text) }
            return .setLeverage(account: account, instrument: instrument, leverage: leverage)
        case .setMarginMode:
            let account = try reader.account(), (instrument, _) = try reader.instrument()
            let mode = try reader.enumerated("marginMode")
            return .setMarginMode(account: account, instrument: instrument, isolated: mode == "isolated")
        case .placeOrder:
            return .placeOrder(try placeOrder(reader))
        case .amendOrder:
            let account = try reader.account(), (instrument, spec) = try reader.instrument()
            let order = try reader.orderRef()
            let price = fields["price"] != nil ? try reader.decimal("price", spec.priceScale, offScale: .priceOffTick) : nil
            let quantity = fields["qty"] != nil ? try reader.decimal("qty", spec.sizeScale, offScale: .quantityOffLot) : nil
            return .amendOrder(account: account, instrument: instrument, order: order, price: price, quantity: quantity)
        case .cancelOrder:
            let account = try reader.account(), (instrument, _) = try reader.instrument()
            return .cancelOrder(account: account, instrument: instrument, order: try reader.orderRef())
        case .cancelAll:
            let account = try reader.account()
            let instrument = fields["symbol"] != nil ? try reader.instrument().0 : nil
            return .cancelAll(account: account, instrument: instrument)
        case .markPrice:
            let (instrument, spec) = try reader.instrument()
            return .markPrice(instrument: instrument, price: try reader.decimal("price", spec.priceScale, offScale: .priceOffTick))
        case .setInstrumentStatus:
            let (instrument, _) = try reader.instrument()
            let status = try reader.enumerated("status")
            return .setInstrumentStatus(instrument: instrument, status: InstrumentStatus(name: status)!)
        case .indexPrice:
            let (instrument, spec) = try reader.instrument()
            let source = try reader.string("source")
            return .indexPrice(instrument: instrument, source: source,
                               price: try reader.decimal("price", spec.priceScale, offScale: .priceOffTick))
        case .tick:
            return .tick
        case .insuranceDeposit:
            let asset = try reader.settlementAsset()
            return .insuranceDeposit(asset: asset,
                                     amount: try reader.decimal("amount", names.config.settlementAsset.scale, offScale: .invalidAmount))
        case .recordEvidence, .proposeClassification, .proposeLeverageCap, .proposeOwnerNotionalCap, .proposeMarketMaker,
             .approveRequest, .rejectRequest, .recordKnowledgeAssessment, .acknowledgeDisclosure, .publishDisclosure,
             .proposeProductApproval, .proposeDelisting, .proposeWithdrawal, .proposeRiskParameters:
            return try buildCompliance(type, reader)
        case .financingClient, .creditAssessment, .loanOpen, .collateralPledge, .collateralRelease, .loanDrawdown, .loanRepay,
             .collateralPrice, .brokerCapital, .forcedSaleFill, .proposeCreditLimit, .proposeHaircut, .proposeFinancingLimits:
            return try buildFinancing(type, reader)
        }
    }

    /// A new order (PERP-2): the order type decides which of price, stopPrice and trigger
    /// it takes, and the default time in force (IOC for market kinds).
    func placeOrder(_ reader: FieldReader) throws(Rejection) -> PlaceOrder {
        let account = try reader.account(), (instrument, spec) = try reader.instrument()
        let side: Side = try reader.enumerated("side") == "buy" ? .buy : .sell
        let orderType = OrderType(name: try reader.enumerated("orderType"))!
        var timeInForce = TimeInForce.gtc
        if let name = try reader.optionalEnumerated("timeInForce") {
            timeInForce = TimeInForce(name: name)!
        } else if orderType == .market || orderType == .stopMarket || orderType == .takeProfitMarket {
            timeInForce = .ioc
        }
        let quantity = try reader.decimal("qty", spec.sizeScale, offScale: .quantityOffLot)
        var price: Int64 = 0
        if orderType.hasLimitPrice {
            guard reader.fields["price"] != nil else { throw Rejection(.missingPrice, "\(orderType.name) orders need a price") }
            price = try reader.decimal("price", spec.priceScale, offScale: .priceOffTick)
        }
        var stopPrice: Int64 = 0
        // A spot market has no mark price: its stops trigger on the last trade by default.
        var trigger: TriggerSource = names.config.spotMarket(instrument) == nil ? .mark : .last
        if orderType.isConditional {
            guard reader.fields["stopPrice"] != nil else { throw Rejection(.missingStopPrice, "\(orderType.name) orders need a stopPrice") }
            stopPrice = try reader.decimal("stopPrice", spec.priceScale, offScale: .priceOffTick)
            if let name = try reader.optionalEnumerated("trigger") { trigger = TriggerSource(name: name)! }
        }
        let stp = try reader.optionalEnumerated("stp").map { SelfTradePrevention(name: $0)! } ?? .expireTaker
        return PlaceOrder(account: account, instrument: instrument, side: side, type: orderType, timeInForce: timeInForce,
                          price: price, quantity: quantity, stopPrice: stopPrice, trigger: trigger,
                          reduceOnly: try reader.bool("reduceOnly"), stp: stp, clientOrderId: try reader.clientOrderId())
    }
}
