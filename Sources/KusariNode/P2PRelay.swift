import Foundation
import KusariCore
import KusariNetwork
import Logging
import NIOCore
import NIOPosix

/// Block download (the `BlockDownload` schedule, held bodies, headers refresh)
/// and relaying: block announcements and transaction trickles.
extension P2P {
    // MARK: - Block download

    /// Tells the node the best height its connected peers show (sync progress; a
    /// peer that claimed too much stops counting when it goes).
    func reportPeerHeight() async {
        await node.setBestPeerHeight(peers.values.map(\.height).max() ?? 0)
    }

    /// A monotonic clock for the download schedule, in seconds.
    static func clock() -> Double { ProcessInfo.processInfo.systemUptime }

    /// Sends the body requests the schedule has room for.
    func schedule() {
        let ready = peers.filter { $0.value.ready }.keys.sorted()
        for a in download.assign(peers: ready, now: Self.clock()) {
            send(.getdata(a.ids.map { Inventory(kind: .block, hash: $0) }), to: a.peer)
        }
    }

    /// Hands a block to the node, then any held children it makes connectable.
    func connect(_ first: Block, from firstSender: Int) async {
        var queue = [(block: first, from: firstSender)]
        while !queue.isEmpty {
            let (block, sender) = queue.removeFirst()
            do {
                try await node.accept(block: block)
                download.done(block.id)
                peerProved(sender, height: block.header.height)
            } catch NodeError.rejectedBlock(let reason, let peerFault) {
                if peerFault {
                    // This body is bad; the block may still come right from another peer.
                    download.rejected(block.id, from: sender)
                    misbehaved(sender, points: 100, "invalid block: \(reason)")
                    continue
                }
                download.done(block.id)
                if !(await node.knowsBlock(block.header.previousId)) {
                    send(.getheaders(locator: await node.locator(), stop: .zero), to: sender)
                }
            } catch {
                download.done(block.id)
                logger.warning("block not accepted", metadata: ["error": "\(error)"])
            }
            if await node.knowsBlock(block.id) { queue += held.removeValue(forKey: block.id) ?? [] }
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
        let now = Self.clock()
        guard download.remaining < download.limits.window, now - lastHeadersRefresh >= 5 else { return }
        let ours = await node.status().height
        guard let best = peers.filter({ $0.value.ready && $0.value.height > ours }).max(by: { $0.value.height < $1.value.height }) else {
            return
        }
        lastHeadersRefresh = now
        send(.getheaders(locator: await node.locator(), stop: .zero), to: best.key)
    }

    /// Held bodies whose parent no one will send any more are let go.
    func dropOrphans() async {
        for parent in Array(held.keys) where !download.isPending(parent) {
            if await node.knowsBlock(parent) {
                // The parent arrived by other means: connect the children now.
                for child in held.removeValue(forKey: parent) ?? [] { await connect(child.block, from: child.from) }
                continue
            }
            for child in held.removeValue(forKey: parent) ?? [] { download.done(child.block.id) }
        }
    }

    // MARK: - Announcements

    func announce(_ event: NodeEvent) async {
        let item: Inventory
        var body: Block?
        switch event {
        case .block(_, let id, _):
            item = Inventory(kind: .block, hash: id)
            // A fresh tip (not one of a sync's many) goes to peers whole: one hop instead of
            // inv, getheaders, headers, getdata and block, each waiting behind a busy
            // peer's transactions. Its transactions are mostly known there, so checking it
            // costs little; a peer that lacks its parent asks for headers as before.
            if download.remaining == 0 { body = await node.storedBlock(id) }
        case .reorganization(_, _, _, let tip): item = Inventory(kind: .block, hash: tip)
        case .transaction, .heartbeat, .sideBlock:
            return
        }
        let fresh = download.remaining == 0
        for (id, peer) in peers where peer.ready {
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
    static let trickleMilliseconds = 50

    /// Queues a transaction announcement for the next trickle (unless the peer knows it).
    func queueAnnouncement(_ item: Inventory, to id: Int) {
        guard let peer = peers[id], peer.outbox.items.count < Self.maxOutbox, peer.known.insert(item.hash) else { return }
        peer.outbox.items.append(item)
    }

    /// Announcements that may wait for one peer (past it, new ones are not queued for it).
    static let maxOutbox = 200_000

    /// Takes the transactions the node admitted since the last trickle and sends
    /// every peer what it does not know, in as few `inv` messages as fit.
    func trickle() async {
        let admitted = await node.takeUnannounced()
        for (id, peer) in peers where peer.ready {
            for txid in admitted { queueAnnouncement(Inventory(kind: .transaction, hash: txid), to: id) }
        }
        // A peer that is not reading keeps its outbox for a later trickle (nothing is marked
        // announced and then dropped); its unanswered pings end it if it never reads again.
        for (id, peer) in peers where !peer.outbox.items.isEmpty && peer.channel.isWritable {
            let items = peer.outbox.items
            peer.outbox.items.removeAll(keepingCapacity: true)
            var start = 0
            while start < items.count {
                let end = min(start + WireLimits.maxInventory, items.count)
                send(.inv(Array(items[start..<end])), to: id, flush: false)
                start = end
            }
            peer.channel.flush()
        }
    }
}
