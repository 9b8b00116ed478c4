import HeapModule
import KusariCore
import KusariNetwork
import KusariPeers
import Logging

/// Many nodes' real `PeerNetwork`s in one process, on a simulated network driven
/// by a virtual clock and a seeded random source. One event at a time (a message
/// arrives, a link closes, a dial ends, a node's timer fires) is handed to a node
/// and awaited to its end, so nothing runs concurrently: the same seed gives the
/// same run, event for event (`trace`). Faults: loss, delay, duplication,
/// reordering, partitions, silent nodes, crashes and restarts.
public final class SimNetwork: @unchecked Sendable {
    /// The port every simulated node listens on.
    static let port = 8333

    /// How messages travel.
    public struct Faults: Sendable {
        /// Messages lost, per thousand.
        public var dropPermille: UInt64 = 0
        /// Messages delivered twice, per thousand.
        public var duplicatePermille: UInt64 = 0
        /// Whether a link may deliver out of order (otherwise it keeps TCP's order).
        public var reorder = false
        /// One-way delay of each message: uniform in this range, in seconds.
        public var minDelay = 0.010
        public var maxDelay = 0.050
        public init() {}
    }

    /// How each node is set up.
    public struct NodeSettings: Sendable {
        public var maxPeers = 125
        public var maxInbound: Int? = nil
        /// Outbound connections a node makes to addresses it learned (0: only the kept ones).
        public var outboundTarget = 0
        public var pingTimeout: Double = 60
        public init() {}
    }

    public let seed: UInt64
    public let clock = VirtualClock()
    public var faults: Faults
    let settings: NodeSettings
    public let random: SeededRandom
    let logger: Logger
    private var queue = Heap<Event>()
    private var sequence: UInt64 = 0
    public private(set) var nodes: [SimNode] = []
    /// The group of each node while partitioned (messages and dials between groups are lost).
    private var group: [Int]?
    /// Nodes that keep their links up and relay nothing (no announcements, requests or bodies).
    public var silent = Set<Int>()
    /// Every event handled, in order, when `recording` (for the determinism check and replay).
    public private(set) var trace: [String] = []
    public var recording = false
    /// Events handled.
    public private(set) var events = 0
    /// Watches one transaction's spread (`track`).
    public private(set) var tracked: TrackedTransaction?

    /// A network of `count` nodes with one genesis; nothing connects until `connect` or `maintain`.
    public init(seed: UInt64, nodes count: Int, faults: Faults = Faults(), settings: NodeSettings = NodeSettings(),
                logger: Logger = Logger(label: "kusari.sim", factory: { _ in SwiftLogNoOpLogHandler() })) async {
        self.seed = seed
        self.faults = faults
        self.settings = settings
        self.logger = logger
        random = SeededRandom(seed: seed)
        let genesis = SimChain.makeGenesis()
        for i in 0..<count {
            let node = SimNode(index: i, address: Self.address(of: i), chain: SimChain(genesis: genesis))
            nodes.append(node)
        }
        for node in nodes { await boot(node) }
    }

    /// The simulated address of node `i` (an IPv4 address, so it can be gossiped).
    public static func address(of i: Int) -> String { "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255):\(port)" }

    /// Starts (or restarts) a node's network: a new `PeerNetwork` on its chain, its timers, its kept connections.
    private func boot(_ node: SimNode) async {
        node.generation += 1
        node.up = true
        let peers = PeerNetwork(host: node.chain, maxPeers: settings.maxPeers, maxInbound: settings.maxInbound, store: nil,
                                logger: logger, clock: clock, random: SeededRandom(seed: random.next()))
        node.peers = peers
        await peers.attach(SimTransport(net: self, owner: node.index, generation: node.generation))
        _ = try? await peers.listen(host: "0.0.0.0", port: Self.port)
        for make in channelMakers { try? await peers.register(make(node.index)) }
        await peers.setOutboundTarget(settings.outboundTarget)
        await peers.setPingTimeout(settings.pingTimeout)
        await peers.start()
        for address in node.kept.sorted() {
            let parts = address.split(separator: ":")
            await peers.maintain(host: String(parts[0]), port: Int(parts[1]) ?? Self.port)
        }
        // Timers start at a random phase, so that nodes do not act in lockstep.
        for timer in Timer.allCases {
            schedule(.timer(node: node.index, generation: node.generation, timer),
                     after: timer.period * Double(random.below(1000)) / 1000)
        }
    }

    // MARK: - Building the network

    /// Gossip channels every node registers (now, and again on each restart).
    private var channelMakers: [(Int) -> GossipChannel] = []

    /// Registers a gossip channel on every node: `make` gives node `i` its channel.
    public func register(_ make: @escaping (Int) -> GossipChannel) async throws {
        channelMakers.append(make)
        for node in nodes where node.up { try await node.peers.register(make(node.index)) }
    }

