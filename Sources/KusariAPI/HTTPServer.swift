import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension API {
    /// The HTTP/1.1 server the API runs on: Hummingbird's, with `ConnectionHandler`
    /// after the codec on every connection (caps and eviction by `connections`,
    /// malformed requests answered with JSON, unwanted bodies discarded within a
    /// bound), and idle connections closed after `idleTimeout`.
    public static func http1(connections: ConnectionTable, logger: Logger, idleTimeout: Duration = .seconds(60)) -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ConnectionHandler(table: connections, logger: logger)],
                                    idleTimeout: TimeAmount(idleTimeout)))
    }
}
