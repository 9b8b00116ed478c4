import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the client's address,
/// for rate limits.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    let bodyLimit: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        bodyLimit = 64 << 10
    }

    public var maxUploadSize: Int { bodyLimit }
}
