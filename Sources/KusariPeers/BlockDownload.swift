import KusariCore

/// Which block bodies to ask of which peer during a sync: a pure schedule, so
/// it can be tested without sockets.
///
/// Headers arrive first (in chain order); their ids join a queue. Bodies are
/// asked only within a moving window over the front of that queue, spread over
/// every peer that sent the header, at most `perPeer` in flight with each. A
/// peer stalls when it makes no progress (the caller says what progress is: a
/// body read from it, or a busy flow of other data) for `stallSeconds` since
/// its oldest request (a busy peer that is still sending is slow, not
/// stalling), or when that request is older than `maxWaitSeconds` whatever
/// arrives. A stalling peer's requests go back to the queue for other
/// peers, and it is left out of the window for `benchSeconds` unless no one
/// else has a block. It is given up on after `maxStalls` stalls in a row (a
/// delivered body forgives them), or twice that while it is the only source
/// of a block. A peer that disconnects gives its
/// requests back the same way. Bodies may arrive out of
/// order; the node holds them until their parent is connected (`P2P`).
public struct BlockDownload: Sendable {
    /// How far the download reaches and how long a peer may take.
    public struct Limits: Sendable {
        /// Blocks from the front of the queue that may be in flight or waiting.
        public var window = 1024
        /// Requests in flight with one peer.
        public var perPeer = 16
        /// Seconds with requests out and nothing arriving from the peer before it counts as stalling.
        public var stallSeconds: Double = 10
        /// Seconds a request may wait however much else the peer sends.
        public var maxWaitSeconds: Double = 120
        /// Seconds a stalling peer is left out of the window (used only when no one else has a block).
        public var benchSeconds: Double = 60
        /// Stalls after which a peer is given up on (the caller disconnects it).
        public var maxStalls = 3
        /// Blocks that may be queued at once; headers past this wait for a later request.
        public var maxQueued = 100_000
        public init() {}
    }

    public let limits: Limits
    /// Ids in the order their headers arrived; entries no longer `pending` are skipped.
    private var order: [Hash256] = []
    private var head = 0
    /// Queued and not yet connected (or forgotten).
    private var pending = Set<Hash256>()
    /// Received and waiting for their parent: not asked again, still inside the window.
    private var arrived = Set<Hash256>()
    /// The peers that sent each pending header (and so can serve its body).
    private var sources: [Hash256: Set<Int>] = [:]
    /// Requests in flight: block → (peer, when asked).
    private var inFlight: [Hash256: (peer: Int, since: Double)] = [:]
    private var perPeerCount: [Int: Int] = [:]
    /// Stalling peers and until when they are left out.
    private var benched: [Int: Double] = [:]
    /// Stalls per peer.
    private var stalls: [Int: Int] = [:]
    /// When something last arrived from each peer.
    private var lastProgress: [Int: Double] = [:]

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Blocks queued and not yet connected.
    public var remaining: Int { pending.count }
    /// Requests in flight.
    public var requested: Int { inFlight.count }
    /// Whether `id` is scheduled and not yet connected (queued, in flight or waiting for its parent).
    public func isPending(_ id: Hash256) -> Bool { pending.contains(id) }
    /// Whether `id` was asked of `peer` and not yet received.
    public func isRequested(_ id: Hash256, from peer: Int) -> Bool { inFlight[id]?.peer == peer }

    /// Whether more headers' bodies may be queued now.
    public var hasRoom: Bool { pending.count < limits.maxQueued }

    /// Queues the bodies of headers `peer` sent (in chain order), skipping ones
    /// already queued; `peer` becomes a source of each. Stops at `maxQueued`.
    public mutating func add(_ ids: [Hash256], from peer: Int) {
        for id in ids {
            if !pending.contains(id) {
                guard hasRoom else { return }
                pending.insert(id)
                order.append(id)
            }
            sources[id, default: []].insert(peer)
        }
    }

    /// New requests to send, by peer: the first blocks of the window that are not in
    /// flight, each to a source with room, the least loaded first. `peers` are the
    /// connected peers that may be asked.
    public mutating func assign(peers: [Int], now: Double) -> [(peer: Int, ids: [Hash256])] {
        for (peer, until) in benched where until <= now { benched[peer] = nil }
        let usable = Set(peers)
        var out: [Int: [Hash256]] = [:]
        var seen = 0
        var i = head
        while i < order.count && seen < limits.window {
            let id = order[i]
            i += 1
            guard pending.contains(id) else { continue }
            seen += 1
            guard inFlight[id] == nil, !arrived.contains(id), let from = sources[id] else { continue }
            let candidates = from.filter { usable.contains($0) && perPeerCount[$0, default: 0] < limits.perPeer }
            let rested = candidates.filter { benched[$0] == nil }
            let choice = (rested.isEmpty ? candidates : rested)
                .min { (perPeerCount[$0, default: 0], $0) < (perPeerCount[$1, default: 0], $1) }
            guard let peer = choice else { continue }
            inFlight[id] = (peer, now)
            perPeerCount[peer, default: 0] += 1
            out[peer, default: []].append(id)
        }
        return out.keys.sorted().compactMap { peer in out[peer].map { (peer, $0) } }
    }

