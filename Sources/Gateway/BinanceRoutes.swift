import CommandInput
import Engine
import Foundation
import HarbourCore
import Hummingbird
import Matching
import Sequencer

/// The `/fapi` routes (see `BinanceCompat.swift`). Public market data is open and
/// rate-limited per IP; account routes need a Binance-style signature with a client or
/// market-maker key, like `/v1`. Orders become the same engine commands as `POST /v1/orders`.
extension GatewayCore {
    func addBinanceRoutes(_ router: Router<GatewayRequestContext>) {
        // Only /fapi paths: unknown ones get a Binance error instead of the native 404.
        router.add(middleware: BinanceFallbackMiddleware())
        let auth = BinanceAuthenticator(keys: keys, clock: clock)
        let activity = BinanceActivity(host: host)
        addBinancePublicRoutes(router, auth)
        addBinanceAccountRoutes(router, auth, activity)
        addBinanceOrderRoutes(router, auth, activity)
    }

    // MARK: - Market data

    func addBinancePublicRoutes(_ router: Router<GatewayRequestContext>, _ auth: BinanceAuthenticator) {
        fapi(router, .get, "/fapi/v1/ping", .open, auth) { call in
            try call.allowOnly([])
            return .object([])
        }
        fapi(router, .get, "/fapi/v1/time", .open, auth) { [self] call in
            try call.allowOnly([])
            return .object([("serverTime", .int(clock.nowMillis()))])
        }
        fapi(router, .get, "/fapi/v1/exchangeInfo", .open, auth) { [self] call in
            try call.allowOnly([])
            // The specs in force: risk-limit versions change leverage and tiers while the venue runs.
            let (statuses, live) = try await host.read { ($0.statuses, $0.perpetualSpecs) }
            return .object([
                ("timezone", "UTC"), ("serverTime", .int(clock.nowMillis())), ("futuresType", "U_MARGINED"),
                ("rateLimits", .array([])), ("exchangeFilters", .array([])),
                ("assets", .array([.object([("asset", .string(BinanceNames.asset)), ("marginAvailable", true), ("autoAssetExchange", "0")])])),
                ("symbols", .array(live.enumerated().map { i, s in binanceSymbolInfo(s, status: statuses[i]) })),
            ])
        }
        fapi(router, .get, "/fapi/v1/depth", .open, auth) { [self] call in
            try call.allowOnly(["symbol", "limit"])
            let i = try binanceInstrument(call.params["symbol"])
            let depth = try call.int("limit", default: 500, max: 1000)
            let (seq, bids, asks) = try await host.read { engine in
                let b = engine.book(InstrumentID(UInt16(i)))
                return (engine.commandCount, b.depth(.buy, limit: depth).map { ($0.price, $0.quantity) },
                        b.depth(.sell, limit: depth).map { ($0.price, $0.quantity) })
            }
            let now = clock.nowMillis()
            return .object([("lastUpdateId", .int(seq)), ("E", .int(now)), ("T", .int(now)),
                            ("bids", Fmt.levels(bids, specs[i])), ("asks", Fmt.levels(asks, specs[i]))])
        }
        fapi(router, .get, "/fapi/v1/trades", .open, auth) { [self] call in
            try call.allowOnly(["symbol", "limit"])
            let i = try binanceInstrument(call.params["symbol"])
            let limit = try call.int("limit", default: 500, max: 1000)
            let s = specs[i]
            return .array(try await binancePublicTrades(i).suffix(limit).map { id, t in
                .object([("id", .int(id)), ("price", .string(Fmt.price(t.price, s))), ("qty", .string(Fmt.size(t.quantity, s))),
                         ("quoteQty", .string(BinanceMath.money(Int128(t.price) * Int128(t.quantity) * Int128(s.productToAsset), asset))),
                         ("time", .int(t.timestamp)), ("isBuyerMaker", .bool(t.takerSide == .sell))])
            })
        }
        fapi(router, .get, "/fapi/v1/aggTrades", .open, auth) { [self] call in
            try call.allowOnly(["symbol", "limit", "fromId", "startTime", "endTime"])
            let i = try binanceInstrument(call.params["symbol"])
            let limit = try call.int("limit", default: 500, max: 1000)
            let fromId = try call.int64("fromId"), start = try call.int64("startTime"), end = try call.int64("endTime")
            let s = specs[i]
            var rows = try await binancePublicTrades(i).filter { id, t in
                (fromId.map { id >= $0 } ?? true) && (start.map { t.timestamp >= $0 } ?? true) && (end.map { t.timestamp <= $0 } ?? true)
            }
            rows = fromId == nil && start == nil ? Array(rows.suffix(limit)) : Array(rows.prefix(limit))
            // Each fill is its own aggregate (first id = last id = the trade's id).
            return .array(rows.map { id, t in
                .object([("a", .int(id)), ("p", .string(Fmt.price(t.price, s))), ("q", .string(Fmt.size(t.quantity, s))),
                         ("f", .int(id)), ("l", .int(id)), ("T", .int(t.timestamp)), ("m", .bool(t.takerSide == .sell))])
            })
        }
        fapi(router, .get, "/fapi/v1/ticker/24hr", .open, auth) { [self] call in
            try call.allowOnly(["symbol"])
            if let symbol = call.params["symbol"] { return try await binanceTicker(try binanceInstrument(symbol)) }
            var all: [JSON] = []
            for i in specs.indices { all.append(try await binanceTicker(i)) }
            return .array(all)
        }
        fapi(router, .get, "/fapi/v1/ticker/bookTicker", .open, auth) { [self] call in
            try call.allowOnly(["symbol"])
            let only = try call.params["symbol"].map { s throws(BinanceError) in try binanceInstrument(s) }
            let specs = self.specs
            let rows = try await host.read { engine in
                specs.indices.filter { only == nil || only == $0 }.map { i -> (Int, BookLevelPair) in
                    let b = engine.book(InstrumentID(UInt16(i)))
                    return (i, BookLevelPair(bid: b.depth(.buy, limit: 1).first.map { ($0.price, $0.quantity) },
                                             ask: b.depth(.sell, limit: 1).first.map { ($0.price, $0.quantity) }))
                }
            }
            let now = clock.nowMillis()
            let out = rows.map { i, l -> JSON in
                let s = specs[i]
                return .object([("symbol", .string(BinanceNames.symbol(s))),
                                ("bidPrice", .string(l.bid.map { Fmt.price($0.0, s) } ?? "0")), ("bidQty", .string(l.bid.map { Fmt.size($0.1, s) } ?? "0")),
                                ("askPrice", .string(l.ask.map { Fmt.price($0.0, s) } ?? "0")), ("askQty", .string(l.ask.map { Fmt.size($0.1, s) } ?? "0")),
                                ("time", .int(now))])
            }
            return only == nil ? .array(out) : out[0]
        }
        fapi(router, .get, "/fapi/v1/premiumIndex", .open, auth) { [self] call in
            try call.allowOnly(["symbol"])
            if let symbol = call.params["symbol"] { return try await binancePremium(try binanceInstrument(symbol)) }
            var all: [JSON] = []
            for i in specs.indices { all.append(try await binancePremium(i)) }
            return .array(all)
        }
        fapi(router, .get, "/fapi/v1/fundingRate", .open, auth) { [self] call in
            try call.allowOnly(["symbol", "limit", "startTime", "endTime"])
            let i = try binanceInstrument(call.params["symbol"])
            let limit = try call.int("limit", default: 100, max: 1000)
            let start = try call.int64("startTime"), end = try call.int64("endTime")
            let rows = try await history.fundingHistory(symbol: specs[i].symbol, limit: 1000)
                .filter { r in (start.map { r.fundingTime >= $0 } ?? true) && (end.map { r.fundingTime <= $0 } ?? true) }
                .sorted { $0.fundingTime < $1.fundingTime }
            return .array(rows.suffix(limit).map { r in
                .object([("symbol", .string(BinanceNames.symbol(specs[i]))), ("fundingRate", .string(r.rate)),
                         ("fundingTime", .int(r.fundingTime)), ("markPrice", .string(r.markPrice))])
            })
        }
    }

