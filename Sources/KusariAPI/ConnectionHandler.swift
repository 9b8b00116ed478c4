import Logging
import NIOCore
import NIOHTTP1
import Hummingbird
import NIOHTTPTypes

/// One per API connection, after the HTTP codec: keeps the `ConnectionTable`
/// told what the connection does, answers a malformed request that no route will
/// see with `400` and the JSON error body, and closes a connection whose answer
/// came before its request's body was read (after reading and discarding what the
/// client still sends, within a bound, so that a client that writes its whole body
/// before it reads, as Python's urllib does, gets the answer).
final class ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Most bytes of an unwanted request body read and thrown away before closing.
    static let discardBytes = 64 << 20
    /// Longest wait for the rest of an unwanted request body before closing.
    static let discardTime = TimeAmount.seconds(10)

    private let table: ConnectionTable
    private let logger: Logger
    private var registered = false
    /// Requests whose head arrived and whose answer has not ended.
    private var pending = 0
    /// A request head arrived and its end has not.
    private var readingBody = false
    /// The decoder failed: nothing more can be read from this connection.
    private var parseFailed = false
    /// The answer in progress ends the connection.
    private var closeAfterAnswer = false
    /// The body length the request in progress declared (Content-Length), and how much of it came.
    private var declaredBody: Int?
    private var bodySeen = 0
    /// Reading and throwing away the rest of an unwanted body: bytes so far.
    private var discarded: Int?
    private var discardTimer: Scheduled<Void>?

    init(table: ConnectionTable, logger: Logger) {
        self.table = table
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        discardTimer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        discardTimer?.cancel()
        table.close(context.channel)
        context.fireChannelInactive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        switch table.open(context.channel) {
        case .admitted(let evicting): evicting?.close(promise: nil)
        case .refused: context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if let so = discarded {
            switch part {
            case .head: context.close(promise: nil)
            case .body(let buffer):
                discarded = so + buffer.readableBytes
                if so + buffer.readableBytes > Self.discardBytes { context.close(promise: nil) }
            case .end: context.close(promise: nil)
            }
            return
        }
        switch part {
        case .head(let request):
            pending += 1
            readingBody = true
            declaredBody = request.headerFields[.contentLength].flatMap { Int($0) }
            bodySeen = 0
            table.record(context.channel, .reading)
        case .body(let buffer):
            bodySeen += buffer.readableBytes
        case .end:
            readingBody = false
            table.record(context.channel, .answering)
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While discarding, nobody downstream asks for more: keep reading until the body ends.
        if discarded != nil { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where readingBody || parseFailed:
            // Answered before the request was read in full: say that the connection ends here.
            closeAfterAnswer = true
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end:
            pending = max(0, pending - 1)
            if pending == 0 { table.record(context.channel, .idle) }
            guard closeAfterAnswer else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.write(data, promise: written)
            finishAfterEarlyAnswer(context, written: written.futureResult)
        default:
            context.write(data, promise: promise)
        }
    }

    /// After an answer that came before the request's end: close at once when nothing
    /// more can be read, else read and discard the rest of the body within the bounds.
    private func finishAfterEarlyAnswer(_ context: ChannelHandlerContext, written: EventLoopFuture<Void>) {
        closeAfterAnswer = false
        context.flush()
        let channel = context.channel
        let left = declaredBody.map { $0 - bodySeen } ?? 0
        guard readingBody, !parseFailed, left <= Self.discardBytes else {
            written.whenComplete { _ in channel.close(promise: nil) }
            return
        }
        discarded = 0
        discardTimer = context.eventLoop.scheduleTask(in: Self.discardTime) { channel.close(promise: nil) }
        // The answer is all the client gets: end our side once it is out (a client that reads
        // while it writes stops sending), and read on until its body ends.
        written.whenSuccess { channel.close(mode: .output, promise: nil) }
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        parseFailed = true
        let message = "request: malformed HTTP (\(parseError.debugDescription))"
        logger.debug("malformed HTTP request", metadata: ["client": "\(context.channel.remoteAddress?.description ?? "?")",
                                                         "error": "\(parseError.debugDescription)"])
        guard pending == 0, discarded == nil else {
            // A route is reading this request's body: it answers (ErrorMiddleware gives the 400).
            context.fireErrorCaught(error)
            return
        }
        // No route has seen this request: answer it here and close.
        let body = APIError(.badRequest, "bad_request", message).jsonBytes
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.contentLength] = "\(body.readableBytes)"
        headers[.connection] = "close"
        pending += 1
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A client that closed its side of an event stream is gone: free its slot now, not at the next write.
        if case ChannelEvent.inputClosed = event, table.hasEventStream(ObjectIdentifier(context.channel)) {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
