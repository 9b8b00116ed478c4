import Foundation
import KusariCore
import KusariNetwork
import Logging
import NIOCore
import NIOPosix

/// The node's peer-to-peer side: it accepts and makes connections, shakes
/// hands (same chain id and genesis, not ourselves), gossips transactions and
/// blocks by announcement (inventory first, bodies on request, only what the
/// node accepted), and syncs headers first from a peer with more work.
public actor P2P {
    let node: Node
    let magic: UInt32
    let logger: Logger
    /// A random id for this process, to recognise a connection to ourselves.
    public nonisolated let nodeId = UInt64.random(in: 1...UInt64.max)
    public private(set) var listenPort = 0
    let maxPeers: Int

    struct Peer {
        let channel: any Channel
        let outbound: Bool
        let remote: String
        var version: VersionInfo?
        var ready = false
        var known = Set<Hash256>()
    }

    private var peers: [Int: Peer] = [:]
    private var nextId = 0
    private var server: (any Channel)?
    private var stopping = false

    public init(node: Node, network: Network, maxPeers: Int, logger: Logger) {
        self.node = node
        self.magic = Frame.magic(for: network)
        self.maxPeers = maxPeers
        self.logger = logger
    }

    // MARK: - Connections

    /// Listens for peers on `host:port` (0: any free port); returns the port.
    public func listen(host: String, port: Int) async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [magic] channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel, magic: magic, p2p: self, outbound: false)
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        server = channel
        listenPort = channel.localAddress?.port ?? port
        startAnnouncing()
        return listenPort
    }

    /// Keeps a connection to `host:port`, reconnecting with exponential backoff and jitter.
    public nonisolated func maintain(host: String, port: Int) {
        Task {
            var delay = 0.25
            while await !self.isStopping {
                if await self.isConnected(to: "\(host):\(port)") {
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { [magic] channel in
                        channel.eventLoop.makeCompletedFuture {
                            try Self.configure(channel, magic: magic, p2p: self, outbound: true, remote: "\(host):\(port)")
                        }
                    }
                if (try? await bootstrap.connect(host: host, port: port).get()) != nil {
                    delay = 0.25
                    // Give the new connection time to register before checking again.
                    try? await Task.sleep(for: .seconds(1))
                } else {
                    let jitter = Double.random(in: 0...0.25) * delay
                    try? await Task.sleep(for: .seconds(delay + jitter))
                    delay = min(delay * 2, 30)
                }
            }
        }
    }

    var isStopping: Bool { stopping }

    func isConnected(to remote: String) -> Bool { peers.values.contains { $0.remote == remote } }

    /// Closes every connection and the listener.
    public func stop() async {
        stopping = true
        for p in peers.values { p.channel.close(promise: nil) }
        try? await server?.close()
    }

    nonisolated static func configure(_ channel: any Channel, magic: UInt32, p2p: P2P, outbound: Bool, remote: String? = nil) throws {
        let handler = PeerHandler(p2p: p2p, outbound: outbound, remote: remote)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    func connected(_ channel: any Channel, outbound: Bool, remote: String) async -> Int? {
        guard peers.count < maxPeers else {
            logger.info("refusing a peer: too many peers", metadata: ["remote": "\(remote)"])
            channel.close(promise: nil)
            return nil
        }
        let id = nextId
        nextId += 1
        peers[id] = Peer(channel: channel, outbound: outbound, remote: remote)
        send(.version(await versionInfo()), to: id)
        await node.setPeerCount(peers.values.filter(\.ready).count)
        return id
    }

    func disconnected(_ id: Int) async {
        if let p = peers.removeValue(forKey: id) {
            logger.info("peer disconnected", metadata: ["remote": "\(p.remote)"])
        }
        await node.setPeerCount(peers.values.filter(\.ready).count)
    }

    func drop(_ id: Int, _ reason: String) {
        guard let p = peers[id] else { return }
        logger.notice("disconnecting peer", metadata: ["remote": "\(p.remote)", "reason": "\(reason)"])
        p.channel.close(promise: nil)
    }

    private func versionInfo() async -> VersionInfo {
        let s = await node.status()
        return VersionInfo(chainId: s.chainId, genesisId: s.genesis, bestHeight: s.height,
                           chainWork: await node.chainWorkBytes(), nodeId: nodeId, listenPort: UInt16(clamping: listenPort),
                           userAgent: "kusari/\(Node.version)")
    }

    private func send(_ m: Message, to id: Int) {
        peers[id]?.channel.writeAndFlush(m, promise: nil)
    }

    // MARK: - Messages

    func received(_ message: Message, from id: Int) async {
        guard peers[id] != nil else { return }
        switch message {
        case .version(let v):
            let s = await node.status()
            guard v.chainId == s.chainId, v.genesisId == s.genesis else {
                return drop(id, "another network (chain \(v.chainId), genesis \(v.genesisId))")
            }
            guard v.nodeId != nodeId else { return drop(id, "connected to ourselves") }
            peers[id]?.version = v
            send(.verack, to: id)
            if v.chainWork > (await node.chainWorkBytes()) { send(.getheaders(locator: await node.locator(), stop: .zero), to: id) }
        case .verack:
            peers[id]?.ready = true
            await node.setPeerCount(peers.values.filter(\.ready).count)
        case .ping(let n):
            send(.pong(nonce: n), to: id)
        case .pong, .getaddr, .addr, .notfound:
            break
        case .inv(let items):
            var wanted: [Inventory] = []
            var askHeaders = false
            for item in items {
                peers[id]?.known.insert(item.hash)
                switch item.kind {
                case .transaction: if !(await node.knowsTransaction(item.hash)) { wanted.append(item) }
                case .block: if !(await node.knowsBlock(item.hash)) { askHeaders = true }
                }
            }
            if !wanted.isEmpty { send(.getdata(wanted), to: id) }
            if askHeaders { send(.getheaders(locator: await node.locator(), stop: .zero), to: id) }
        case .getdata(let items):
            var missing: [Inventory] = []
            for item in items {
                switch item.kind {
                case .transaction:
                    if let tx = await node.pendingTransaction(item.hash) { send(.tx(tx), to: id) } else { missing.append(item) }
                case .block:
                    if let b = await node.storedBlock(item.hash) { send(.block(b), to: id) } else { missing.append(item) }
                }
            }
            if !missing.isEmpty { send(.notfound(missing), to: id) }
        case .getheaders(let locator, let stop):
            send(.headers(await node.headers(after: locator, stop: stop, limit: WireLimits.maxHeaders)), to: id)
        case .headers(let headers):
            var wanted: [Inventory] = []
            for h in headers where !(await node.knowsBlock(h.id)) { wanted.append(Inventory(kind: .block, hash: h.id)) }
            for h in headers { peers[id]?.known.insert(h.id) }
            if !wanted.isEmpty { send(.getdata(wanted), to: id) }
            if headers.count == WireLimits.maxHeaders, let last = headers.last {
                send(.getheaders(locator: [last.id], stop: .zero), to: id)
            }
        case .block(let block):
            peers[id]?.known.insert(block.id)
            do {
                try await node.accept(block: block)
            } catch {
                if await node.knowsBlock(block.header.previousId) {
                    if case .badRequest(_, let reason) = error, reason.contains("already known") { return }
                    return drop(id, "invalid block: \(error)")
                }
                send(.getheaders(locator: await node.locator(), stop: .zero), to: id)
            }
        case .tx(let tx):
            peers[id]?.known.insert(tx.id)
            _ = try? await node.admit(verified: try Node.prepare(transaction: tx.encoded))
        }
    }

    // MARK: - Announcements

    private func startAnnouncing() {
        let stream = node.events.subscribe()
        Task {
            for await event in stream { await self.announce(event) }
        }
    }

    func announce(_ event: NodeEvent) async {
        let item: Inventory
        switch event {
        case .block(_, let id, _): item = Inventory(kind: .block, hash: id)
        case .reorganization(_, _, _, let tip): item = Inventory(kind: .block, hash: tip)
        case .transaction(let id): item = Inventory(kind: .transaction, hash: id)
        case .heartbeat:
            for id in peers.keys where peers[id]?.ready == true { send(.ping(nonce: UInt64.random(in: 0...UInt64.max)), to: id) }
            return
        }
        for (id, peer) in peers where peer.ready && !peer.known.contains(item.hash) {
            peers[id]?.known.insert(item.hash)
            send(.inv([item]), to: id)
        }
    }
}

/// Feeds one connection's messages, in order, to the P2P actor.
final class PeerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Message
    let p2p: P2P
    let outbound: Bool
    let remote: String?
    private var continuation: AsyncStream<Message>.Continuation?

    init(p2p: P2P, outbound: Bool, remote: String?) {
        self.p2p = p2p
        self.outbound = outbound
        self.remote = remote
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let (stream, continuation) = AsyncStream<Message>.makeStream()
        self.continuation = continuation
        let p2p = self.p2p, outbound = self.outbound
        let remote = self.remote ?? channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        Task {
            guard let id = await p2p.connected(channel, outbound: outbound, remote: remote) else { return }
            for await message in stream { await p2p.received(message, from: id) }
            await p2p.disconnected(id)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation?.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation?.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Undecodable bytes or a broken connection: close it.
        context.close(promise: nil)
    }
}