    struct BookLevelPair: Sendable {
        let bid: (Int64, Int64)?
        let ask: (Int64, Int64)?
    }

    func binanceSymbolInfo(_ s: InstrumentSpec, status: InstrumentStatus) -> JSON {
        let band = s.priceBand.raw
        let tick: JSON = .string(Fmt.price(s.tickSize, s))
        let minQty: JSON = .string(Fmt.size(s.minQuantity, s)), maxQty: JSON = .string(Fmt.size(s.maxQuantity, s))
        let step: JSON = .string(Fmt.size(s.lotSize, s))
        let priceFilter: JSON = .object([("filterType", "PRICE_FILTER"), ("minPrice", tick), ("maxPrice", .string(Fmt.price(s.maxPrice, s))), ("tickSize", tick)])
        let lot: JSON = .object([("filterType", "LOT_SIZE"), ("minQty", minQty), ("maxQty", maxQty), ("stepSize", step)])
        let marketLot: JSON = .object([("filterType", "MARKET_LOT_SIZE"), ("minQty", minQty), ("maxQty", maxQty), ("stepSize", step)])
        let maxOrders: JSON = .object([("filterType", "MAX_NUM_ORDERS"), ("limit", .int(Int64(s.maxOpenOrders)))])
        let up: JSON = .string(Rate(raw: Rate.one.raw + band).formatted), down: JSON = .string(Rate(raw: Rate.one.raw - band).formatted)
        let percent: JSON = .object([("filterType", "PERCENT_PRICE"), ("multiplierUp", up), ("multiplierDown", down), ("multiplierDecimal", "8")])
        let symbol: JSON = .string(BinanceNames.symbol(s))
        let maint: JSON = .string(BinanceMath.ratio(Int128(s.tiers[0].maintenanceRate.raw) * 100, Int128(Rate.one.raw), decimals: 4))
        let required: JSON = .string(BinanceMath.ratio(100, Int128(s.maxLeverage), decimals: 4))
        var fields: [(String, JSON)] = [
            ("symbol", symbol), ("pair", symbol), ("contractType", "PERPETUAL"), ("deliveryDate", .int(4_133_404_800_000)),
            ("status", .string(BinanceNames.status(status))), ("baseAsset", .string(s.underlying)),
            ("quoteAsset", .string(BinanceNames.asset)), ("marginAsset", .string(BinanceNames.asset)),
        ]
        fields += [
            ("pricePrecision", .int(Int64(s.priceScale.decimals))), ("quantityPrecision", .int(Int64(s.sizeScale.decimals))),
            ("baseAssetPrecision", .int(Int64(s.sizeScale.decimals))), ("quotePrecision", .int(Int64(s.settlementAsset.scale.decimals))),
            ("underlyingType", "COIN"), ("harbourSymbol", .string(s.symbol)), ("maintMarginPercent", maint),
            ("requiredMarginPercent", required), ("marketTakeBound", .string(s.marketProtection.formatted)),
        ]
        fields += [
            ("filters", .array([priceFilter, lot, marketLot, maxOrders, percent])),
            ("orderTypes", .array(["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"])),
            ("timeInForce", .array(["GTC", "IOC", "FOK", "GTX"])),
        ]
        return .object(fields)
    }

