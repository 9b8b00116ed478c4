import Foundation
import NIOCore
import NIOPosix

/// The running devnet's control endpoint on 127.0.0.1: one JSON request a line
/// in, one JSON reply a line out (`{"ok": true, "message": ..., ...}` or
/// `{"ok": false, "error": "field: reason"}`), then the connection closes.
/// Requests longer than 64 KiB are refused.
final class ControlServer: Sendable {
    typealias Handler = @Sendable (ControlRequest) async -> Result<[String: Any], DevnetError>
    private let channel: Channel

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel) { self.channel = channel }

    /// Listens on a free port of 127.0.0.1.
    static func start(handler: @escaping Handler) async throws -> ControlServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LineHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ControlServer(channel: channel)
    }

    func stop() async { try? await channel.close() }

    /// Answers one request: parses it, runs it, encodes the reply.
    static func answer(_ line: String, handler: Handler) async -> String {
        let result: Result<[String: Any], DevnetError>
        if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) {
            do { result = await handler(try ControlRequest(json: object)) } catch { result = .failure(error) }
        } else {
            result = .failure(DevnetError("request", "not JSON"))
        }
        var reply: [String: Any]
        switch result {
        case .success(let fields): reply = fields; reply["ok"] = true
        case .failure(let error): reply = ["ok": false, "error": error.description]
        }
        let data = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data(#"{"ok":false}"#.utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// Collects one line, answers it, closes.
private final class LineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let handler: ControlServer.Handler
    private var buffer = ByteBuffer()
    private var answered = false

    init(handler: @escaping ControlServer.Handler) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var chunk = unwrapInboundIn(data)
        buffer.writeBuffer(&chunk)
        let bytes = buffer.readableBytesView
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 65_536 { reply(context, #"{"error":"request: longer than 64 KiB","ok":false}"# + "\n") }
            return
        }
        let line = String(decoding: bytes[bytes.startIndex..<newline], as: UTF8.self)
        answered = true
        let channel = context.channel
        let handler = self.handler
        let promise = context.eventLoop.makePromise(of: String.self)
        promise.completeWithTask { await ControlServer.answer(line, handler: handler) }
        promise.futureResult.whenSuccess { text in
            channel.writeAndFlush(ByteBuffer(string: text)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        answered = true
        let channel = context.channel
        channel.writeAndFlush(ByteBuffer(string: text)).whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
}
