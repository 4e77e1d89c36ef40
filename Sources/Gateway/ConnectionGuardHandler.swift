import NIOCore

/// The first handler of every connection, in front of the HTTP decoder (it sees raw
/// bytes). It takes the connection's per-IP slot from the `ConnectionLimiter`, answering
/// 503 `TOO_MANY_CONNECTIONS` and closing when the IP is at its cap; it closes the
/// connection when the `IdleStateHandler` just before it reports that nothing was read or
/// written for the idle timeout; and it performs the "answer, then close" ending used for
/// refusals and malformed requests (`finish()`): stop passing input on, half-close so the
/// answer is delivered before the FIN (closing with unread input would make the kernel
/// send a reset that can destroy the answer), and close fully on the peer's EOF or after
/// `linger`.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a finished connection waits for the peer's EOF before closing anyway.
    static let linger: TimeAmount = .seconds(2)

    private let limiter: ConnectionLimiter
    private var context: ChannelHandlerContext?
    private var slot: String?
    private var started = false
    /// Input is discarded (the connection was refused or answered as malformed).
    private var dropInput = false
    private var ending = false

    init(limiter: ConnectionLimiter) { self.limiter = limiter }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        releaseSlot()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseSlot()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A connection being finished has been answered: what else it sends is discarded.
        guard !dropInput else { return }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Ends the connection after what was written so far: discards further input,
    /// half-closes the output, and closes on the peer's EOF or after `linger`.
    func finish() {
        guard let context, !ending else { return }
        ending = true
        dropInput = true
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: halfClosed)
        halfClosed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.linger) { context.close(promise: nil) }
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let ip = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if limiter.acquire(ip) {
            slot = ip
            return
        }
        let message = "\(ip) already has \(limiter.maxPerIP) open connections; close one and retry"
        // Nothing this connection sends reaches the HTTP decoder.
        dropInput = true
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(Self.rawResponse(status: "503 Service Unavailable", code: "TOO_MANY_CONNECTIONS",
                                                               message: message, allocator: context.channel.allocator)),
                              promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in self.finish() }
    }

    private func releaseSlot() {
        if let ip = slot {
            limiter.release(ip)
            slot = nil
        }
    }

    /// A complete HTTP/1.1 response with the API's JSON error body and `Connection: close`,
    /// written as bytes (this handler sits in front of the HTTP encoder).
    static func rawResponse(status: String, code: String, message: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = JSON.object([("code", .string(code)), ("message", .string(message))]).rendered
        var buffer = allocator.buffer(capacity: body.utf8.count + 128)
        buffer.writeString("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n")
        buffer.writeString(body)
        return buffer
    }
}
