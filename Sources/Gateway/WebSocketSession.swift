import CommandInput
import Engine
import Foundation
import HarbourCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// One WebSocket connection at `/v1/ws` (OPS-1). Text frames carry JSON objects with an
/// `op`:
/// - `subscribe` / `unsubscribe` with `channels`: `book.SYM`, `trades.SYM`, `ticker.SYM`,
///   `mark.SYM`, `private` (after `auth` with a client or market-maker key: the account's
///   orders, fills, positions, balances, liquidations, payouts, ADL fills and ADL rank) and
///   `risk` (after `auth` with a risk or supervisor key: venue-wide risk alerts,
///   stress tests, risk metrics, liquidations, payouts, ADL fills, fund top-ups);
/// - `auth` with `key`, `timestamp` (ms) and `signature` = hex HMAC-SHA256(secret,
///   timestamp + "GET/v1/ws");
/// - `order` with the body of `POST /v1/orders` and an `id`, answered with the same id;
/// - `cancelOnDisconnect` with `enabled`: when the socket closes, all the account's
///   orders are cancelled (one `cancelAll`);
/// - `ping`.
/// Errors are `{"op":"error","code":...,"message":...}` (with the request's `id` if any).
/// A browser signed in to the operator console is authenticated by its session cookie on
/// the upgrade request instead (same origin only; risk and supervisor keys, who have the
/// `risk` channel; `GatewayCore.consoleWebSocketKey`, DECISIONS 37).
///
/// Orders go through the same authorization step as REST and `/fapi`
/// (`GatewayCore.authorize`: the key's rate limit, role, `trade` permission) and the same
/// submit path (`GatewayCore.enqueue`, timed by the submit-latency metric).
///
/// A session that does not read its messages fast enough is closed, never thinned out: past
/// `GatewayConfiguration.webSocketQueueLimit` queued messages it gets close code 4000
/// "slow consumer: resync from REST" (`SessionBacklog`, `SlowConsumerCloser`).
struct WebSocketSession {
    let core: GatewayCore
    let remoteIP: String
    let channel: (any Channel)?
    var key: ApiKey?
    var account: AccountID?
    var cancelOnDisconnect = false

    /// Who may place orders here: the same policy as `POST /v1/orders`.
    static let orderAccess = AccessPolicy.account(.trade)
    /// What a role refusal names: the REST route the `order` op mirrors.
    static let orderAction = "POST /v1/orders"

    init(core: GatewayCore, remoteIP: String, channel: (any Channel)? = nil) {
        self.core = core
        self.remoteIP = remoteIP
        self.channel = channel
    }

    static let maxMessage = 64 * 1024
    /// Roles that may follow the `risk` channel (the risk team).
    static let oversightRoles: Set<Role> = [.risk, .supervisor]

