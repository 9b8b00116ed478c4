import KusariCore
import KusariNetwork
import Logging

/// A node's peer-to-peer side: it takes connections from a `Transport`, shakes
/// hands (same chain id and genesis, not ourselves), gossips transactions and
/// blocks by announcement (inventory first, bodies on request, only what the
/// host accepted), and syncs headers first from a peer with more work. It sees
/// the node only as a `NetworkHost`, time only through a `NetworkClock` and
/// chance only through a `RandomSource`: on the simulator, the same seed gives
/// the same run.
///
/// The parts live in files by concern: connections (here), `Messages` (the
/// handshake and the message switch), `Gossip` (announcements, requests,
/// trickles), `BlockSync` (headers first and the `BlockDownload` schedule),
/// `AddressBook` (known addresses and dialling), `Misbehaviour` (points and
/// bans), `Housekeeping` (pings, stalls, timeouts), `Channels` and
/// `ChannelTraffic` (gossip channels that other subsystems register).
public actor PeerNetwork {
    let host: any NetworkHost
    let logger: Logger
    let clock: any NetworkClock
    let random: any RandomSource
    /// What carries the connections (set once, by `attach`).
    var transport: (any Transport)?
    /// A random id for this process, to recognise a connection to ourselves.
    public nonisolated let nodeId: UInt64
    public private(set) var listenPort = 0
    /// The most connections at once, and the most of them that others opened.
    let maxPeers: Int
    let maxInbound: Int
    /// Seconds a ping may go unanswered before the peer is dropped; pings go out every third of it (at most 20 s).
    public private(set) var pingTimeout: Double = 60
    public func setPingTimeout(_ seconds: Double) { pingTimeout = max(1, seconds) }

    struct Peer {
        let link: any PeerLink
        let outbound: Bool
        let remote: String
        var version: VersionInfo?
        var ready = false
        /// Inventory the peer holds or was offered.
        let known = RecentIds()
        /// Transaction announcements waiting for the next trickle.
        let outbox = Outbox()
        var score = 0
        var pingSent: (nonce: UInt64, at: Double)?
        var lastPing = -Double.infinity
        var latency: Double?
        var answeredGetaddr = false
        var blocksIn = 0
        /// Headers batches in a row that connected to nothing we know.
        var unconnecting = 0
        /// The best height this peer has shown: its handshake's, then its valid headers'.
        var height: UInt64 = 0
        let connectedAt: Double
        /// Bytes and block bodies read when the download last looked, to see progress.
        var inboundSeen = 0
        var blocksSeen = 0
        /// Messages in the current second, for flood detection.
        var second: UInt64 = 0
        var messages = 0
        /// Unsolicited channel items in the current second, per channel kind.
        var items: [UInt8: (second: UInt64, count: Int)] = [:]
        var counters: LinkCounters { link.counters }
    }

    /// Which block bodies to ask of which peer (moving window, stalls, departures).
    var download: BlockDownload
    /// Bodies that arrived before their parent was connected, by parent id, with their sender.
    var held: [Hash256: [(block: Block, from: Int)]] = [:]
    /// Transactions asked of peers and not yet received (each fetched once, not from every announcer).
    var txRequests = TransactionRequests()
    /// When headers were last asked because the download ran dry.
    var lastHeadersRefresh: Double = -.infinity

    /// Blocks served per getdata (a sync asks for more in further requests).
    static let maxBlocksPerGetdata = 500
    /// Seconds a new connection has to finish its handshake.
    static let handshakeSeconds: Double = 15
    /// Messages a second past which a peer is flooding (each further second costs points).
    static let floodPerSecond = 5_000
    /// Seconds without a byte on a connection after which a new connection from the same
    /// node, opened by the same side, replaces it (pings go out at least every 20 s).
    static let replaceAfterSilentSeconds: Double = 25
    /// Bytes of other traffic between two looks at the download that show a peer is
    /// busy sending (its block bodies may wait behind them) rather than stalling.
    static let busyBytes = 64 << 10
    /// Headers batches in a row that may fail to connect before they cost points.
    static let maxUnconnectingHeaders = 10
    /// Bytes that may wait to be sent to one peer (a few blocks' worth; past it nothing more
    /// is queued for the peer until it reads: a block asked then is answered `notfound`).
    public static let maxUnsentBytes = 16 << 20

    /// A peer as `GET /v1/peers` shows it.
    public struct PeerInfo: Sendable {
        public var address: String
        public var direction: String
        public var nodeId: UInt64?
        public var height: UInt64?
        public var userAgent: String?
        public var latencyMs: Double?
        public var bytesIn: Int
        public var bytesOut: Int
        /// Blocks this peer sent us.
        public var blocksIn: Int
        public var score: Int
    }

    /// A ban as `GET /v1/bans` shows it.
    public struct Ban: Sendable, Codable {
        public var key: String
        public var until: UInt64
        public var reason: String
    }

    /// Misbehaviour points at which a peer is banned, and for how long.
    public static let banThreshold = 100
    public var banSeconds: UInt64 = 24 * 3600
    var bans: [String: Ban] = [:]
    /// Where bans and known addresses are kept (nil: nowhere).
    let store: PeerStore?

    /// Known peer addresses (`HOST:PORT` → last seen, Unix seconds), gossiped
    /// with getaddr/addr and kept by the `PeerStore`, so that a node given one
    /// `--peer` finds the others and a restarted node reconnects by itself.
    var book: [String: UInt64] = [:]
    /// When each book address may be dialled again, and the delay after that.
    var nextAttempt: [String: (at: Double, delay: Double)] = [:]
    /// Addresses the node keeps a connection to whatever happens (`--peer`), with their backoff.
    var persistent: [String: Backoff] = [:]
    /// Dials in progress, and whether each was made for a kept address (a second dial to
    /// the same address waits for the first).
    var dialling: [String: Bool] = [:]
    /// Outbound connections the node tries to keep to addresses it learned (0: none).
    public private(set) var outboundTarget = 8
    public func setOutboundTarget(_ n: Int) { outboundTarget = max(0, n) }

    var peers: [Int: Peer] = [:]
    var nextId = 0
    /// Registered gossip channels by kind (`register`).
    var channels: [UInt8: ChannelState] = [:]
    var stopping = false
    /// Addresses that led to a node already connected by another way, with that node's id.
    var dialledNodes: [String: UInt64] = [:]
    /// Calls of `received(batch:)` and `refreshConnections` in progress (`stop` waits for them).
    var handling = 0
    /// Whether later bodies' signatures are being checked in the background now.
    var checkingInBackground = false
    func backgroundCheckDone() { checkingInBackground = false }

    /// A peer network for `host` on `network`; `store` keeps bans and addresses.
    public init(host: any NetworkHost, maxPeers: Int, maxInbound: Int? = nil, store: PeerStore?, logger: Logger,
                clock: any NetworkClock = SystemClock(), random: any RandomSource = SystemRandom(),
                download: BlockDownload.Limits = BlockDownload.Limits()) {
        self.host = host
        self.maxInbound = min(maxPeers, maxInbound ?? max(1, maxPeers - 8))
        self.download = BlockDownload(limits: download)
        self.maxPeers = maxPeers
        self.logger = logger
        self.clock = clock
        self.random = random
        self.nodeId = max(1, random.next())
        self.store = store
        if let store {
            book = store.loadBook()
            bans = Dictionary(store.loadBans().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Gives the network its transport (once, before anything connects).
    public func attach(_ transport: any Transport) { self.transport = transport }

    // MARK: - Connections

    /// Listens for peers on `host:port` (0: any free port) through the transport; returns the port.
    public func listen(host: String, port: Int) async throws -> Int {
        guard let transport else { throw PeerNetworkError.noTransport }
        listenPort = try await transport.listen(host: host, port: port)
        return listenPort
    }

    /// Starts taking what the host admits for the trickles.
    public func start() async { await host.startRelaying() }

    var isStopping: Bool { stopping }
    /// Whether `stop` was called.
    public var hasStopped: Bool { stopping }

    /// Whether a peer is connected at `remote`, dialed there or listening there (an inbound
    /// connection from the same node counts: dialing it again would only be refused).
    func isConnected(to remote: String) -> Bool { connectedAddresses().contains(remote) }

    /// Every address a connected peer is known by: dialled, listening, or dialled and found to be it.
    func connectedAddresses() -> Set<String> {
        var out = Set<String>()
        var nodes = Set<UInt64>()
        for p in peers.values {
            out.insert(p.remote)
            if let a = Self.listenAddress(of: p) { out.insert(a) }
            if let n = p.version?.nodeId { nodes.insert(n) }
        }
        for (address, node) in dialledNodes where nodes.contains(node) { out.insert(address) }
        return out
    }

    /// The address a peer says it listens on (its connection's host and its handshake's port).
    static func listenAddress(of peer: Peer) -> String? {
        guard let port = peer.version?.listenPort, port != 0 else { return nil }
        return (hostAndPort(peer.remote)?.host ?? peer.remote) + ":\(port)"
    }

    /// The ids of connected peers, in order (every loop that sends goes this way: the same
    /// state gives the same messages in the same order).
    var orderedIds: [Int] { peers.keys.sorted() }

    /// Closes every connection and stops listening; returns once work already inside
    /// this actor (it may read or write the chain) has ended, so the caller may close
    /// the chain. Nothing new starts (`stopping`).
    public func stop() async {
        stopping = true
        for id in orderedIds { peers[id]?.link.close() }
        await transport?.stopListening()
        let deadline = clock.now + 10
        while handling > 0 && clock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// A new link (the transport reports it): registered with an id, or refused
    /// (banned, full) and closed. Sends our `version` first.
    public func connected(_ link: any PeerLink, outbound: Bool, remote: String) async -> Int? {
        guard !stopping else { link.close(); return nil }
        handling += 1
        defer { handling -= 1 }
        if isBanned(remote) {
            logger.info("refusing a banned peer", metadata: ["remote": "\(remote)"])
            link.close()
            return nil
        }
        // Full: a connection that has not finished its handshake (idle sockets can fill every
        // slot) makes room for the newcomer, the oldest first.
        let inboundFull = !outbound && peers.values.filter({ !$0.outbound }).count >= maxInbound
        if peers.count >= maxPeers || inboundFull,
           let (idle, old) = peers.filter({ !$0.value.ready && !$0.value.outbound })
            .min(by: { ($0.value.connectedAt, $0.key) < ($1.value.connectedAt, $1.key) }) {
            logger.info("closing an unfinished connection to make room", metadata: ["remote": "\(old.remote)"])
            peers[idle] = nil
            old.link.close()
        }
        guard peers.count < maxPeers else {
            logger.info("refusing a peer: too many peers", metadata: ["remote": "\(remote)"])
            link.close()
            return nil
        }
        guard outbound || peers.values.filter({ !$0.outbound }).count < maxInbound else {
            logger.info("refusing a peer: too many inbound peers", metadata: ["remote": "\(remote)", "limit": "\(maxInbound)"])
            link.close()
            return nil
        }
        let id = nextId
        nextId += 1
        peers[id] = Peer(link: link, outbound: outbound, remote: remote, connectedAt: clock.now)
        send(.version(await versionInfo()), to: id)
        await host.setPeerCount(readyCount)
        return id
    }

    /// Peers that finished their handshake.
    var readyCount: Int { peers.values.filter(\.ready).count }

    /// A link closed (the transport reports it once, after its last message).
    public func disconnected(_ id: Int) async {
        handling += 1
        defer { handling -= 1 }
        if let p = peers.removeValue(forKey: id) {
            logger.info("peer disconnected", metadata: ["remote": "\(p.remote)"])
        }
        download.peerGone(id)
        txRequests.peerGone(id)
        for kind in channels.keys.sorted() { channels[kind]?.requests.peerGone(id) }
        // Stopping: every connection goes; nothing more is asked or connected.
        guard !stopping else { return }
        askAgainForTransactions()
        askAgainForChannelItems()
        await reportPeerHeight()
        schedule()
        await dropOrphans()
        await host.setPeerCount(readyCount)
    }

    /// Closes a peer's link, saying why in the log.
    func drop(_ id: Int, _ reason: String) {
        guard let p = peers[id] else { return }
        logger.notice("disconnecting peer", metadata: ["remote": "\(p.remote)", "reason": "\(reason)"])
        p.link.close()
    }

    func versionInfo() async -> VersionInfo {
        let s = await host.handshakeInfo()
        return VersionInfo(chainId: s.chainId, genesisId: s.genesis, bestHeight: s.height, chainWork: s.chainWork,
                           nodeId: nodeId, listenPort: UInt16(clamping: listenPort), userAgent: host.userAgent)
    }

    /// Queues `m` for a peer; `flush: false` leaves the write for a later flush (one system call for many messages).
    @discardableResult
    func send(_ m: Message, to id: Int, flush: Bool = true) -> Bool {
        // A peer that does not read gets nothing more queued (bounded memory); if it never
        // reads again, its unanswered pings drop it.
        guard let link = peers[id]?.link, link.isWritable else { return false }
        return link.send(m, flush: flush)
    }
}

/// A peer's transaction announcements waiting for the next trickle.
final class Outbox: @unchecked Sendable {
    var items: [Inventory] = []
}

/// Why the peer network cannot do what was asked.
public enum PeerNetworkError: Error, CustomStringConvertible {
    case noTransport
    public var description: String {
        switch self {
        case .noTransport: return "the peer network has no transport attached"
        }
    }
}
