import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One directed link of the devnet, node `from` -> node `to`: a TCP proxy on
/// 127.0.0.1 that node `from` dials (as its `--peer`) and that forwards to node
/// `to`'s P2P port, both ways, byte for byte.
///
/// It can be cut (every connection closed, new ones closed at once: what a
/// partition looks like to a node) and delayed (every chunk of bytes held for
/// the latency, each way, in order), and restored. It knows nothing of the wire
/// protocol.
public final class LinkProxy: @unchecked Sendable {
    /// The dialing node (numbered from 1).
    public let from: Int
    /// The node dialed.
    public let to: Int
    private let targetPort: Int
    private let group: EventLoopGroup
    private let lock = NIOLock()
    private var isCut = false
    private var latency: TimeAmount = .zero
    private var open: [ObjectIdentifier: Channel] = [:]
    private var server: Channel?
    private var forwarded = 0

    /// A proxy for the link `from` -> `to`, forwarding to 127.0.0.1:`targetPort`.
    public init(from: Int, to: Int, targetPort: Int, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.from = from
        self.to = to
        self.targetPort = targetPort
        self.group = group
    }

    /// Starts listening on a free port of 127.0.0.1 and returns it.
    public func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelInitializer { [self] channel in
                accept(channel)
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        lock.withLock { server = channel }
        guard let port = channel.localAddress?.port else { throw DevnetError("proxy", "no local port for link \(from)->\(to)") }
        return port
    }

    /// Whether the link is cut.
    public var cut: Bool { lock.withLock { isCut } }
    /// The one-way latency added to every chunk of bytes, in milliseconds.
    public var delayMilliseconds: Int { lock.withLock { Int(latency.nanoseconds / 1_000_000) } }
    /// Bytes forwarded so far, both ways.
    public var bytesForwarded: Int { lock.withLock { forwarded } }

    /// Cuts the link (closing every connection on it) or restores it.
    public func setCut(_ cut: Bool) {
        let closing: [Channel] = lock.withLock {
            isCut = cut
            return cut ? Array(open.values) : []
        }
        for channel in closing { channel.close(promise: nil) }
    }

    /// Sets the one-way latency (0 removes it).
    public func setDelay(milliseconds: Int) {
        lock.withLock { latency = .milliseconds(Int64(max(0, milliseconds))) }
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        let (listener, channels): (Channel?, [Channel]) = lock.withLock { (server, Array(open.values)) }
        for channel in channels { channel.close(promise: nil) }
        try? await listener?.close()
    }

    var currentLatency: TimeAmount { lock.withLock { latency } }
    func count(_ bytes: Int) { lock.withLock { forwarded &+= bytes } }

    private func track(_ channel: Channel) -> Bool {
        let accepted = lock.withLock {
            if isCut { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
        channel.closeFuture.whenComplete { [self] _ in
            lock.withLock { _ = open.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return accepted
    }

    /// A connection from node `from`: dial node `to`, then forward both ways.
    private func accept(_ inbound: Channel) -> EventLoopFuture<Void> {
        guard track(inbound) else { return inbound.close() }
        let forward = Forwarder(proxy: self, partner: nil)
        do { try inbound.pipeline.syncOperations.addHandler(forward) } catch {
            return inbound.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(forward, eventLoop: inbound.eventLoop)
        ClientBootstrap(group: inbound.eventLoop)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] outbound in
                guard track(outbound) else { return outbound.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
                return outbound.eventLoop.makeCompletedFuture {
                    try outbound.pipeline.syncOperations.addHandler(Forwarder(proxy: self, partner: inbound))
                }
            }
            .connect(host: "127.0.0.1", port: targetPort)
            .whenComplete { result in
                switch result {
                case .success(let outbound):
                    bound.value.attach(outbound)
                    inbound.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in inbound.close(promise: nil) }
                case .failure:
                    inbound.close(promise: nil)
                }
            }
        return inbound.eventLoop.makeSucceededVoidFuture()
    }
}

/// Forwards what one side of a proxied connection reads to the other side,
/// after the link's latency, keeping the order of the bytes.
private final class Forwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let proxy: LinkProxy
    private var partner: Channel?
    /// When the last delayed chunk is due: later chunks are never due before it.
    private var lastDue: NIODeadline = .distantPast

    init(proxy: LinkProxy, partner: Channel?) {
        self.proxy = proxy
        self.partner = partner
    }

    /// Pairs the inbound side with its outbound connection once that is up.
    func attach(_ partner: Channel) { self.partner = partner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let partner else { return }
        proxy.count(buffer.readableBytes)
        let latency = proxy.currentLatency
        let now = NIODeadline.now()
        if latency == .zero && lastDue + .milliseconds(50) < now {
            partner.writeAndFlush(buffer, promise: nil)
            // Backpressure: while the far side does not take bytes (a paused node), stop reading this side.
            if !partner.isWritable { try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false) }
            return
        }
        // Strictly later than the previous chunk, so that the order holds even if the latency shrinks.
        let due = max(now + latency, lastDue + .nanoseconds(1))
        lastDue = due
        context.eventLoop.scheduleTask(deadline: due) { partner.writeAndFlush(buffer, promise: nil) }
    }

    /// This side takes bytes again: let its partner read again.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { try? partner?.syncOptions?.setOption(ChannelOptions.autoRead, value: true) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
