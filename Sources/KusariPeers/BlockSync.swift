import KusariCore
import KusariNetwork

/// Block sync, headers first: a peer with more work is asked for headers; their
/// bodies are queued in the `BlockDownload` schedule and asked of the peers that
/// sent them; bodies that come before their parent are held until it connects.
extension PeerNetwork {
    /// Tells the host the best height its connected peers show (sync progress; a
    /// peer that claimed too much stops counting when it goes).
    func reportPeerHeight() async {
        await host.setBestPeerHeight(peers.values.map(\.height).max() ?? 0)
    }

    /// Several bodies at once (a sync): the signatures of all but the first are checked in
    /// the background, on the cores the host's apply of the one before leaves free. Only
    /// bodies asked of this peer, one check at a time: no peer can make the node check
    /// signatures it did not ask for.
    func checkBodiesAhead(_ batch: [CheckedMessage], from id: Int) async {
        let bodies = batch.compactMap { m -> Block? in if case .block(let b) = m.message { return b } else { return nil } }
        let later = bodies.dropFirst().filter { download.isRequested($0.id, from: id) }
        guard !later.isEmpty, !checkingInBackground, peers[id]?.ready == true,
              await host.firstWithoutProofOfWork(later.map(\.header)) == nil else { return }
        checkingInBackground = host.checkSignaturesAhead(Array(later)) { Task { await self.backgroundCheckDone() } }
    }

    /// A peer's `getheaders`: our best-chain headers after its locator.
    func receivedHeadersRequest(locator: [Hash256], stop: Hash256, from id: Int) async {
        // The locator starts at the peer's best block: if we hold it, the peer has shown that height.
        if let tip = locator.first, let height = await host.height(ofBlock: tip) { peerProved(id, height: height) }
        send(.headers(await host.headers(after: locator, stop: stop, limit: WireLimits.maxHeaders)), to: id)
    }

    /// A peer's `headers`: a chain of headers with valid proof of work that hangs from a
    /// block we know; their unknown bodies join the download.
    func receivedHeaders(_ headers: [BlockHeader], from id: Int) async {
        // A batch is a chain: each header follows the one before, each with its proof of work.
        for (i, h) in headers.enumerated() where i > 0 {
            if h.previousId != headers[i - 1].id || headers[i - 1].height == .max || h.height != headers[i - 1].height + 1 {
                return misbehaved(id, points: 50, "headers that do not form a chain (at \(h.id))")
            }
        }
        if let bad = await host.firstWithoutProofOfWork(headers) {
            return misbehaved(id, points: 100, "header \(headers[bad].id) without valid proof of work")
        }
        guard let first = headers.first, let last = headers.last else { return }
        // The batch must hang from a block we know or are fetching; otherwise the peer is on
        // a branch we have not heard of, and we ask again from our locator.
        if !download.isPending(first.previousId), !(await host.knowsBlock(first.previousId)) {
            peers[id]?.unconnecting += 1
            if (peers[id]?.unconnecting ?? 0) >= Self.maxUnconnectingHeaders {
                peers[id]?.unconnecting = 0
                misbehaved(id, points: 20, "\(Self.maxUnconnectingHeaders) headers batches that connect to nothing we know")
            }
            send(.getheaders(locator: await host.locator(), stop: .zero), to: id)
            return
        }
        peers[id]?.unconnecting = 0
        if last.height > (peers[id]?.height ?? 0) {
            peers[id]?.height = last.height
            await reportPeerHeight()
        }
        let unknown = await host.unknownBlocks(headers.map(\.id))
        for h in headers { peers[id]?.known.insert(h.id) }
        download.add(unknown, from: id)
        schedule()
        // A full batch: ask for the next, while the queue has room (later, `refreshConnections` asks again).
        if headers.count == WireLimits.maxHeaders, download.hasRoom {
            send(.getheaders(locator: [last.id], stop: .zero), to: id)
        }
    }

