import KusariCore
import KusariNetwork

/// Registered gossip channels on the wire: `item` messages, and `inv`/`getdata`/
/// `notfound` with a channel's kind (see `GossipChannel`).
extension PeerNetwork {
    /// Registers a channel; its items are then taken from peers and relayed by its policy.
    public func register(_ channel: GossipChannel) throws(GossipChannelError) {
        guard channel.kind.isChannel else { throw .notAChannel(channel.kind.rawValue) }
        guard channels[channel.kind.rawValue] == nil else { throw .alreadyRegistered(channel.kind.rawValue) }
        channels[channel.kind.rawValue] = ChannelState(channel)
    }

    /// Publishes an item made here (a vote this node signed, an order a client sent):
    /// kept and relayed to every peer by the channel's policy. False if it was already seen.
    @discardableResult
    public func publish(_ payload: [UInt8], on kind: Inventory.Kind) throws(GossipChannelError) -> Bool {
        guard let state = channels[kind.rawValue] else { throw .unknownChannel(kind.rawValue) }
        guard payload.count <= state.channel.maxItemBytes else {
            throw .oversized(kind: kind.rawValue, bytes: payload.count, maximum: state.channel.maxItemBytes)
        }
        let id = state.channel.itemId(payload)
        guard state.seen.insert(id) else { return false }
        state.keep(id, payload)
        relay(payload, id: id, on: state, except: nil)
        return true
    }

    /// Sends an item to one peer (any policy; `direct` channels only ever travel this way).
    @discardableResult
    public func send(_ payload: [UInt8], on kind: Inventory.Kind, to peer: Int) throws(GossipChannelError) -> Bool {
        guard let state = channels[kind.rawValue] else { throw .unknownChannel(kind.rawValue) }
        guard payload.count <= state.channel.maxItemBytes else {
            throw .oversized(kind: kind.rawValue, bytes: payload.count, maximum: state.channel.maxItemBytes)
        }
        guard peers[peer]?.ready == true else { return false }
        peers[peer]?.known.insert(state.channel.itemId(payload))
        return send(.item(kind: kind, payload: payload), to: peer)
    }

    /// The ids of ready peers, for a channel's owner choosing whom to `send` to.
    public func readyPeers() -> [Int] { orderedIds.filter { peers[$0]?.ready == true } }

    /// Relays an accepted item to the peers that do not know it, by the channel's policy.
    func relay(_ payload: [UInt8], id itemId: Hash256, on state: ChannelState, except sender: Int?) {
        switch state.channel.policy {
        case .direct:
            return
        case .flood:
            for id in orderedIds where id != sender {
                guard let peer = peers[id], peer.ready, peer.known.insert(itemId) else { continue }
                send(.item(kind: state.channel.kind, payload: payload), to: id)
            }
        case .announce:
            for id in orderedIds where id != sender && peers[id]?.ready == true {
                queueAnnouncement(Inventory(kind: state.channel.kind, hash: itemId), to: id)
            }
        }
    }

    /// An `item` from a peer: size, rate, duplicate, then the owner's verdict.
    func receivedItem(kind: Inventory.Kind, payload: [UInt8], from id: Int) async {
        // A channel this node does not run (a newer peer's): ignored, not a fault.
        guard let state = channels[kind.rawValue] else { return }
        let channel = state.channel
        guard payload.count <= channel.maxItemBytes else {
            return misbehaved(id, points: 20, "\(channel.name) item of \(payload.count) bytes (at most \(channel.maxItemBytes))")
        }
        let itemId = channel.itemId(payload)
        peers[id]?.known.insert(itemId)
        // Items we asked for are not counted against the rate.
        if !state.requests.received(itemId) { countItem(kind: kind.rawValue, limit: channel.maxPerSecond, name: channel.name, from: id) }
        guard state.seen.insert(itemId) else { return }
        switch await channel.receive(payload, id) {
        case .accept:
            state.keep(itemId, payload)
            relay(payload, id: itemId, on: state, except: id)
        case .ignore:
            return
        case .reject(let points, let reason):
            misbehaved(id, points: points, "invalid \(channel.name) item: \(reason)")
        }
    }

    /// Counts an unsolicited item towards the peer's rate on the channel; past `limit` in
    /// one second it costs 20 points (once per second).
    func countItem(kind: UInt8, limit: Int, name: String, from id: Int) {
        guard peers[id] != nil else { return }
        let now = UInt64(clock.now)
        let last = peers[id]?.items[kind]
        let count = last?.second == now ? (last?.count ?? 0) + 1 : 1
        peers[id]?.items[kind] = (now, count)
        if count == limit + 1 { misbehaved(id, points: 20, "flooding \(name): over \(limit) items in one second") }
    }

    /// A peer announced items of channels: those not seen are asked of it (one announcer at a time).
    func receivedChannelInventory(_ items: [Inventory], from id: Int) {
        var wanted: [UInt8: [Hash256]] = [:]
        for item in items {
            peers[id]?.known.insert(item.hash)
            guard let state = channels[item.kind.rawValue], !state.seen.contains(item.hash) else { continue }
            wanted[item.kind.rawValue, default: []].append(item.hash)
        }
        for kind in wanted.keys.sorted() {
            guard let state = channels[kind], let k = Inventory.Kind.channel(kind) else { continue }
            let ask = state.requests.announced(wanted[kind] ?? [], by: id, now: clock.now)
            if !ask.isEmpty { send(.getdata(ask.map { Inventory(kind: k, hash: $0) }), to: id) }
        }
    }

    /// A peer asked for items of channels: those kept are sent, the rest are `notfound`.
    func receivedChannelRequest(_ items: [Inventory], from id: Int) {
        var missing: [Inventory] = []
        for item in items {
            if let payload = channels[item.kind.rawValue]?.kept[item.hash], send(.item(kind: item.kind, payload: payload), to: id, flush: false) {
                continue
            }
            missing.append(item)
        }
        peers[id]?.link.flush()
        if !missing.isEmpty { send(.notfound(missing), to: id) }
    }

    /// A peer does not have items we asked of it: they go to their next announcer.
    func receivedChannelNotFound(_ items: [Inventory], from id: Int) {
        for item in items { channels[item.kind.rawValue]?.requests.notFound(item.hash, from: id) }
        askAgainForChannelItems()
    }

    /// Asks the next announcer for channel items the first did not deliver.
    func askAgainForChannelItems() {
        for kind in channels.keys.sorted() {
            guard let state = channels[kind], let k = Inventory.Kind.channel(kind) else { continue }
            for (peer, ids) in state.requests.retries(now: clock.now) where peers[peer]?.ready == true {
                send(.getdata(ids.map { Inventory(kind: k, hash: $0) }), to: peer)
            }
        }
    }
}
