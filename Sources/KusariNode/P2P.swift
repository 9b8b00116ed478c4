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
    /// The most connections at once, and the most of them that others opened.
    let maxPeers: Int
    let maxInbound: Int
    /// Seconds a ping may go unanswered before the peer is dropped; pings go out every third of it (at most 20 s).
    public private(set) var pingTimeout: Double = 60
    public func setPingTimeout(_ seconds: Double) { pingTimeout = max(1, seconds) }

    struct Peer {
        let channel: any Channel
        let outbound: Bool
        let remote: String
        let counters: ByteCounters
        var version: VersionInfo?
        var ready = false
        /// Inventory the peer holds or was offered.
        let known = RecentIds()
        /// Transaction announcements waiting for the next trickle.
        let outbox = Outbox()
        var score = 0
        var pingSent: (nonce: UInt64, at: Date)?
        var lastPing = Date.distantPast
        var latency: Double?
        var answeredGetaddr = false
        var blocksIn = 0
        /// Headers batches in a row that connected to nothing we know.
        var unconnecting = 0
        /// The best height this peer has shown: its handshake's, then its valid headers'.
        var height: UInt64 = 0
        let connectedAt = Date()
        /// Bytes and block bodies read when the download last looked, to see progress.
        var inboundSeen = 0
        var blocksSeen = 0
        /// Messages in the current second, for flood detection.
        var second = 0
        var messages = 0
    }

    /// Which block bodies to ask of which peer (moving window, stalls, departures).
    var download: BlockDownload
    /// Bodies that arrived before their parent was connected, by parent id, with their sender.
    var held: [Hash256: [(block: Block, from: Int)]] = [:]
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
    /// Transactions asked of peers and not yet received (each fetched once, not from every announcer).
    var txRequests = TransactionRequests()
    /// When headers were last asked because the download ran dry.
    var lastHeadersRefresh: Double = 0

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
    var bansPath: String?

    /// Known peer addresses (`HOST:PORT` → last seen, Unix seconds), gossiped
    /// with getaddr/addr and kept in the data directory, so that a node given
    /// one `--peer` finds the others and a restarted node reconnects by itself.
    var book: [String: UInt64] = [:]
    var bookPath: String?
    var nextAttempt: [String: (at: Date, delay: Double)] = [:]
    /// Outbound connections the node tries to keep to addresses it learned (0: none).
    public private(set) var outboundTarget = 8
    public func setOutboundTarget(_ n: Int) { outboundTarget = max(0, n) }

    var peers: [Int: Peer] = [:]
    var nextId = 0
    var server: (any Channel)?
    var stopping = false

    public init(node: Node, network: Network, maxPeers: Int, maxInbound: Int? = nil, dataDirectory: String?, logger: Logger,
                download: BlockDownload.Limits = BlockDownload.Limits()) {
        self.node = node
        self.maxInbound = min(maxPeers, maxInbound ?? max(1, maxPeers - 8))
        self.download = BlockDownload(limits: download)
        self.magic = Frame.magic(for: network)
        self.maxPeers = maxPeers
        self.logger = logger
        if let dataDirectory {
            bookPath = dataDirectory + "/peers.json"
            if let data = FileManager.default.contents(atPath: dataDirectory + "/peers.json"),
               let saved = try? JSONDecoder().decode([String: UInt64].self, from: data) {
                book = saved
            }
            let path = dataDirectory + "/bans.json"
            bansPath = path
            if let data = FileManager.default.contents(atPath: path),
               let list = try? JSONDecoder().decode([Ban].self, from: data) {
                bans = Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            }
        }
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
        return listenPort
    }

    /// Starts relaying what the node accepts to the peers: blocks as they connect
    /// (from the node's events), transactions in trickles (taken from the node
    /// every `trickleMilliseconds`, so none is lost however busy this actor is).
    public func start() async {
        await node.startRelaying()
        let stream = node.events.subscribe { event in
            if case .transaction = event { return false }
            return true
        }
        Task {
            for await event in stream { await self.announce(event) }
        }
        Task {
            while await !self.isStopping {
                try? await Task.sleep(for: .milliseconds(Self.trickleMilliseconds))
                await self.trickle()
            }
        }
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

    /// Addresses that led to a node already connected by another way, with that node's id.
    var dialledNodes: [String: UInt64] = [:]

    /// The address a peer says it listens on (its connection's host and its handshake's port).
    static func listenAddress(of peer: Peer) -> String? {
        guard let port = peer.version?.listenPort, port != 0 else { return nil }
        return peer.remote.split(separator: ":").dropLast().joined(separator: ":") + ":\(port)"
    }

    /// Closes every connection and the listener.
    public func stop() async {
        stopping = true
        for p in peers.values { p.channel.close(promise: nil) }
        try? await server?.close()
        // Work already inside this actor (it may read or write the chain) ends before the
        // caller closes the chain; nothing new starts (`stopping`).
        let deadline = Self.clock() + 10
        while handling > 0 && Self.clock() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Calls of `received(batch:)` and `refreshConnections` in progress (`stop` waits for them).
    var handling = 0
    /// Whether later bodies' signatures are being checked in the background now.
    var checkingInBackground = false
    func backgroundCheckDone() { checkingInBackground = false }

    nonisolated static func configure(_ channel: any Channel, magic: UInt32, p2p: P2P, outbound: Bool, remote: String? = nil) throws {
        let counters = ByteCounters()
        let handler = PeerHandler(p2p: p2p, outbound: outbound, remote: remote, counters: counters)
        try channel.pipeline.syncOperations.addHandler(ByteCountingHandler(counters: counters))
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder(magic: magic)))
        try channel.pipeline.syncOperations.addHandler(handler)
        // Past 16 MiB waiting to be sent the channel reports unwritable: nothing more is queued (see `send`).
        try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark,
                                           value: .init(low: Self.maxUnsentBytes / 2, high: Self.maxUnsentBytes))
    }

    /// Bytes that may wait to be sent to one peer (a few blocks' worth; past it nothing more
    /// is queued for the peer until it reads: a block asked then is answered `notfound`).
    static let maxUnsentBytes = 16 << 20

    func connected(_ channel: any Channel, outbound: Bool, remote: String, counters: ByteCounters) async -> Int? {
        if isBanned(remote) {
            logger.info("refusing a banned peer", metadata: ["remote": "\(remote)"])
            channel.close(promise: nil)
            return nil
        }
        // Full: a connection that has not finished its handshake (idle sockets can fill every
        // slot) makes room for the newcomer, the oldest first.
        let inboundFull = !outbound && peers.values.filter({ !$0.outbound }).count >= maxInbound
        if peers.count >= maxPeers || inboundFull,
           let (idle, old) = peers.filter({ !$0.value.ready && !$0.value.outbound }).min(by: { $0.value.connectedAt < $1.value.connectedAt }) {
            logger.info("closing an unfinished connection to make room", metadata: ["remote": "\(old.remote)"])
            peers[idle] = nil
            old.channel.close(promise: nil)
        }
        guard peers.count < maxPeers else {
            logger.info("refusing a peer: too many peers", metadata: ["remote": "\(remote)"])
            channel.close(promise: nil)
            return nil
        }
        guard outbound || peers.values.filter({ !$0.outbound }).count < maxInbound else {
            logger.info("refusing a peer: too many inbound peers", metadata: ["remote": "\(remote)", "limit": "\(maxInbound)"])
            channel.close(promise: nil)
            return nil
        }
        let id = nextId
        nextId += 1
        peers[id] = Peer(channel: channel, outbound: outbound, remote: remote, counters: counters)
        send(.version(await versionInfo()), to: id)
        await node.setPeerCount(peers.values.filter(\.ready).count)
        return id
    }

    func disconnected(_ id: Int) async {
        if let p = peers.removeValue(forKey: id) {
            logger.info("peer disconnected", metadata: ["remote": "\(p.remote)"])
        }
        download.peerGone(id)
        txRequests.peerGone(id)
        // Stopping: every connection goes; nothing more is asked or connected.
        guard !stopping else { return }
        askAgainForTransactions()
        await reportPeerHeight()
        schedule()
        await dropOrphans()
        await node.setPeerCount(peers.values.filter(\.ready).count)
    }

    func drop(_ id: Int, _ reason: String) {
        guard let p = peers[id] else { return }
        logger.notice("disconnecting peer", metadata: ["remote": "\(p.remote)", "reason": "\(reason)"])
        p.channel.close(promise: nil)
    }

    func versionInfo() async -> VersionInfo {
        let s = await node.status()
        return VersionInfo(chainId: s.chainId, genesisId: s.genesis, bestHeight: s.height,
                           chainWork: await node.chainWorkBytes(), nodeId: nodeId, listenPort: UInt16(clamping: listenPort),
                           userAgent: "kusari/\(Node.version)")
    }

    /// Queues `m` for a peer; `flush: false` leaves the write for a later flush (one system call for many messages).
    @discardableResult
    func send(_ m: Message, to id: Int, flush: Bool = true) -> Bool {
        guard let channel = peers[id]?.channel else { return false }
        // A peer that does not read gets nothing more queued (bounded memory); if it never
        // reads again, its unanswered pings drop it.
        guard channel.isWritable else { return false }
        if flush { channel.writeAndFlush(m, promise: nil) } else { channel.write(m, promise: nil) }
        return true
    }

    /// Asks the next announcer for transactions the first did not deliver.
    func askAgainForTransactions() {
        for (peer, ids) in txRequests.retries(now: Self.clock()) where peers[peer]?.ready == true {
            send(.getdata(ids.map { Inventory(kind: .transaction, hash: $0) }), to: peer)
        }
    }

    // MARK: - Messages

    /// Counts a message towards the peer's rate; past `floodPerSecond` in one second it costs points.
    func countMessage(_ id: Int) {
        guard let peer = peers[id] else { return }
        let now = Int(Date().timeIntervalSince1970)
        let count = peer.second == now ? peer.messages + 1 : 1
        peers[id]?.second = now
        peers[id]?.messages = count
        if count == Self.floodPerSecond { misbehaved(id, points: 20, "flooding: \(count) messages in one second") }
    }

    /// Handles a connection's messages in order (`PeerHandler` passes all that
    /// waited, each `tx` with its signature checked): a run of transactions goes
    /// to the node in one call.
    func received(batch unordered: [(message: Message, signatureValid: Bool?)], from id: Int) async {
        guard !stopping else { return }
        handling += 1
        defer { handling -= 1 }
        // After the handshake, what moves the chain goes first: a block waiting behind a
        // busy peer's thousands of transactions would reach the chain late and make every
        // node fall behind the miner.
        let batch = peers[id]?.version == nil ? unordered
            : unordered.filter { Self.movesTheChain($0.message) } + unordered.filter { !Self.movesTheChain($0.message) }
        // Several bodies at once (a sync): the signatures of all but the first are checked in
        // the background, on the cores the node's apply of the one before leaves free.
        // Only bodies asked of this peer (a sync), one check at a time: no peer can make the
        // node check signatures it did not ask for.
        let bodies = batch.compactMap { m -> Block? in if case .block(let b) = m.message { return b } else { return nil } }
        let later = bodies.dropFirst().filter { download.isRequested($0.id, from: id) }
        if !later.isEmpty, !checkingInBackground, peers[id]?.ready == true,
           await node.firstWithoutProofOfWork(later.map(\.header)) == nil {
            checkingInBackground = true
            node.verifiedSignatures.checkAhead(Array(later)) { Task { await self.backgroundCheckDone() } }
        }
        var i = 0
        while i < batch.count {
            guard peers[id] != nil else { return }
            guard case .tx = batch[i].message, peers[id]?.version != nil else {
                await received(batch[i].message, from: id, signatureValid: batch[i].signatureValid)
                i += 1
                continue
            }
            var run: [Transaction] = []
            while i < batch.count, case .tx(let tx) = batch[i].message {
                let valid = batch[i].signatureValid ?? tx.hasValidSignature
                i += 1
                let txid = tx.id
                peers[id]?.known.insert(txid)
                // Transactions we asked for are not flooding; unasked ones count.
                if !txRequests.received(txid) { countMessage(id) }
                guard valid else {
                    if !run.isEmpty { _ = await node.admit(verifiedBatch: run) }
                    return misbehaved(id, points: 100, "transaction with a bad signature")
                }
                run.append(tx)
            }
            // Policy refusals (known, fee, nonce) are not misbehaviour.
            _ = await node.admit(verifiedBatch: run)
        }
    }

    /// Whether a message is about blocks (handled before transactions in a batch).
    static func movesTheChain(_ m: Message) -> Bool {
        switch m {
        case .block, .headers, .getheaders: return true
        case .inv(let items), .getdata(let items), .notfound(let items): return items.contains { $0.kind == .block }
        default: return false
        }
    }

    /// Handles one message. For a `tx`, `signatureValid` is the result of its
    /// signature check, made by the connection's own task before it came here (so
    /// that checks run on every core, not one at a time inside this actor).
    func received(_ message: Message, from id: Int, signatureValid: Bool? = nil) async {
        guard let peer = peers[id] else { return }
        if case .tx = message {} else { countMessage(id) }
        // Nothing but `version` before a valid version; nothing but `verack` right after.
        if peer.version == nil, case .version = message {} else if peer.version == nil {
            return drop(id, "\(message.type) before version")
        }
        switch message {
        case .version(let v):
            guard peer.version == nil else { return misbehaved(id, points: 50, "a second version message") }
            let s = await node.status()
            guard v.chainId == s.chainId, v.genesisId == s.genesis else {
                return drop(id, "another network (chain \(v.chainId), genesis \(v.genesisId))")
            }
            guard v.nodeId != nodeId else { return drop(id, "connected to ourselves") }
            if let (oldId, old) = peers.first(where: { $0.key != id && $0.value.version?.nodeId == v.nodeId }) {
                // The old connection is gone, or the same side opened both and nothing has come on
                // the old one for a while: that side gave it up (it dials only when it has no link)
                // and its close has not reached us (reading paused, say). The new one replaces it.
                // Otherwise the first one stays (a node claiming another's id cannot evict it).
                let silent = Self.clock() - old.counters.lastRead
                guard !old.channel.isActive || (old.outbound == peer.outbound && silent >= Self.replaceAfterSilentSeconds) else {
                    // The address we dialled leads to a node we already have: not dialled again
                    // while that node stays connected (a devnet's nodes all name each other).
                    if peer.outbound, dialledNodes.count < 10_000 { dialledNodes[peer.remote] = v.nodeId }
                    return drop(id, "already connected to this node")
                }
                peers[oldId]?.ready = false
                drop(oldId, "replaced by a new connection from the same node")
            }
            peers[id]?.version = v
            peers[id]?.height = v.bestHeight
            await reportPeerHeight()
            send(.verack, to: id)
            if let p = peers[id] {
                let host = p.remote.split(separator: ":").dropLast().joined(separator: ":")
                if v.listenPort != 0 { remember("\(host):\(v.listenPort)", seen: UInt64(Date().timeIntervalSince1970)) }
                if p.outbound { nextAttempt[p.remote] = nil }
            }
            send(.getaddr, to: id)
            if v.chainWork > (await node.chainWorkBytes()) { send(.getheaders(locator: await node.locator(), stop: .zero), to: id) }
        case .verack:
            guard peers[id]?.ready == false else { return }
            peers[id]?.ready = true
            await node.setPeerCount(peers.values.filter(\.ready).count)
            // What our pool holds is offered to the new peer (as Bitcoin's `mempool` exchange
            // does), so nothing admitted while a link was down stays behind it.
            for txid in await node.pendingIds() { queueAnnouncement(Inventory(kind: .transaction, hash: txid), to: id) }
        case .ping(let n):
            send(.pong(nonce: n), to: id)
        case .pong(let n):
            if let sent = peers[id]?.pingSent, sent.nonce == n {
                peers[id]?.latency = Date().timeIntervalSince(sent.at)
                peers[id]?.pingSent = nil
            }
        case .getaddr:
            guard peers[id]?.answeredGetaddr != true else { return }
            peers[id]?.answeredGetaddr = true
            send(.addr(addresses(excluding: peers[id]?.remote ?? "")), to: id)
        case .addr(let list):
            let now = UInt64(Date().timeIntervalSince1970)
            for a in list.prefix(WireLimits.maxAddresses) where a.ip.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] && a.port != 0 {
                // A peer's word about when it saw an address is never later than now.
                remember("\(a.ip[12]).\(a.ip[13]).\(a.ip[14]).\(a.ip[15]):\(a.port)", seen: min(a.lastSeen, now), save: false)
            }
            saveBook()
            await refreshConnections()
        case .notfound(let items):
            for item in items {
                if item.kind == .block { download.notFound(item.hash, from: id) } else { txRequests.notFound(item.hash, from: id) }
            }
            askAgainForTransactions()
            schedule()
            await dropOrphans()
        case .inv(let items):
            var askHeaders = false
            var announcedTxs: [Hash256] = []
            for item in items {
                peers[id]?.known.insert(item.hash)
                switch item.kind {
                case .transaction: announcedTxs.append(item.hash)
                case .block:
                    // A block we hold that the peer announces is a block it holds: it proves its height.
                    if let height = await node.height(ofBlock: item.hash) { peerProved(id, height: height) } else { askHeaders = true }
                }
            }
            let unknown = announcedTxs.isEmpty ? [] : await node.wantedTransactions(announcedTxs)
            let wanted = txRequests.announced(unknown, by: id, now: Self.clock())
            if !wanted.isEmpty { send(.getdata(wanted.map { Inventory(kind: .transaction, hash: $0) }), to: id) }
            if askHeaders { send(.getheaders(locator: await node.locator(), stop: .zero), to: id) }
        case .getdata(let requested):
            // Each object once, and at most `maxBlocksPerGetdata` blocks a request.
            var seen = Set<Inventory>()
            let unique = requested.filter { seen.insert($0).inserted }
            let blocks = unique.filter { $0.kind == .block }
            if blocks.count > Self.maxBlocksPerGetdata { misbehaved(id, points: 10, "getdata for \(blocks.count) blocks") }
            let items = unique.filter { $0.kind == .transaction } + blocks.prefix(Self.maxBlocksPerGetdata)
            var missing: [Inventory] = []
            let txIds = items.filter { $0.kind == .transaction }.map(\.hash)
            for (hash, tx) in txIds.isEmpty ? [] : await node.pendingTransactions(txIds) {
                // Not pending, or not sent (the peer is not reading): it may ask another peer.
                if let tx, send(.tx(tx), to: id, flush: false) { continue }
                missing.append(Inventory(kind: .transaction, hash: hash))
            }
            peers[id]?.channel.flush()
            for item in items where item.kind == .block {
                // Blocks go out while the peer reads them; what does not fit now is "not found" (ask again).
                guard peers[id]?.channel.isWritable == true, let b = await node.storedBlock(item.hash) else {
                    missing.append(item)
                    continue
                }
                send(.block(b), to: id)
            }
            if !missing.isEmpty { send(.notfound(missing), to: id) }
        case .getheaders(let locator, let stop):
            // The locator starts at the peer's best block: if we hold it, the peer has shown that height.
            if let tip = locator.first, let height = await node.height(ofBlock: tip) { peerProved(id, height: height) }
            send(.headers(await node.headers(after: locator, stop: stop, limit: WireLimits.maxHeaders)), to: id)
        case .headers(let headers):
            // A batch is a chain: each header follows the one before, each with its proof of work.
            for (i, h) in headers.enumerated() where i > 0 {
                if h.previousId != headers[i - 1].id || headers[i - 1].height == .max || h.height != headers[i - 1].height + 1 {
                    return misbehaved(id, points: 50, "headers that do not form a chain (at \(h.id))")
                }
            }
            if let bad = await node.firstWithoutProofOfWork(headers) {
                return misbehaved(id, points: 100, "header \(headers[bad].id) without valid proof of work")
            }
            guard let first = headers.first, let last = headers.last else { return }
            // The batch must hang from a block we know or are fetching; otherwise the peer is on
            // a branch we have not heard of, and we ask again from our locator.
            if !download.isPending(first.previousId), !(await node.knowsBlock(first.previousId)) {
                peers[id]?.unconnecting += 1
                if (peers[id]?.unconnecting ?? 0) >= Self.maxUnconnectingHeaders {
                    peers[id]?.unconnecting = 0
                    misbehaved(id, points: 20, "\(Self.maxUnconnectingHeaders) headers batches that connect to nothing we know")
                }
                send(.getheaders(locator: await node.locator(), stop: .zero), to: id)
                return
            }
            peers[id]?.unconnecting = 0
            if last.height > (peers[id]?.height ?? 0) {
                peers[id]?.height = last.height
                await reportPeerHeight()
            }
            let unknown = await node.unknownBlocks(headers.map(\.id))
            for h in headers { peers[id]?.known.insert(h.id) }
            download.add(unknown, from: id)
            schedule()
            // A full batch: ask for the next, while the queue has room (later, `refreshConnections` asks again).
            if headers.count == WireLimits.maxHeaders, download.hasRoom {
                send(.getheaders(locator: [last.id], stop: .zero), to: id)
            }
        case .block(let block):
            peers[id]?.known.insert(block.id)
            peers[id]?.blocksIn += 1
            let scheduled = download.isPending(block.id)
            // A second copy of a body already received (and held or being connected) is ignored.
            guard download.received(block.id) || !scheduled else { return }
            // Proof of work first: a block without it costs its sender, whatever its parent.
            guard await node.hasValidProofOfWork(block.header) else {
                if scheduled { download.rejected(block.id, from: id) }
                schedule()
                return misbehaved(id, points: 100, "block \(block.id) without valid proof of work")
            }
            // A body of the sync that came before its parent waits for it (inside the window).
            let parent = block.header.previousId
            if scheduled, !(await node.knowsBlock(parent)) {
                held[parent, default: []].append((block, id))
                // The parent may have connected while we asked.
                if await node.knowsBlock(parent) {
                    for child in held.removeValue(forKey: parent) ?? [] { await connect(child.block, from: child.from) }
                }
            } else {
                await connect(block, from: id)
            }
            schedule()
        case .tx:
            // Transactions come in runs through `received(batch:)`; a lone one before the
            // handshake was dropped above.
            return
        }
    }

}