    /// Recent public trades of an instrument, oldest first, with their compat ids.
    func binancePublicTrades(_ i: Int) async throws -> [(Int64, MarketDataHub.PublicTrade)] {
        await hub.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
        var out: [(Int64, MarketDataHub.PublicTrade)] = []
        var lastSeq: UInt64 = .max, index: Int64 = 0
        for t in hub.recentTrades(i, limit: MarketDataHub.ringSize).reversed() {
            index = t.sequence == lastSeq ? index + 1 : 0
            lastSeq = t.sequence
            out.append((Int64(t.sequence) * BinanceActivity.tradeIdFactor + index, t))
        }
        return out
    }

    func binanceTicker(_ i: Int) async throws -> JSON {
        let inst = InstrumentID(UInt16(i))
        let (bid, ask, last) = try await host.read { engine in
            (engine.book(inst).depth(.buy, limit: 1).first.map { ($0.price, $0.quantity) },
             engine.book(inst).depth(.sell, limit: 1).first.map { ($0.price, $0.quantity) }, engine.lastPrices[i])
        }
        let now = clock.nowMillis()
        let trades = try await binancePublicTrades(i).filter { $0.1.timestamp >= now - 86_400_000 }
        let s = specs[i]
        var volume: Int64 = 0, cost: Int128 = 0, high: Int64 = 0, low: Int64 = .max
        for (_, t) in trades {
            volume += t.quantity
            cost += Int128(t.price) * Int128(t.quantity)
            high = max(high, t.price)
            low = min(low, t.price)
        }
        let open = trades.first?.1.price ?? last
        let lastPrice = trades.last?.1.price ?? last
        let change = lastPrice - open
        func px(_ v: Int64) -> JSON { .string(Fmt.price(v, s)) }
        func sz(_ v: Int64) -> JSON { .string(Fmt.size(v, s)) }
        let avg: String = volume > 0 ? BinanceMath.ratio(cost, Int128(volume) * Int128(s.priceScale.unit), decimals: s.priceScale.decimals) : "0"
        let pct: String = BinanceMath.ratio(Int128(change) * 100, Int128(open), decimals: 3)
        let quote: String = BinanceMath.money(cost * Int128(s.productToAsset), asset)
        let lastQty: Int64 = trades.last?.1.quantity ?? 0
        let hi: Int64 = trades.isEmpty ? lastPrice : high, lo: Int64 = trades.isEmpty ? lastPrice : low
        let openTime: Int64 = trades.first?.1.timestamp ?? now - 86_400_000
        let firstId: Int64 = trades.first?.0 ?? -1, lastId: Int64 = trades.last?.0 ?? -1
        var fields: [(String, JSON)] = [
            ("symbol", .string(BinanceNames.symbol(s))), ("priceChange", px(change)), ("priceChangePercent", .string(pct)),
            ("weightedAvgPrice", .string(avg)), ("lastPrice", px(lastPrice)), ("lastQty", sz(lastQty)), ("openPrice", px(open)),
        ]
        fields += [("highPrice", px(hi)), ("lowPrice", px(lo)), ("volume", sz(volume)), ("quoteVolume", .string(quote))]
        fields += [("bidPrice", px(bid?.0 ?? 0)), ("bidQty", sz(bid?.1 ?? 0)), ("askPrice", px(ask?.0 ?? 0)), ("askQty", sz(ask?.1 ?? 0))]
        fields += [("openTime", .int(openTime)), ("closeTime", .int(now)), ("firstId", .int(firstId)), ("lastId", .int(lastId)),
                   ("count", .int(Int64(trades.count)))]
        return .object(fields)
    }