    /// A block body: proof of work first, then to the host (or held until its parent connects).
    func receivedBlock(_ block: Block, from id: Int) async {
        peers[id]?.known.insert(block.id)
        peers[id]?.blocksIn += 1
        let scheduled = download.isPending(block.id)
        // A second copy of a body already received (and held or being connected) is ignored.
        guard download.received(block.id) || !scheduled else { return }
        // Proof of work first: a block without it costs its sender, whatever its parent.
        guard await host.hasValidProofOfWork(block.header) else {
            if scheduled { download.rejected(block.id, from: id) }
            schedule()
            return misbehaved(id, points: 100, "block \(block.id) without valid proof of work")
        }
        // A body of the sync that came before its parent waits for it (inside the window).
        let parent = block.header.previousId
        if scheduled, !(await host.knowsBlock(parent)) {
            held[parent, default: []].append((block, id))
            // The parent may have connected while we asked.
            if await host.knowsBlock(parent) {
                for child in held.removeValue(forKey: parent) ?? [] { await connect(child.block, from: child.from) }
            }
        } else {
            await connect(block, from: id)
        }
        schedule()
    }

    /// Sends the body requests the schedule has room for.
    func schedule() {
        let ready = orderedIds.filter { peers[$0]?.ready == true }
        for a in download.assign(peers: ready, now: clock.now) {
            send(.getdata(a.ids.map { Inventory(kind: .block, hash: $0) }), to: a.peer)
        }
    }

    /// Hands a block to the host, then any held children it makes connectable.
    func connect(_ first: Block, from firstSender: Int) async {
        var queue = [(block: first, from: firstSender)]
        while !queue.isEmpty {
            let (block, sender) = queue.removeFirst()
            switch await host.offer(block: block) {
            case .accepted:
                download.done(block.id)
                peerProved(sender, height: block.header.height)
            case .rejected(let reason, peerFault: true):
                // This body is bad; the block may still come right from another peer.
                download.rejected(block.id, from: sender)
                misbehaved(sender, points: 100, "invalid block: \(reason)")
                continue
            case .rejected(let reason, peerFault: false):
                download.done(block.id)
                if !(await host.knowsBlock(block.header.previousId)) {
                    send(.getheaders(locator: await host.locator(), stop: .zero), to: sender)
                } else {
                    logger.warning("block not accepted", metadata: ["id": "\(block.id)", "reason": "\(reason)"])
                }
            }
            if await host.knowsBlock(block.id) { queue += held.removeValue(forKey: block.id) ?? [] }
        }
    }

    /// Raises the height a peer has shown (`GET /v1/peers`) to `height` if that is more.
    func peerProved(_ id: Int, height: UInt64) {
        if let known = peers[id]?.height, height > known { peers[id]?.height = height }
    }

    /// When little is left to download and a peer shows more blocks than we have,
    /// headers are asked again (at most every 5 s): blocks that left the queue
    /// without a source, or headers not queued for lack of room, come back this way.
    func refreshHeaders() async {
        let now = clock.now
        guard download.remaining < download.limits.window, now - lastHeadersRefresh >= 5 else { return }
        let ours = await host.handshakeInfo().height
        let taller = orderedIds.filter { peers[$0]?.ready == true && (peers[$0]?.height ?? 0) > ours }
        guard let best = taller.max(by: { (peers[$0]?.height ?? 0, -$0) < (peers[$1]?.height ?? 0, -$1) }) else { return }
        lastHeadersRefresh = now
        send(.getheaders(locator: await host.locator(), stop: .zero), to: best)
    }

    /// Held bodies whose parent no one will send any more are let go.
    func dropOrphans() async {
        for parent in held.keys.sorted() where !download.isPending(parent) {
            if await host.knowsBlock(parent) {
                // The parent arrived by other means: connect the children now.
                for child in held.removeValue(forKey: parent) ?? [] { await connect(child.block, from: child.from) }
                continue
            }
            for child in held.removeValue(forKey: parent) ?? [] { download.done(child.block.id) }
        }
    }
}
