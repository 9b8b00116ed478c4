import KusariCore
import KusariNetwork

/// A message read from a link, with what its connection checked before it reached
/// the actor: a transaction's id and whether its signature holds.
public struct CheckedMessage: Sendable {
    public var message: Message
    /// For a `tx`: whether its signature is valid (nil: not checked yet).
    public var signatureValid: Bool?
    /// For a `tx`: its id, computed once.
    public var txid: Hash256?
    public init(_ message: Message, signatureValid: Bool? = nil, txid: Hash256? = nil) {
        self.message = message
        self.signatureValid = signatureValid
        self.txid = txid
    }
}

/// The handshake and the message switch: each message goes to its part (gossip,
/// block sync, address book) once the peer has said who it is.
extension PeerNetwork {
    /// Checks the transactions of a batch (id and signature), off the actor: each
    /// connection calls it on its own task, so checks run on every core.
    public nonisolated func check(_ batch: [Message]) -> [CheckedMessage] {
        batch.map { m in
            guard case .tx(let tx) = m else { return CheckedMessage(m) }
            let id = tx.id
            return CheckedMessage(m, signatureValid: host.isValidSignature(tx, id: id), txid: id)
        }
    }

    /// Counts a message towards the peer's rate; past `floodPerSecond` in one second it costs points.
    func countMessage(_ id: Int) {
        guard let peer = peers[id] else { return }
        let now = UInt64(clock.now)
        let count = peer.second == now ? peer.messages + 1 : 1
        peers[id]?.second = now
        peers[id]?.messages = count
        if count == Self.floodPerSecond { misbehaved(id, points: 20, "flooding: \(count) messages in one second") }
    }

    /// Handles a connection's messages in order (the transport passes all that
    /// waited, each `tx` with its signature checked by `check`): a run of
    /// transactions goes to the host in one call.
    public func received(batch unordered: [CheckedMessage], from id: Int) async {
        guard !stopping else { return }
        handling += 1
        defer { handling -= 1 }
        // After the handshake, what moves the chain goes first: a block waiting behind a
        // busy peer's thousands of transactions would reach the chain late and make every
        // node fall behind the miner.
        let batch = peers[id]?.version == nil ? unordered
            : unordered.filter { Self.movesTheChain($0.message) } + unordered.filter { !Self.movesTheChain($0.message) }
        await checkBodiesAhead(batch, from: id)
        var i = 0
        while i < batch.count {
            guard peers[id] != nil else { return }
            guard case .tx = batch[i].message, peers[id]?.version != nil else {
                await received(batch[i].message, from: id)
                i += 1
                continue
            }
            var run: [Transaction] = []
            while i < batch.count, case .tx(let tx) = batch[i].message {
                let txid = batch[i].txid ?? tx.id
                let valid = batch[i].signatureValid ?? host.isValidSignature(tx, id: txid)
                i += 1
                peers[id]?.known.insert(txid)
                // Transactions we asked for are not flooding; unasked ones count.
                if !txRequests.received(txid) { countMessage(id) }
                guard valid else {
                    if !run.isEmpty { await host.admit(relayed: run) }
                    return misbehaved(id, points: 100, "transaction with a bad signature")
                }
                run.append(tx)
            }
            // Policy refusals (known, fee, nonce) are not misbehaviour.
            await host.admit(relayed: run)
        }
    }

    /// Transactions and blocks, and the items of gossip channels, of an inventory list.
    static func split(_ items: [Inventory]) -> (own: [Inventory], channels: [Inventory]) {
        guard items.contains(where: \.kind.isChannel) else { return (items, []) }
        return (items.filter { !$0.kind.isChannel }, items.filter(\.kind.isChannel))
    }

    /// Whether a message is about blocks (handled before transactions in a batch).
    static func movesTheChain(_ m: Message) -> Bool {
        switch m {
        case .block, .headers, .getheaders: return true
        case .inv(let items), .getdata(let items), .notfound(let items): return items.contains { $0.kind == .block }
        default: return false
        }
    }