    func binancePremium(_ i: Int) async throws -> JSON {
        let inst = InstrumentID(UInt16(i))
        let s = specs[i]
        let (mark, index, next, predicted) = try await host.read {
            ($0.marks[i], $0.indexPrice(inst), $0.nextFundingTime(inst), $0.predictedFundingRate(inst))
        }
        return .object([
            ("symbol", .string(BinanceNames.symbol(s))), ("markPrice", .string(Fmt.price(mark, s))),
            ("indexPrice", .string(Fmt.price(index ?? 0, s))), ("estimatedSettlePrice", .string(Fmt.price(index ?? mark, s))),
            ("lastFundingRate", .string((predicted ?? .zero).formatted)), ("interestRate", "0"),
            ("nextFundingTime", .int(next ?? 0)), ("time", .int(clock.nowMillis())),
        ])
    }

    // MARK: - Account

    func addBinanceAccountRoutes(_ router: Router<GatewayRequestContext>, _ auth: BinanceAuthenticator, _ activity: BinanceActivity) {
        for v in ["v2", "v3"] {
            fapi(router, .get, "/fapi/\(v)/account", .account(.read), auth) { [self] call in
                try call.allowOnly([])
                return try await binanceAccount(try await accountID(try call.account))
            }
            fapi(router, .get, "/fapi/\(v)/balance", .account(.read), auth) { [self] call in
                try call.allowOnly([])
                let t = try await binanceTotals(try await accountID(try call.account))
                return .array([.object([
                    ("accountAlias", "harbour"), ("asset", .string(BinanceNames.asset)), ("balance", .string(t.wallet)),
                    ("crossWalletBalance", .string(t.wallet)), ("crossUnPnl", .string(t.unrealized)),
                    ("availableBalance", .string(t.available)), ("maxWithdrawAmount", .string(t.maxWithdraw)),
                    ("marginAvailable", true), ("updateTime", .int(clock.nowMillis())),
                ])])
            }
            fapi(router, .get, "/fapi/\(v)/positionRisk", .account(.read), auth) { [self] call in
                try call.allowOnly(["symbol"])
                let only = try call.params["symbol"].map { s throws(BinanceError) in try binanceInstrument(s) }
                let rows = try await binancePositions(try await accountID(try call.account), only: only, all: v == "v2")
                return .array(rows)
            }
        }
        fapi(router, .get, "/fapi/v1/leverageBracket", .account(.read), auth) { [self] call in
            try call.allowOnly(["symbol"])
            let only = try call.params["symbol"].map { s throws(BinanceError) in try binanceInstrument(s) }
            let live = try await host.read { $0.perpetualSpecs }
            let rows = live.indices.filter { only == nil || only == $0 }.map { i -> JSON in
                let s = live[i]
                var floor: Int64 = 0
                var brackets: [JSON] = []
                for (n, t) in s.tiers.enumerated() {
                    brackets.append(.object([
                        ("bracket", .int(Int64(n + 1))), ("initialLeverage", .int(t.maxLeverage)),
                        ("notionalCap", .string(Fmt.money(t.notionalCap, asset))), ("notionalFloor", .string(Fmt.money(floor, asset))),
                        ("maintMarginRatio", .string(t.maintenanceRate.formatted)), ("cum", .string(Fmt.money(t.deduction, asset))),
                    ]))
                    floor = t.notionalCap
                }
                return .object([("symbol", .string(BinanceNames.symbol(s))), ("brackets", .array(brackets))])
            }
            return .array(rows)
        }
        fapi(router, .get, "/fapi/v1/positionSide/dual", .account(.read), auth) { call in
            try call.allowOnly([])
            // Harbour has one net position per instrument (Binance "one-way mode").
            return .object([("dualSidePosition", false)])
        }
        fapi(router, .post, "/fapi/v1/leverage", .account(.trade), auth) { [self] call in
            try call.allowOnly(["symbol", "leverage"])
            let i = try binanceInstrument(call.params["symbol"])
            guard let lev = call.params["leverage"] else { throw BinanceError.mandatory("leverage") }
            let command = try await command(.setLeverage, CommandFields(["symbol": .string(specs[i].symbol), "leverage": .string(lev)]), account: try call.account)
            let outcome = try await submit(command)
            if let r = Self.rejection(in: outcome) { throw BinanceError.from(r) }
            let s = try await host.read { $0.spec(InstrumentID(UInt16(i))) }
            return .object([("leverage", .int(Int64(lev) ?? 0)), ("maxNotionalValue", .string(Fmt.money(s.tiers[s.tiers.count - 1].notionalCap, asset))),
                            ("symbol", .string(BinanceNames.symbol(s)))])
        }
        fapi(router, .post, "/fapi/v1/marginType", .account(.trade), auth) { [self] call in
            try call.allowOnly(["symbol", "marginType"])
            let i = try binanceInstrument(call.params["symbol"])
            let mode: String
            switch call.params["marginType"]?.uppercased() {
            case "ISOLATED": mode = "isolated"
            case "CROSSED", "CROSS": mode = "cross"
            case nil: throw BinanceError.mandatory("marginType")
            default: throw BinanceError.invalidValue("marginType", "must be ISOLATED or CROSSED")
            }
            let account = try await accountID(try call.account)
            let isolated = try await host.read { $0.position(account, InstrumentID(UInt16(i))).isolated }
            if isolated == (mode == "isolated") { throw BinanceError(.badRequest, -4046, "No need to change margin type.") }
            let command = try await command(.setMarginMode, CommandFields(["symbol": .string(specs[i].symbol), "marginMode": .string(mode)]),
                                          account: try call.account)
            let outcome = try await submit(command)
            if let r = Self.rejection(in: outcome) { throw BinanceError.from(r) }
            return .object([("code", 200), ("msg", "success")])
        }
    }