    mutating func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let core = self.core, ip = remoteIP
        let closer = SlowConsumerCloser(outbound: outbound, channel: channel) {
            core.metrics.slowConsumers.increment()
            core.logger.warning("websocket slow consumer closed", metadata: [
                "ip": .string(ip), "queueLimit": .stringConvertible(core.configuration.webSocketQueueLimit),
                "code": .stringConvertible(SessionBacklog.closeCode),
            ])
        }
        let (id, stream) = core.hub.register(onOverflow: { closer.fire() })
        // A console session's risk or supervisor key (set at the upgrade) follows `risk` as after `auth`.
        if let key, key.account == nil, Self.oversightRoles.contains(key.role) { core.hub.setOversight(id) }
        let hub = core.hub
        let writer = Task {
            for await message in stream {
                if Task.isCancelled { break }
                do { try await outbound.write(.text(message)) } catch { break }
                hub.written(id)
            }
        }
        closer.setWriter(writer)
        do {
            for try await message in inbound.messages(maxSize: Self.maxMessage) {
                let reply: JSON?
                switch message {
                case .text(let text): reply = await handle(text, session: id)
                case .binary: reply = Self.error(nil, ApiError.malformedJSON("send JSON text frames"))
                }
                if let reply, !closer.fired { try await outbound.write(.text(reply.rendered)) }
            }
        } catch {
            core.logger.debug("websocket closed with error", metadata: ["error": .string(String(describing: error))])
        }
        core.hub.unregister(id)
        writer.cancel()
        if cancelOnDisconnect, let account {
            do {
                let outcome = try await core.submit(.cancelAll(account: account, instrument: nil))
                core.logger.info("cancel-on-disconnect", metadata: ["key": .string(key?.key ?? "-"),
                                                                    "sequence": .stringConvertible(outcome.sequence)])
            } catch {
                core.logger.error("cancel-on-disconnect failed", metadata: ["error": .string(String(describing: error))])
            }
        }
    }

    /// The body of an `order` message (its `op` and `id` already removed), checked like the
    /// body of `POST /v1/orders`, by the same table.
    /// The fields of a message that would name an account (MM-3: the barrier checks them).
    static func accountFields(_ fields: [String: Any]) -> [String: String] {
        var named: [String: String] = [:]
        for name in GatewayCore.accountFieldNames {
            if let value = fields[name] { named[name] = (value as? String) ?? String(describing: value) }
        }
        return named
    }

    static func orderBody(_ fields: [String: Any]) throws(ApiError) -> RequestBody {
        try RequestBody(object: fields, schema: placeOrderSchema)
    }

    static func error(_ id: JSON?, _ e: ApiError) -> JSON {
        var fields: [(String, JSON)] = [("op", "error")]
        if let id { fields.append(("id", id)) }
        fields.append(("code", .string(e.code)))
        fields.append(("message", .string(e.message)))
        return .object(fields)
    }

    /// A client message split into its `op`, its request `id` and the op's own fields.
    struct Message {
        let op: String
        let requestId: JSON?
        let fields: [String: Any]
    }

    /// Why a message has no readable `op`: the error to answer, with the request id if known.
    struct UnreadableMessage: Error {
        let requestId: JSON?
        let error: ApiError
    }

    /// Reads a message as strictly as REST bodies (no byte-order mark, no duplicate keys).
    static func message(_ text: String) throws(UnreadableMessage) -> Message {
        let obj: [String: Any]
        do { obj = try StrictJSON.object(text) } catch {
            throw UnreadableMessage(requestId: nil, error: ApiError.malformedJSON("a message " + String(describing: error)))
        }
        var requestId: JSON?
        if let raw = obj["id"] {
            if let s = raw as? String { requestId = .string(s) } else if let i = RequestBody.integer(raw) { requestId = .int(i) }
            else { throw UnreadableMessage(requestId: nil, error: ApiError.invalidField("id must be a string or an integer")) }
        }
        guard let op = obj["op"] as? String else { throw UnreadableMessage(requestId: requestId, error: ApiError.missingField("op")) }
        var fields = obj
        fields.removeValue(forKey: "op")
        fields.removeValue(forKey: "id")
        return Message(op: op, requestId: requestId, fields: fields)
    }

    mutating func handle(_ text: String, session: UInt64) async -> JSON? {
        let message: Message
        do { message = try Self.message(text) } catch { return Self.error(error.requestId, error.error) }
        let op = message.op, requestId = message.requestId, fields = message.fields
        do {
            switch op {
            case "ping":
                return .object([("op", "pong")])
            case "subscribe", "unsubscribe":
                let body = try RequestBody(object: fields, schema: BodySchema(["channels": .stringArray], required: ["channels"]))
                let channels = body.strings("channels") ?? []
                for ch in channels where !core.hub.isValidChannel(ch) {
                    throw ApiError(.badRequest, "UNKNOWN_CHANNEL", "unknown channel '\(ch)'")
                }
                if op == "subscribe" {
                    if channels.contains("private") && account == nil {
                        if key != nil { throw ApiError.forbiddenRole("only client and market-maker keys have a private stream") }
                        throw ApiError.missingAuth("authenticate with op \"auth\" before subscribing to private")
                    }
                    if channels.contains("risk") && !(key.map { Self.oversightRoles.contains($0.role) } ?? false) {
                        if let key, key.role == .marketMaker {
                            throw core.barrierRefusal(key, action: "ws subscribe risk", kind: .staffChannel, "the risk channel")
                        }
                        if key != nil { throw ApiError.forbiddenRole("the risk channel is for risk and supervisor keys") }
                        throw ApiError.missingAuth("authenticate with op \"auth\" before subscribing to risk")
                    }
                    let reply = JSON.object([("op", "subscribed"), ("channels", .array(channels.map { .string($0) }))])
                    core.hub.subscribe(session, channels: channels)
                    return reply
                }
                core.hub.unsubscribe(session, channels: channels)
                return .object([("op", "unsubscribed"), ("channels", .array(channels.map { .string($0) }))])
            case "auth":
                let body = try RequestBody(object: fields, schema: BodySchema(["key": .string, "timestamp": .integer, "signature": .string,
                                                                               "nonce": .string],
                                                                              required: ["key", "timestamp", "signature"]))
                let ts = body.int("timestamp").map { String($0) }
                let k: ApiKey
                do {
                    k = try core.auth.authenticate(key: body.string("key"), timestamp: ts, signature: body.string("signature"),
                                                   method: "GET", target: "/v1/ws", body: [], nonce: body.string("nonce"))
                } catch {
                    _ = core.limiter.check("ip:" + remoteIP, policy: core.configuration.publicRateLimit)
                    throw error
                }
                guard k.permissions.contains(.read) else { throw ApiError.missingPermission("read") }
                guard k.role.hasAccount, let name = k.account else {
                    // Risk and supervisor: no account, but the venue-wide risk channel; other staff have no stream.
                    guard Self.oversightRoles.contains(k.role) else {
                        throw ApiError.forbiddenRole("a \(k.role.rawValue) key has no stream here")
                    }
                    key = k
                    core.hub.setOversight(session)
                    return .object([("op", "auth"), ("success", true), ("role", .string(k.role.rawValue))])
                }
                let id = try await core.accountID(name)
                key = k
                account = id
                core.hub.setAccount(session, id)
                return .object([("op", "auth"), ("success", true), ("account", .string(name))])
            case "order":
                guard let k = key else { throw ApiError.missingAuth("authenticate with op \"auth\" first") }
                // The REST route's own checks, in its order: rate limit, role, permission.
                try core.authorize(k, Self.orderAccess, action: Self.orderAction)
                try core.guardBarrier(k, fields: Self.accountFields(fields), action: "ws order")
                guard let name = k.account else { throw ApiError.forbiddenRole("this key is not bound to an account") }
                let (command, order) = try core.prepareOrder(try Self.orderBody(fields), account: name)
                // Pipelined: the order is queued in arrival order and answered when it is
                // durable, while the session goes on reading (replies keep sequence order).
                let core = self.core, rid = requestId
                core.enqueue(command) { result in
                    var reply: JSON
                    do {
                        let outcome = try result.get()
                        var fields: [(String, JSON)] = [("op", "order")]
                        if let rid { fields.append(("id", rid)) }
                        fields.append(("result", try core.orderReply(outcome, order)))
                        reply = .object(fields)
                    } catch let e as ApiError {
                        reply = Self.error(rid, e)
                    } catch {
                        reply = Self.error(rid, ApiError.notReady("the venue is shutting down"))
                    }
                    core.hub.push(session, reply.rendered)
                }
                return nil
            case "cancelOnDisconnect":
                guard account != nil else {
                    if key != nil { throw ApiError.forbiddenRole("only client and market-maker keys have orders to cancel") }
                    throw ApiError.missingAuth("authenticate with op \"auth\" first")
                }
                let body = try RequestBody(object: fields, schema: BodySchema(["enabled": .bool], required: ["enabled"]))
                cancelOnDisconnect = body.bool("enabled") ?? false
                return .object([("op", "cancelOnDisconnect"), ("enabled", .bool(cancelOnDisconnect))])
            default:
                throw ApiError(.badRequest, "UNKNOWN_OP", "unknown op '\(op)'")
            }
        } catch let e as ApiError {
            return Self.error(requestId, e)
        } catch {
            core.logger.error("websocket op failed", metadata: ["op": .string(op), "error": .string(String(describing: error))])
            return Self.error(requestId, ApiError.internalError)
        }
    }
}
