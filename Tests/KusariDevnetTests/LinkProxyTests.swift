import Foundation
import KusariClient
@testable import KusariDevnet
import NIOCore
import NIOPosix
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The link proxy on real sockets: forwarding both ways, delay, cut and restore.
@Suite struct LinkProxyTests {
    /// Echoes what it reads.
    final class Echo: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.writeAndFlush(data, promise: nil) }
    }

    static func echoServer() async throws -> Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Echo()) } }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// A blocking client socket with a receive timeout.
    final class Client {
        let fd: Int32
        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let rc = Loopback.withAddress(port: port) { connect(fd, $0, $1) }
            guard rc == 0 else { close(fd); throw DevnetError("test", "connect failed") }
        }
        deinit { close(fd) }
        /// Sends `text` and reads until as many bytes came back; nil if the connection closed first.
        func roundTrip(_ text: String) -> String? {
            let out = Array(text.utf8)
            _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var got: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1024)
            while got.count < out.count {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return nil }
                got += chunk[..<n]
            }
            return String(decoding: got, as: UTF8.self)
        }
    }

    @Test func forwardsDelaysCutsAndRestores() async throws {
        let echo = try await Self.echoServer()
        let proxy = LinkProxy(from: 1, to: 2, targetPort: echo.localAddress?.port ?? 0)
        let port = try await proxy.start()

        let a = try Client(port: port)
        #expect(a.roundTrip("hello") == "hello")
        #expect(proxy.bytesForwarded == 10)

        proxy.setDelay(milliseconds: 150)
        let start = Date()
        #expect(a.roundTrip("slow") == "slow")
        #expect(Date().timeIntervalSince(start) >= 0.29)   // 150 ms each way
        proxy.setDelay(milliseconds: 0)

        proxy.setCut(true)
        #expect(a.roundTrip("cut") == nil)                  // the open connection is closed
        let b = try Client(port: port)                      // a new one is accepted and closed at once
        #expect(b.roundTrip("refused") == nil)

        proxy.setCut(false)
        let c = try Client(port: port)
        #expect(c.roundTrip("back") == "back")
        await proxy.stop()
        try await echo.close()
    }

    /// A far side that never reads (a paused node) must not make the proxy buffer without bound:
    /// the proxy stops reading, so the sender's socket fills up.
    @Test func pushesBackWhenTheFarSideDoesNotRead() async throws {
        let sink = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { ch in ch.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = LinkProxy(from: 1, to: 2, targetPort: sink.localAddress?.port ?? 0)
        let port = try await proxy.start()
        let client = try Client(port: port)
        _ = fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) | O_NONBLOCK)
        let chunk = [UInt8](repeating: 7, count: 65_536)
        var total = 0
        var lastProgress = Date()
        while total < 64 << 20 && Date().timeIntervalSince(lastProgress) < 1 {
            let n = chunk.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { total += n; lastProgress = Date() } else { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(total < 32 << 20, "the proxy took \(total) bytes that the far side never read")
        #expect(total > 0)
        await proxy.stop()
        try await sink.close()
    }
}
