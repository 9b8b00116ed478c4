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

    /// Installs the guard against a spinning `accept` (`AcceptGuard`) on the API's
    /// listening socket; call it from the application's `onServerRunning`.
    public static func guardAccepts(on listener: any Channel, connections: ConnectionTable, logger: Logger) async {
        do {
            try await listener.eventLoop.submit {
                try listener.pipeline.syncOperations.addHandler(AcceptGuard(table: connections, logger: logger), position: .first)
            }.get()
        } catch {
            logger.warning("could not guard the API's accept loop", metadata: ["error": "\(error)"])
        }
    }
}
