import Foundation
import KusariCore
import KusariNetwork
import KusariPeers
import NIOCore
import NIOPosix

/// The real transport: TCP connections on swift-nio, framed by `FrameDecoder` and
/// `FrameEncoder`, each read by a `PeerHandler` and written through a `ChannelLink`.
public final class NIOTransport: Transport, @unchecked Sendable {
    let magic: UInt32
    let peers: PeerNetwork
    private let lock = NSLock()
    private var server: (any Channel)?

    /// A transport for `peers` on `network` (its frames carry the network's magic).
    public init(network: Network, peers: PeerNetwork) {
        magic = Frame.magic(for: network)
        self.peers = peers
    }

    public func listen(host: String, port: Int) async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [magic, peers] channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel, magic: magic, peers: peers, outbound: false)
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        lock.withLock { server = channel }
        return channel.localAddress?.port ?? port
    }

    public func dial(host: String, port: Int) {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { [magic, peers] channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel, magic: magic, peers: peers, outbound: true, remote: "\(host):\(port)")
                }
            }
        let peers = self.peers
        Task {
            let connected = (try? await bootstrap.connect(host: host, port: port).get()) != nil
            await peers.dialEnded(host: host, port: port, connected: connected)
        }
    }

    public func stopListening() async {
        let channel = lock.withLock { server }
        try? await channel?.close()
    }

    /// A connection's pipeline: byte counting, frames, messages, and the handler that feeds the network.
    static func configure(_ channel: any Channel, magic: UInt32, peers: PeerNetwork, outbound: Bool, remote: String? = nil) throws {
        let counters = LinkCounters(now: ProcessInfo.processInfo.systemUptime)
        let handler = PeerHandler(peers: peers, outbound: outbound, remote: remote, counters: counters)
        try channel.pipeline.syncOperations.addHandler(ByteCountingHandler(counters: counters))
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(handler)
        // Past 16 MiB waiting to be sent the channel reports unwritable: nothing more is queued (see `send`).
        try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark,
                                           value: .init(low: PeerNetwork.maxUnsentBytes / 2, high: PeerNetwork.maxUnsentBytes))
    }

    /// Runs the network's timers on real time until it stops: transaction trickles,
    /// the kept connections, and the periodic housekeeping.
    public func startTimers() {
        let peers = self.peers
        Task {
            while await !peers.hasStopped {
                try? await Task.sleep(for: .milliseconds(PeerNetwork.trickleMilliseconds))
                await peers.trickle()
            }
        }
        Task {
            while await !peers.hasStopped {
                await peers.tendPersistent()
                try? await Task.sleep(for: .seconds(PeerNetwork.tendSeconds))
            }
        }
        Task {
            while await !peers.hasStopped {
                await peers.refreshConnections()
                try? await Task.sleep(for: .seconds(PeerNetwork.refreshSeconds))
            }
        }
    }
}

/// A TCP connection as the peer network sees it.
final class ChannelLink: PeerLink, @unchecked Sendable {
    let channel: any Channel
    let counters: LinkCounters
    init(channel: any Channel, counters: LinkCounters) {
        self.channel = channel
        self.counters = counters
    }
    func send(_ message: Message, flush: Bool) -> Bool {
        guard channel.isWritable else { return false }
        if flush { channel.writeAndFlush(message, promise: nil) } else { channel.write(message, promise: nil) }
        return true
    }
    func flush() { channel.flush() }
    func close() { channel.close(promise: nil) }
    var isWritable: Bool { channel.isWritable }
    var isActive: Bool { channel.isActive }
}
