import KusariCore
import KusariNetwork

/// Gossip: transactions are announced in trickles and fetched once from the first
/// announcer (the next one when it does not deliver); a fresh block goes whole to
/// peers that do not know it, and as an `inv` to the rest. Each peer's known set
/// keeps anything from being offered to it twice.
extension PeerNetwork {
    // MARK: - Announcing

    /// What the host connected, to announce: a new best block (pushed whole when the
    /// node is not syncing), or the tip after a reorganisation (announced).
    public enum Announcement: Sendable {
        case block(Hash256)
        case reorganization(tip: Hash256)
    }

    /// Announces a block the host connected.
    public func announce(_ event: Announcement) async {
        guard !stopping else { return }
        handling += 1
        defer { handling -= 1 }
        let item: Inventory
        var body: Block?
        switch event {
        case .block(let id):
            item = Inventory(kind: .block, hash: id)
            // A fresh tip (not one of a sync's many) goes to peers whole: one hop instead of
            // inv, getheaders, headers, getdata and block, each waiting behind a busy
            // peer's transactions. Its transactions are mostly known there, so checking it
            // costs little; a peer that lacks its parent asks for headers as before.
            if download.remaining == 0 { body = await host.storedBlock(id) }
        case .reorganization(let tip): item = Inventory(kind: .block, hash: tip)
        }
        let fresh = download.remaining == 0
        for id in orderedIds {
            guard let peer = peers[id], peer.ready else { continue }
            let new = peer.known.insert(item.hash)
            if new, let body {
                send(.block(body), to: id)
            } else if new || fresh {
                // A fresh tip's `inv` goes also to the peer that sent it: it learns that we hold
                // it (the height we have proved), which a pushed block would never tell it.
                send(.inv([item]), to: id)
            }
        }
    }

    /// Milliseconds transaction announcements gather before they go out, in one
    /// `inv` per peer (Bitcoin trickles them too): one message and one write for
    /// many transactions instead of one each.
    public static let trickleMilliseconds = 50

    /// Queues a transaction announcement for the next trickle (unless the peer knows it).
    func queueAnnouncement(_ item: Inventory, to id: Int) {
        guard let peer = peers[id], peer.outbox.items.count < Self.maxOutbox, peer.known.insert(item.hash) else { return }
        peer.outbox.items.append(item)
    }

    /// Announcements that may wait for one peer (past it, new ones are not queued for it).
    static let maxOutbox = 200_000

    /// Takes the transactions the host admitted since the last trickle and sends
    /// every peer what it does not know, in as few `inv` messages as fit. Called
    /// every `trickleMilliseconds`.
    public func trickle() async {
        guard !stopping else { return }
        let admitted = await host.takeUnannounced()
        let ids = orderedIds
        for id in ids where peers[id]?.ready == true {
            for txid in admitted { queueAnnouncement(Inventory(kind: .transaction, hash: txid), to: id) }
        }
        // A peer that is not reading keeps its outbox for a later trickle (nothing is marked
        // announced and then dropped); its unanswered pings end it if it never reads again.
        for id in ids {
            guard let peer = peers[id], !peer.outbox.items.isEmpty, peer.link.isWritable else { continue }
            let items = peer.outbox.items
            peer.outbox.items.removeAll(keepingCapacity: true)
            var start = 0
            while start < items.count {
                let end = min(start + WireLimits.maxInventory, items.count)
                send(.inv(Array(items[start..<end])), to: id, flush: false)
                start = end
            }
            peer.link.flush()
        }
    }

    // MARK: - Announcements and requests from peers

    /// A peer's `inv`: transactions we want are asked of it (unless another peer is
    /// being asked); a block we do not hold makes us ask for headers.
    func receivedInventory(_ items: [Inventory], from id: Int) async {
        var askHeaders = false
        var announcedTxs: [Hash256] = []
        for item in items {
            peers[id]?.known.insert(item.hash)
            if item.kind == .transaction {
                announcedTxs.append(item.hash)
            } else if item.kind == .block {
                // A block we hold that the peer announces is a block it holds: it proves its height.
                if let height = await host.height(ofBlock: item.hash) { peerProved(id, height: height) } else { askHeaders = true }
            }
        }
        let unknown = announcedTxs.isEmpty ? [] : await host.wantedTransactions(announcedTxs)
        let wanted = txRequests.announced(unknown, by: id, now: clock.now)
        if !wanted.isEmpty { send(.getdata(wanted.map { Inventory(kind: .transaction, hash: $0) }), to: id) }
        if askHeaders { send(.getheaders(locator: await host.locator(), stop: .zero), to: id) }
    }

    /// A peer's `getdata`: each object once, at most `maxBlocksPerGetdata` blocks; what
    /// we do not have, or cannot send now, is answered `notfound`.
    func receivedRequest(_ requested: [Inventory], from id: Int) async {
        var seen = Set<Inventory>()
        let unique = requested.filter { seen.insert($0).inserted }
        let blocks = unique.filter { $0.kind == .block }
        if blocks.count > Self.maxBlocksPerGetdata { misbehaved(id, points: 10, "getdata for \(blocks.count) blocks") }
        let items = unique.filter { $0.kind == .transaction } + blocks.prefix(Self.maxBlocksPerGetdata)
        var missing: [Inventory] = []
        let txIds = items.filter { $0.kind == .transaction }.map(\.hash)
        for (hash, tx) in txIds.isEmpty ? [] : await host.pendingTransactions(txIds) {
            // Not pending, or not sent (the peer is not reading): it may ask another peer.
            if let tx, send(.tx(tx), to: id, flush: false) { continue }
            missing.append(Inventory(kind: .transaction, hash: hash))
        }
        peers[id]?.link.flush()
        for item in items where item.kind == .block {
            // Blocks go out while the peer reads them; what does not fit now is "not found" (ask again).
            guard peers[id]?.link.isWritable == true, let b = await host.storedBlock(item.hash) else {
                missing.append(item)
                continue
            }
            send(.block(b), to: id)
        }
        if !missing.isEmpty { send(.notfound(missing), to: id) }
    }

    /// A peer's `notfound`: a block goes back to the download, a transaction to its next announcer.
    func receivedNotFound(_ items: [Inventory], from id: Int) async {
        for item in items {
            if item.kind == .block { download.notFound(item.hash, from: id) } else { txRequests.notFound(item.hash, from: id) }
        }
        askAgainForTransactions()
        schedule()
        await dropOrphans()
    }

    /// Asks the next announcer for transactions the first did not deliver.
    func askAgainForTransactions() {
        for (peer, ids) in txRequests.retries(now: clock.now) where peers[peer]?.ready == true {
            send(.getdata(ids.map { Inventory(kind: .transaction, hash: $0) }), to: peer)
        }
    }
}