    /// Records a body that arrived; it stays in the window until `done`. Returns
    /// whether it was one we were waiting for and had not received yet (a second
    /// copy returns false).
    @discardableResult
    public mutating func received(_ id: Hash256) -> Bool {
        guard pending.contains(id), !arrived.contains(id) else { return false }
        // A body delivered: its peer's past stalls are forgiven.
        if let r = inFlight[id] { stalls[r.peer] = nil }
        release(id)
        arrived.insert(id)
        return true
    }

    /// The body `peer` sent for `id` was refused (it does not match its header, or
    /// breaks a rule): it is asked again of another source, never of `peer`.
    public mutating func rejected(_ id: Hash256, from peer: Int) {
        release(id)
        arrived.remove(id)
        removeSource(peer, of: id)
    }

    /// The block is connected, refused or known by other means: it leaves the
    /// schedule and the window moves on.
    public mutating func done(_ id: Hash256) {
        release(id)
        arrived.remove(id)
        guard pending.remove(id) != nil else { return }
        sources[id] = nil
        advance()
    }

    /// A peer that asked for `id` answered that it does not have it.
    public mutating func notFound(_ id: Hash256, from peer: Int) {
        guard inFlight[id]?.peer == peer else { return }
        release(id)
        removeSource(peer, of: id)
    }

    /// `peer` made progress (the caller watches each connection: a block body
    /// read, or much other data), however slowly.
    public mutating func progressed(_ peer: Int, now: Double) {
        lastProgress[peer] = max(lastProgress[peer] ?? now, now)
    }

    /// Peers that stall (see the type's summary): their requests return to the
    /// queue and they are benched. `giveUp` are those that stalled `maxStalls`
    /// times and are not the only source of any block: the caller disconnects them.
    public mutating func stalled(now: Double) -> (late: [Int], giveUp: [Int]) {
        var oldest: [Int: Double] = [:]
        for (_, r) in inFlight { oldest[r.peer] = min(oldest[r.peer] ?? r.since, r.since) }
        var late: [Int] = []
        for (peer, since) in oldest {
            let quiet = now - max(since, lastProgress[peer] ?? since)
            if quiet >= limits.stallSeconds || now - since >= limits.maxWaitSeconds { late.append(peer) }
        }
        late.sort()
        var giveUp: [Int] = []
        for peer in late {
            benched[peer] = now + limits.benchSeconds
            var soleSource = false
            for (id, r) in inFlight where r.peer == peer {
                release(id)
                if sources[id] == [peer] { soleSource = true }
            }
            stalls[peer, default: 0] += 1
            // The only source of a block is kept longer (an honest peer on a busy machine), but
            // not for ever (one that withholds blocks would hold the sync up without end).
            let stalled = stalls[peer, default: 0]
            if stalled >= limits.maxStalls && (!soleSource || stalled >= 2 * limits.maxStalls) { giveUp.append(peer) }
        }
        return (late, giveUp)
    }

    /// A peer disconnected: its requests return to the queue and it serves nothing more.
    public mutating func peerGone(_ peer: Int) {
        benched[peer] = nil
        stalls[peer] = nil
        lastProgress[peer] = nil
        for (id, r) in inFlight where r.peer == peer { release(id) }
        for id in Array(sources.keys) where sources[id]?.contains(peer) == true { removeSource(peer, of: id) }
        perPeerCount[peer] = nil
    }

    private mutating func release(_ id: Hash256) {
        guard let r = inFlight.removeValue(forKey: id) else { return }
        let n = (perPeerCount[r.peer] ?? 1) - 1
        perPeerCount[r.peer] = n > 0 ? n : nil
    }

    /// A block no connected peer can serve leaves the queue (headers will bring it back).
    private mutating func removeSource(_ peer: Int, of id: Hash256) {
        sources[id]?.remove(peer)
        if sources[id]?.isEmpty == true, inFlight[id] == nil, !arrived.contains(id) { done(id) }
    }

    /// Moves the front past received blocks and compacts the order now and then.
    private mutating func advance() {
        while head < order.count && !pending.contains(order[head]) { head += 1 }
        if head > 4096 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
