import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The per-request context: Hummingbird's core storage, the WebSocket upgrade slot, the
/// caller's address, and a body limit of 64 KiB.
public struct GatewayRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The peer's IP address (the per-IP rate limit key for public routes).
    public let remoteIP: String
    /// The connection (the WebSocket session closes a slow consumer through it).
    let channel: any Channel
    /// Filled in by the route wrapper, read by the middleware.
    public let annotations = RequestAnnotations()

    /// Request bodies above 64 KiB are refused with 413.
    public static let bodyLimit = 64 * 1024

    public var maxUploadSize: Int { Self.bodyLimit }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }
}