    struct BinanceTotals {
        let wallet, unrealized, equity, initial, maintenance, available, maxWithdraw: String
    }

    func binanceTotals(_ account: AccountID) async throws -> BinanceTotals {
        let specs = self.specs, asset = self.asset
        return try await host.read { engine in
            let m = engine.marginSummary(account)
            var pnl: Int128 = 0
            for i in specs.indices {
                let p = engine.position(account, InstrumentID(UInt16(i)))
                let mark = engine.marks[i]
                if p.size != 0 && mark > 0 { pnl += (Int128(p.size) * Int128(mark) - Int128(p.cost)) * Int128(specs[i].productToAsset) }
            }
            let cash = Int128(engine.cash(account))
            return BinanceTotals(wallet: Fmt.money(cash, asset), unrealized: Fmt.money(pnl, asset), equity: Fmt.money(m.equity, asset),
                                 initial: Fmt.money(m.initialRequired, asset), maintenance: Fmt.money(m.maintenanceRequired, asset),
                                 available: Fmt.money(m.available, asset), maxWithdraw: Fmt.money(max(0, min(cash, m.available)), asset))
        }
    }

    func binanceAccount(_ account: AccountID) async throws -> JSON {
        let t = try await binanceTotals(account)
        let now = clock.nowMillis()
        let positions = try await binancePositions(account, only: nil, all: false)
        return .object([
            ("feeTier", 0), ("canTrade", true), ("canDeposit", false), ("canWithdraw", false), ("updateTime", .int(now)),
            ("totalInitialMargin", .string(t.initial)), ("totalMaintMargin", .string(t.maintenance)),
            ("totalWalletBalance", .string(t.wallet)), ("totalUnrealizedProfit", .string(t.unrealized)),
            ("totalMarginBalance", .string(t.equity)), ("totalPositionInitialMargin", .string(t.initial)),
            ("totalOpenOrderInitialMargin", "0"), ("totalCrossWalletBalance", .string(t.wallet)),
            ("totalCrossUnPnl", .string(t.unrealized)), ("availableBalance", .string(t.available)), ("maxWithdrawAmount", .string(t.maxWithdraw)),
            ("assets", .array([.object([
                ("asset", .string(BinanceNames.asset)), ("walletBalance", .string(t.wallet)), ("unrealizedProfit", .string(t.unrealized)),
                ("marginBalance", .string(t.equity)), ("maintMargin", .string(t.maintenance)), ("initialMargin", .string(t.initial)),
                ("positionInitialMargin", .string(t.initial)), ("openOrderInitialMargin", "0"), ("crossWalletBalance", .string(t.wallet)),
                ("crossUnPnl", .string(t.unrealized)), ("availableBalance", .string(t.available)), ("maxWithdrawAmount", .string(t.maxWithdraw)),
                ("marginAvailable", true), ("updateTime", .int(now)),
            ])])),
            ("positions", .array(positions)),
        ])
    }

