import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the client's address,
/// for rate limits, and its connection, for event-stream slots.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address.
    public let remoteAddress: SocketAddress?
    /// The connection the request came on (its key in `ConnectionTable`).
    let channelID: ObjectIdentifier
    let bodyLimit: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channelID = ObjectIdentifier(source.channel)
        bodyLimit = 512 << 10   // a contract deploy of the largest module, in hex, fits
    }

    public var maxUploadSize: Int { bodyLimit }
}