    /// Node `from` keeps a connection to node `to` (dialled now, and again whenever it is lost).
    public func connect(_ from: Int, to: Int) async {
        nodes[from].kept.insert(Self.address(of: to))
        await nodes[from].peers.maintain(host: Self.address(of: to).split(separator: ":").first.map(String.init) ?? "", port: Self.port)
    }

    /// Each node keeps connections to `outbound` others chosen at random (so about twice
    /// that many peers each, counting the connections others make to it).
    public func connectRandomly(outbound: Int) async {
        let n = nodes.count
        guard n > 1 else { return }
        for i in 0..<n {
            var chosen = Set<Int>()
            while chosen.count < min(outbound, n - 1) {
                let j = Int(random.below(UInt64(n)))
                if j != i { chosen.insert(j) }
            }
            for j in chosen.sorted() { await connect(i, to: j) }
        }
    }

    // MARK: - Faults

    /// Splits the network: messages and dials between different groups are lost until `heal`.
    public func partition(_ groups: [[Int]]) {
        var g = [Int](repeating: -1, count: nodes.count)
        for (k, members) in groups.enumerated() { for i in members { g[i] = k } }
        group = g
        note("partition \(groups.map(\.count))")
    }

    /// Ends a partition.
    public func heal() {
        group = nil
        note("heal")
    }

    /// Stops a node at once (no orderly shutdown): its links close; its chain stays (as on disk).
    public func crash(_ i: Int) {
        let node = nodes[i]
        guard node.up else { return }
        node.up = false
        node.generation += 1
        for link in node.links { close(link) }
        node.links = []
        note("crash n\(i)")
    }

    /// Starts a crashed node again, with a new network on its kept chain.
    public func restart(_ i: Int) async {
        guard !nodes[i].up else { return }
        note("restart n\(i)")
        await boot(nodes[i])
    }

    // MARK: - Running

    /// Handles every event up to virtual time `t`, then sets the clock to `t`.
    public func run(until t: Double) async {
        while let next = queue.min, next.time <= t {
            _ = queue.removeMin()
            clock.advance(to: next.time)
            await handle(next)
            // Let other tasks of the process have the cooperative threads now and then (a
            // large run would otherwise hold one for seconds). The order of events is ours.
            if events % 512 == 0 { await Task.yield() }
        }
        clock.advance(to: t)
    }

    /// Runs for `seconds` of virtual time.
    public func run(for seconds: Double) async { await run(until: clock.now + seconds) }

    /// Runs until `condition` holds (looked at every `step` seconds) or `deadline` seconds
    /// have passed; returns whether it held.
    public func run(until condition: () -> Bool, within deadline: Double, step: Double = 0.1) async -> Bool {
        let end = clock.now + deadline
        while clock.now < end {
            if condition() { return true }
            await run(until: min(end, clock.now + step))
        }
        return condition()
    }

    /// Mines a block on node `i`'s tip with its pending transactions and announces it.
    @discardableResult
    public func mine(at i: Int) async -> Block {
        let block = nodes[i].chain.mineOnTip(tag: UInt8(truncatingIfNeeded: i), timestamp: clock.unixSeconds)
        note("mine n\(i) h\(block.header.height)")
        await announceFreshTips(of: nodes[i])
        return block
    }

    /// Submits a transaction at node `i`, as a client would.
    @discardableResult
    public func submit(_ tx: Transaction, at i: Int) -> Bool {
        note("submit n\(i)")
        let admitted = nodes[i].chain.submit(tx)
        if admitted, let t = tracked, t.id == tx.id { t.reached(i, at: clock.now, hops: 0) }
        return admitted
    }

    /// Watches how `id` spreads from now on: when it reaches each node, in how many hops,
    /// and how many announcements and bodies of it each node receives after it holds it.
    public func track(_ id: Hash256) { tracked = TrackedTransaction(id: id, nodes: nodes.count) }

    /// A rogue endpoint connected to node `i`: whatever the test sends through it arrives
    /// as if from an honest address (`remote`); what the node sends back is dropped.
    public func connectRogue(to i: Int, from remote: String) async -> RogueLink {
        let own = SimLink(net: self, owner: -1, generation: 0, now: clock.now)
        let theirs = SimLink(net: self, owner: i, generation: nodes[i].generation, now: clock.now)
        own.other = theirs
        theirs.other = own
        nodes[i].links.append(theirs)
        theirs.peerId = await nodes[i].peers.connected(theirs, outbound: false, remote: remote)
        return RogueLink(link: own)
    }

    // MARK: - Inside

    func note(_ s: String) { if recording { trace.append(String(format: "%.6f ", clock.now) + s) } }

    private func schedule(_ kind: Event.Kind, after delay: Double) {
        sequence += 1
        queue.insert(Event(time: clock.now + max(0, delay), sequence: sequence, kind: kind))
    }

    private func delay() -> Double {
        faults.minDelay + (faults.maxDelay - faults.minDelay) * Double(random.below(1_000_001)) / 1_000_000
    }

    private func separated(_ a: Int, _ b: Int) -> Bool {
        guard let g = group, a >= 0, b >= 0 else { return false }
        return g[a] != g[b]
    }

