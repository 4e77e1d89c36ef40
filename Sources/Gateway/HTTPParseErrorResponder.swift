import NIOCore
import NIOHTTP1

/// Answers requests the HTTP decoder cannot parse, then ends the connection.
///
/// Hummingbird installs NIO's HTTP pipeline without NIO's protocol error handler, and on a
/// connection's first request (while the WebSocket upgrade handler still owns the
/// pipeline) a parse error reached nobody: the client got no answer and the connection
/// stayed open. This handler sits after the decoder (and after the upgrade handler) and,
/// on an `HTTPParserError`:
/// - answers 431 `HEADERS_TOO_LARGE` (request head over the decoder's limits), 505
///   `HTTP_VERSION_NOT_SUPPORTED`, or 400 `MALFORMED_REQUEST` (bad bytes in the request
///   line or a header, a TLS handshake sent to the plain-HTTP port, ...), with the API's
///   JSON error body and `Connection: close`, then lets `ConnectionGuardHandler` finish
///   the connection;
/// - when earlier requests on the connection are still being answered, lets those
///   answers go out first, then answers the bad request the same way; when the error is
///   inside a request already handed to a route (a malformed body), that route's answer
///   is the request's answer and the connection closes after it.
/// It removes itself when the connection is upgraded to WebSocket.
final class HTTPParseErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: ConnectionGuardHandler
    /// Request heads read whose response has not ended yet.
    private var inFlight = 0
    /// A request head was read and its end not yet.
    private var readingRequest = false
    private var answered = false
    private var closeAfterResponses = false
    /// The answer to send once the in-flight responses have gone out (the bad request
    /// came after them).
    private var pendingAnswer: HTTPParserError?

    init(connection: ConnectionGuardHandler) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            readingRequest = true
        case .end:
            readingRequest = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !answered else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head, .body:
            // An informational head (100 Continue) is followed by the real one; only `.end`
            // completes a response.
            context.write(data, promise: promise)
        case .end:
            inFlight = max(0, inFlight - 1)
            if closeAfterResponses && inFlight == 0 {
                if let error = pendingAnswer {
                    context.write(data, promise: promise)
                    answer(context, error)
                    return
                }
                answered = true
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.cascade(to: promise)
                context.writeAndFlush(data, promise: written)
                written.futureResult.assumeIsolated().whenComplete { _ in self.connection.finish() }
            } else {
                context.write(data, promise: promise)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered || closeAfterResponses {
            // The decoder reports every later byte as an error too; the answer is out already.
            return
        }
        guard let parse = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if inFlight > 0 {
            // Answer the requests already read first; close after the last response.
            closeAfterResponses = true
            if readingRequest {
                // The error is inside a request a route is handling: the route sees it in
                // the body it is reading, and its response is the answer.
                context.fireErrorCaught(error)
            } else {
                // A new request that never reached a route: answer it after the others.
                pendingAnswer = parse
            }
            return
        }
        answer(context, parse)
    }

    /// Writes the error response for `parse` and finishes the connection.
    private func answer(_ context: ChannelHandlerContext, _ parse: HTTPParserError) {
        answered = true
        let (status, code, message) = Self.answer(parse)
        let body = JSON.object([("code", .string(code)), ("message", .string(message))]).rendered
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in self.connection.finish() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is HTTPServerUpgradeEvents {
            // WebSocket frames from here on: this handler only understands HTTP parts.
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The status, stable code and message for a parse error.
    static func answer(_ error: HTTPParserError) -> (HTTPResponseStatus, String, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE", "the request line and headers are larger than the server accepts (80 KiB)")
        case .invalidVersion:
            return (.httpVersionNotSupported, "HTTP_VERSION_NOT_SUPPORTED", "only HTTP/1.0 and HTTP/1.1 are served")
        case .invalidMethod:
            return (.badRequest, "MALFORMED_REQUEST", "the request line is not HTTP (a TLS handshake? this port speaks plain HTTP/1.1)")
        default:
            return (.badRequest, "MALFORMED_REQUEST", "the request could not be parsed as HTTP/1.1 (\(error))")
        }
    }
}