    /// Position rows (Binance `positionRisk` shape). `all`: every instrument (v2), else
    /// only those with a position or open orders (v3).
    func binancePositions(_ account: AccountID, only: Int?, all: Bool) async throws -> [JSON] {
        let specs = self.specs, asset = self.asset
        let now = clock.nowMillis()
        return try await host.read { engine -> [JSON] in
            var rows: [JSON] = []
            for i in specs.indices where only == nil || only == i {
                let inst = InstrumentID(UInt16(i))
                let s = engine.spec(inst)
                let p = engine.position(account, inst)
                if !all && only == nil && p.size == 0 && p.openOrders == 0 { continue }
                let mark = engine.marks[i]
                let notional = Int128(p.size) * Int128(mark) * Int128(s.productToAsset)
                let pnl = mark > 0 && p.size != 0 ? notional - Int128(p.cost) * Int128(s.productToAsset) : 0
                let absNotional = notional < 0 ? -notional : notional
                let tier = s.tier(forNotional: absNotional > Int128(Int64.max) ? Int64.max : Int64(absNotional))
                let lev = Int128(max(1, min(p.leverage, tier.maxLeverage)))
                let initial = (absNotional + lev - 1) / lev
                var maint = (absNotional * Int128(tier.maintenanceRate.raw) + Int128(Rate.one.raw) - 1) / Int128(Rate.one.raw) - Int128(tier.deduction)
                if maint < 0 { maint = 0 }
                let entry = EventEncoder.entryPrice(cost: p.cost, size: p.size, spec: s)
                rows.append(.object([
                    ("symbol", .string(BinanceNames.symbol(s))), ("positionSide", "BOTH"), ("positionAmt", .string(Fmt.size(p.size, s))),
                    ("entryPrice", .string(entry)), ("breakEvenPrice", .string(entry)), ("markPrice", .string(Fmt.price(mark, s))),
                    ("unRealizedProfit", .string(Fmt.money(pnl, asset))),
                    ("liquidationPrice", .string(Fmt.price(p.size == 0 ? 0 : engine.liquidationTrigger(account, inst) ?? 0, s))),
                    ("leverage", .string(String(p.leverage))), ("maxNotionalValue", .string(Fmt.money(s.tiers[s.tiers.count - 1].notionalCap, asset))),
                    ("marginType", .string(p.isolated ? "isolated" : "cross")), ("marginAsset", .string(BinanceNames.asset)),
                    ("isolatedMargin", .string(p.isolated ? Fmt.money(Int128(p.isolatedMargin) + pnl, asset) : "0")),
                    ("isolatedWallet", .string(Fmt.money(p.isolatedMargin, asset))), ("isAutoAddMargin", "false"),
                    ("notional", .string(Fmt.money(notional, asset))), ("initialMargin", .string(Fmt.money(initial, asset))),
                    ("maintMargin", .string(Fmt.money(maint, asset))), ("positionInitialMargin", .string(Fmt.money(initial, asset))),
                    ("openOrderInitialMargin", "0"), ("adl", .int(Int64(engine.adlRank(account, inst) ?? 0))),
                    ("bidNotional", "0"), ("askNotional", "0"), ("updateTime", .int(now)),
                ]))
            }
            return rows
        }
    }
}