    /// Handles one message (transactions come in runs through `received(batch:)`).
    func received(_ message: Message, from id: Int) async {
        guard let peer = peers[id] else { return }
        if case .tx = message {} else { countMessage(id) }
        // Nothing but `version` before a valid version; nothing but `verack` right after.
        if peer.version == nil, case .version = message {} else if peer.version == nil {
            return drop(id, "\(message.type) before version")
        }
        switch message {
        case .version(let v): await receivedVersion(v, from: id)
        case .verack:
            guard peers[id]?.ready == false else { return }
            peers[id]?.ready = true
            await host.setPeerCount(readyCount)
            // What our pool holds is offered to the new peer (as Bitcoin's `mempool` exchange
            // does), so nothing admitted while a link was down stays behind it.
            for txid in await host.pendingIds() { queueAnnouncement(Inventory(kind: .transaction, hash: txid), to: id) }
        case .ping(let n):
            send(.pong(nonce: n), to: id)
        case .pong(let n):
            if let sent = peers[id]?.pingSent, sent.nonce == n {
                peers[id]?.latency = clock.now - sent.at
                peers[id]?.pingSent = nil
            }
        case .getaddr:
            guard peers[id]?.answeredGetaddr != true else { return }
            peers[id]?.answeredGetaddr = true
            send(.addr(addresses(excluding: peers[id]?.remote ?? "")), to: id)
        case .addr(let list):
            learn(list)
            await refreshConnections()
        case .notfound(let items):
            let (own, channelItems) = Self.split(items)
            if !channelItems.isEmpty { receivedChannelNotFound(channelItems, from: id) }
            if !own.isEmpty { await receivedNotFound(own, from: id) }
        case .inv(let items):
            let (own, channelItems) = Self.split(items)
            if !channelItems.isEmpty { receivedChannelInventory(channelItems, from: id) }
            if !own.isEmpty { await receivedInventory(own, from: id) }
        case .getdata(let items):
            let (own, channelItems) = Self.split(items)
            if !channelItems.isEmpty { receivedChannelRequest(channelItems, from: id) }
            if !own.isEmpty { await receivedRequest(own, from: id) }
        case .item(let kind, let payload): await receivedItem(kind: kind, payload: payload, from: id)
        case .getheaders(let locator, let stop): await receivedHeadersRequest(locator: locator, stop: stop, from: id)
        case .headers(let headers): await receivedHeaders(headers, from: id)
        case .block(let block): await receivedBlock(block, from: id)
        case .tx:
            // A lone one before the handshake was dropped above.
            return
        }
    }

    /// A peer's `version`: same network, not ourselves, not a second link to a node we
    /// have (unless it replaces a dead one); then `verack`, `getaddr` and, if it has
    /// more work, `getheaders`.
    func receivedVersion(_ v: VersionInfo, from id: Int) async {
        guard let peer = peers[id] else { return }
        guard peer.version == nil else { return misbehaved(id, points: 50, "a second version message") }
        let s = await host.handshakeInfo()
        guard v.chainId == s.chainId, v.genesisId == s.genesis else {
            return drop(id, "another network (chain \(v.chainId), genesis \(v.genesisId))")
        }
        guard v.nodeId != nodeId else { return drop(id, "connected to ourselves") }
        if let oldId = orderedIds.first(where: { $0 != id && peers[$0]?.version?.nodeId == v.nodeId }), let old = peers[oldId] {
            // The old connection is gone, or the same side opened both and nothing has come on
            // the old one for a while: that side gave it up (it dials only when it has no link)
            // and its close has not reached us (reading paused, say). The new one replaces it.
            // Otherwise the first one stays (a node claiming another's id cannot evict it).
            let silent = clock.now - old.counters.lastRead
            guard !old.link.isActive || (old.outbound == peer.outbound && silent >= Self.replaceAfterSilentSeconds) else {
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
            let hostPart = Self.hostAndPort(p.remote)?.host ?? p.remote
            if v.listenPort != 0 { remember("\(hostPart):\(v.listenPort)", seen: clock.unixSeconds) }
            if p.outbound {
                nextAttempt[p.remote] = nil
                persistent[p.remote]?.succeeded()
            }
        }
        send(.getaddr, to: id)
        if v.chainWork > s.chainWork { send(.getheaders(locator: await host.locator(), stop: .zero), to: id) }
    }
}
