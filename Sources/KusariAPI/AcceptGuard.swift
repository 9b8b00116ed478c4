import Foundation
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// On the API's listening socket: keeps `accept` from spinning when the process is
/// out of open files.
///
/// When `accept` fails with EMFILE or ENFILE the waiting connection stays queued, the
/// socket stays readable, and swift-nio retries at once, for ever (its accept backoff
/// does not apply: the read it would delay is still pending), burning a core. This
/// handler makes room instead: it gives up a reserve of spare files (as libev and nginx
/// hold one), so that the next `accept` and the rest of the process (the database, the
/// thread pools) have files at once, and closes the least recently active idle or
/// unfinished connections (up to 16 each time, one batch at a time), so that new
/// clients are served in their place. The reserve is taken again once they are closed.
final class AcceptGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// Files held in reserve.
    static let reserveSize = 16
    /// Connections closed at most each time accept fails.
    static let batch = 16

    private let table: ConnectionTable
    private let logger: Logger
    private var spares: [Int32] = []
    /// A connection closed to make room has not finished closing yet.
    private var makingRoom = false
    private var lastWarning = ContinuousClock.now - .seconds(3_600)

    init(table: ConnectionTable, logger: Logger) {
        self.table = table
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { takeSpares() }

    func handlerRemoved(context: ChannelHandlerContext) { releaseSpares() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let e = error as? IOError, e.errnoCode == EMFILE || e.errnoCode == ENFILE {
            makeRoom(context, error: e)
        }
        context.fireErrorCaught(error)
    }

    private func makeRoom(_ context: ChannelHandlerContext, error: IOError) {
        if ContinuousClock.now - lastWarning >= .seconds(60) {
            lastWarning = .now
            logger.warning("HTTP accept failed: out of open files; closing idle connections to serve new ones",
                           metadata: ["error": "\(error)", "connections": "\(table.count)"])
        }
        guard !makingRoom else { return }
        if spares.isEmpty { takeSpares() }
        releaseSpares()
        let victims = (0..<Self.batch).compactMap { _ in table.displaceLeastRecentlyActive() }
        guard !victims.isEmpty else { return }
        makingRoom = true
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        for victim in victims { victim.close(promise: nil) }
        EventLoopFuture.andAllComplete(victims.map(\.closeFuture), on: context.eventLoop).whenComplete { _ in
            me.value.makingRoom = false
            me.value.takeSpares()
        }
    }

    /// Fills the reserve as far as files allow.
    private func takeSpares() {
        while spares.count < Self.reserveSize {
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            spares.append(fd)
        }
    }

    private func releaseSpares() {
        for fd in spares { close(fd) }
        spares.removeAll()
    }
}