    /// A message written at one end: lost, delayed, duplicated as the faults say.
    func transmit(_ message: Message, from end: SimLink) {
        guard let to = end.other else { return }
        let size = Inbox.weight(of: message)
        end.counters.add(out: size)
        // A silent node keeps its links (handshake, pings, addresses) and relays nothing.
        if end.owner >= 0, silent.contains(end.owner), !Self.keepsALinkAlive(message) { return }
        if separated(end.owner, to.owner) { return }
        if random.chance(permille: faults.dropPermille) { return }
        var arrival = clock.now + delay()
        if !faults.reorder { arrival = max(arrival, end.lastArrival) }
        end.lastArrival = arrival
        sequence += 1
        queue.insert(Event(time: arrival, sequence: sequence, kind: .deliver(to, message, size)))
        if random.chance(permille: faults.duplicatePermille) { schedule(.deliver(to, message, size), after: arrival - clock.now + delay()) }
    }

    /// Whether a message only keeps a link up (all a silent node sends).
    static func keepsALinkAlive(_ m: Message) -> Bool {
        switch m {
        case .version, .verack, .ping, .pong, .getaddr, .addr: return true
        default: return false
        }
    }

    /// Closes both ends of a link; each owner hears of it a moment later.
    func close(_ end: SimLink) {
        guard end.open else { return }
        end.open = false
        end.other?.open = false
        schedule(.closed(end), after: 0.001)
        // The other side hears of the close after what was sent to it before (as TCP's FIN).
        if let other = end.other { schedule(.closed(other), after: max(delay(), end.lastArrival - clock.now + 0.001)) }
    }

    func scheduleDial(from owner: Int, generation: Int, host: String, port: Int) {
        schedule(.dial(from: owner, generation: generation, address: "\(host):\(port)"), after: delay())
    }

    private func current(_ i: Int, _ generation: Int) -> SimNode? {
        guard i >= 0, i < nodes.count, nodes[i].up, nodes[i].generation == generation else { return nil }
        return nodes[i]
    }

    private func handle(_ event: Event) async {
        events += 1
        switch event.kind {
        case .deliver(let end, let message, let size):
            guard end.open, let node = current(end.owner, end.generation), let id = end.peerId else { return }
            end.counters.add(in: size, at: clock.now)
            if case .block = message { end.counters.addBlock() }
            let from = end.other?.owner ?? -1
            if recording { note("n\(node.index)<-n\(from) \(message.type) \(Hash256.sha256(message.payload).description.prefix(12))") }
            let before = tracked.map { node.chain.holds(transaction: $0.id) }
            tracked?.received(message, at: node.index, alreadyHeld: before ?? false)
            await node.peers.received(batch: node.peers.check([message]), from: id)
            if let t = tracked, before == false, node.chain.holds(transaction: t.id) {
                t.reached(node.index, at: clock.now, hops: (from >= 0 ? t.hops[from] ?? 0 : 0) + 1)
            }
            await announceFreshTips(of: node)
        case .closed(let end):
            guard let node = current(end.owner, end.generation) else { return }
            node.links.removeAll { $0 === end }
            guard let id = end.peerId else { return }
            note("n\(node.index) closed \(id)")
            await node.peers.disconnected(id)
        case .dial(let from, let generation, let address):
            guard let node = current(from, generation) else { return }
            let parts = address.split(separator: ":")
            let host = String(parts[0]), port = parts.count > 1 ? Int(parts[1]) ?? Self.port : Self.port
            guard let target = nodes.firstIndex(where: { $0.address == address }), nodes[target].up, !separated(from, target) else {
                note("n\(from) dial \(address) failed")
                await node.peers.dialEnded(host: host, port: port, connected: false)
                return
            }
            note("n\(from) dial n\(target)")
            let a = SimLink(net: self, owner: from, generation: generation, now: clock.now)
            let b = SimLink(net: self, owner: target, generation: nodes[target].generation, now: clock.now)
            a.other = b
            b.other = a
            node.links.append(a)
            nodes[target].links.append(b)
            let ephemeral = String(node.address.split(separator: ":")[0]) + ":\(40_000 + Int(random.below(20_000)))"
            b.peerId = await nodes[target].peers.connected(b, outbound: false, remote: ephemeral)
            a.peerId = await node.peers.connected(a, outbound: true, remote: address)
            // The connection was made (as TCP reports it), whether or not a side then refused it.
            await node.peers.dialEnded(host: host, port: port, connected: true)
        case .timer(let i, let generation, let timer):
            guard let node = current(i, generation) else { return }
            switch timer {
            case .trickle: await node.peers.trickle()
            case .tend: await node.peers.tendPersistent()
            case .refresh: await node.peers.refreshConnections()
            }
            await announceFreshTips(of: node)
            schedule(.timer(node: i, generation: generation, timer), after: timer.period)
        }
    }

    private func announceFreshTips(of node: SimNode) async {
        for tip in node.chain.takeFreshTips() { await node.peers.announce(.block(tip)) }
    }
}
