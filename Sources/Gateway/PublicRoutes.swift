import Engine
import HarbourCore
import Hummingbird

/// Public market data (OPS-1): no signature, rate-limited per IP.
extension GatewayCore {
    func addPublicRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .get, "/v1/time", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            return .object([("serverTime", .int(clock.nowMillis()))])
        }
        route(router, .get, "/v1/health", .open) { _, _, caller in
            try Self.allowOnly([], caller)
            return .object([("status", "ok")])
        }
        route(router, .get, "/v1/ready", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            guard hub.isRunning else { throw ApiError.notReady("market data is not being followed (starting or stopping)") }
            let sequence: Int64
            do { sequence = try await host.read { $0.commandCount } } catch { throw ApiError.notReady("the venue host is not running") }
            return .object([("status", "ready"), ("sequence", .int(sequence)),
                            ("recoveredRecords", .int(Int64(host.recovery.recordsReplayed)))])
        }
        route(router, .get, "/v1/instruments", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let (statuses, marks, live, versions) = try await host.read { engine in
                (engine.statuses, engine.marks, engine.perpetualSpecs, engine.perpetualSpecs.indices.map { engine.riskLimitVersion(InstrumentID(UInt16($0))) })
            }
            return .array(live.enumerated().map { i, s -> JSON in
                .object([
                    ("symbol", .string(s.symbol)), ("underlying", .string(s.underlying)),
                    ("settlementAsset", .string(s.settlementAsset.code)), ("status", .string(statuses[i].name)),
                    ("priceDecimals", .int(Int64(s.priceScale.decimals))), ("sizeDecimals", .int(Int64(s.sizeScale.decimals))),
                    ("tickSize", .string(Fmt.price(s.tickSize, s))), ("lotSize", .string(Fmt.size(s.lotSize, s))),
                    ("minQty", .string(Fmt.size(s.minQuantity, s))), ("maxQty", .string(Fmt.size(s.maxQuantity, s))),
                    ("maxPrice", .string(Fmt.price(s.maxPrice, s))), ("maxLeverage", .string(String(s.maxLeverage))),
                    ("priceBand", .string(s.priceBand.formatted)), ("marketProtection", .string(s.marketProtection.formatted)),
                    ("positionLimit", .string(Fmt.size(s.positionLimit, s))), ("maxOpenOrders", .int(Int64(s.maxOpenOrders))),
                    ("fundingIntervalMs", .int(s.fundingIntervalMs)), ("riskLimitVersion", .int(versions[i])),
                    ("markPrice", marks[i] > 0 ? .string(Fmt.price(marks[i], s)) : .null),
                    ("riskTiers", .array(s.tiers.map { t -> JSON in
                        .object([("notionalCap", .string(Fmt.money(t.notionalCap, s.settlementAsset))),
                                 ("maintenanceRate", .string(t.maintenanceRate.formatted)),
                                 ("maxLeverage", .string(String(t.maxLeverage)))])
                    })),
                ])
            })
        }
        route(router, .get, "/v1/spot/markets", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let rows = try await host.read { engine in
                engine.config.spotMarkets.indices.map { j in
                    let id = InstrumentID(UInt16(engine.config.instruments.count + j))
                    return (engine.config.spotMarkets[j], engine.spotStatus(id), engine.lastPrice(id))
                }
            }
            return .array(rows.map { m, status, last -> JSON in
                let s = m.market
                return .object([
                    ("symbol", .string(s.symbol)), ("baseAsset", .string(m.base.code)), ("quoteAsset", .string(m.quote.code)),
                    ("baseDecimals", .int(Int64(m.base.scale.decimals))), ("status", .string(status.name)),
                    ("priceDecimals", .int(Int64(s.priceScale.decimals))), ("sizeDecimals", .int(Int64(s.sizeScale.decimals))),
                    ("tickSize", .string(Fmt.price(s.tickSize, s))), ("lotSize", .string(Fmt.size(s.lotSize, s))),
                    ("minQty", .string(Fmt.size(s.minQuantity, s))), ("maxQty", .string(Fmt.size(s.maxQuantity, s))),
                    ("maxPrice", .string(Fmt.price(s.maxPrice, s))), ("priceBand", .string(s.priceBand.formatted)),
                    ("marketProtection", .string(s.marketProtection.formatted)), ("maxOpenOrders", .int(Int64(s.maxOpenOrders))),
                    ("lastPrice", last > 0 ? .string(Fmt.price(last, s)) : .null),
                ])
            })
        }
        route(router, .get, "/v1/book/{symbol}", .open) { [self] _, context, caller in
            try Self.allowOnly(["depth"], caller)
            let i = try market(context.parameters.get("symbol"))
            let depth = try Self.intParameter(caller, "depth", default: 50, max: 1000)
            let (seq, bids, asks) = try await host.read { engine in
                let b = engine.book(InstrumentID(UInt16(i)))
                return (engine.commandCount, b.depth(.buy, limit: depth).map { ($0.price, $0.quantity) },
                        b.depth(.sell, limit: depth).map { ($0.price, $0.quantity) })
            }
            let s = markets[i]
            return .object([("symbol", .string(s.symbol)), ("sequence", .int(seq)),
                            ("bids", Fmt.levels(bids, s)), ("asks", Fmt.levels(asks, s))])
        }
        route(router, .get, "/v1/trades/{symbol}", .open) { [self] _, context, caller in
            try Self.allowOnly(["limit"], caller)
            let i = try market(context.parameters.get("symbol"))
            let limit = try Self.intParameter(caller, "limit", default: 100, max: MarketDataHub.ringSize)
            await hub.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
            return .array(hub.recentTrades(i, limit: limit).map { t -> JSON in MarketDataHub.render(t, markets[i]) })
        }
        route(router, .get, "/v1/ticker/{symbol}", .open) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let i = try market(context.parameters.get("symbol"))
            let (seq, bid, ask, mark, last) = try await host.read { engine in
                let inst = InstrumentID(UInt16(i))
                let b = engine.book(inst)
                return (engine.commandCount, b.depth(.buy, limit: 1).first, b.depth(.sell, limit: 1).first,
                        engine.isSpot(inst) ? 0 : engine.marks[i], engine.lastPrice(inst))
            }
            await hub.waitUntilProcessed(UInt64(seq))
            let s = markets[i]
            func opt(_ p: Int64?) -> JSON {
                guard let p, p > 0 else { return .null }
                return .string(Fmt.price(p, s))
            }
            return .object([
                ("symbol", .string(s.symbol)), ("sequence", .int(seq)), ("lastPrice", opt(last)),
                ("bestBid", opt(bid?.price)), ("bestBidQty", bid.map { .string(Fmt.size($0.quantity, s)) } ?? .null),
                ("bestAsk", opt(ask?.price)), ("bestAskQty", ask.map { .string(Fmt.size($0.quantity, s)) } ?? .null),
                ("markPrice", opt(mark)), ("volume24h", .string(Fmt.size(hub.volume24h(i, now: clock.nowMillis()), s))),
            ])
        }
        route(router, .get, "/v1/mark/{symbol}", .open) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let i = try instrument(context.parameters.get("symbol"))
            let inst = InstrumentID(UInt16(i))
            let (seq, mark, index, components) = try await host.read {
                ($0.commandCount, $0.marks[i], $0.indexPrice(inst), $0.markComponents(inst))
            }
            let s = specs[i]
            func p(_ v: Int64?) -> JSON { v.map { $0 > 0 ? .string(Fmt.price($0, s)) : .null } ?? .null }
            // The basis may be zero or negative.
            func signed(_ v: Int64?) -> JSON { v.map { .string(Fmt.price($0, s)) } ?? .null }
            // Mark = index + clamped moving average of (mid − index) (PRICE-2); before the
            // first index the mark is the one set by command, and the index is null.
            return .object([("symbol", .string(s.symbol)), ("sequence", .int(seq)), ("markPrice", p(mark)),
                            ("indexPrice", p(index)), ("basisAverage", signed(components?.basisAverage.raw)),
                            ("basisApplied", signed(components?.basisApplied.raw)),
                            ("basisClamped", components.map { .bool($0.clamped) } ?? .null)])
        }
        route(router, .get, "/v1/funding/{symbol}/history", .open) { [self] _, context, caller in
            try Self.allowOnly(["limit"], caller)
            let i = try instrument(context.parameters.get("symbol"))
            let rows = try await history.fundingHistory(symbol: specs[i].symbol,
                                                        limit: try Self.intParameter(caller, "limit", default: 100, max: 1000))
            return try Self.encodeRows(rows)
        }
        route(router, .get, "/v1/funding/{symbol}", .open) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let i = try instrument(context.parameters.get("symbol"))
            let inst = InstrumentID(UInt16(i))
            let s = specs[i]
            let (next, predicted, premium) = try await host.read {
                ($0.nextFundingTime(inst), $0.predictedFundingRate(inst), $0.currentPremium(inst))
            }
            // Settled rates are in the event stream (`funding` events) and the read model.
            return .object([("symbol", .string(s.symbol)), ("fundingIntervalMs", .int(s.fundingIntervalMs)),
                            ("nextFundingTime", next.map { .int($0) } ?? .null),
                            ("predictedFundingRate", predicted.map { .string($0.formatted) } ?? .null),
                            ("premiumAverage", .string(premium.average.formatted)), ("premiumSamples", .int(premium.samples))])
        }
    }
}
