import Foundation
import KusariCore
import KusariNetwork
import Logging
import NIOCore
import NIOPosix

/// The address book (`peers.json`), outbound dialling to known addresses, and
/// misbehaviour scores and bans (`bans.json`).
extension P2P {
    // MARK: - Address book

    func remember(_ address: String, seen: UInt64, save: Bool = true) {
        guard let port = Int(address.split(separator: ":").last ?? ""), port > 0, port != listenPort || !address.hasPrefix("127.") else { return }
        if (book[address] ?? 0) < seen { book[address] = seen }
        if book.count > 10_000, let oldest = book.min(by: { $0.value < $1.value })?.key { book[oldest] = nil }
        if save { saveBook() }
    }

    func saveBook() {
        guard let bookPath, let data = try? JSONEncoder().encode(book) else { return }
        try? data.write(to: URL(fileURLWithPath: bookPath), options: .atomic)
    }

    /// Known addresses, for `addr` replies.
    func addresses(excluding: String) -> [PeerAddress] {
        book.sorted { $0.value > $1.value }.prefix(WireLimits.maxAddresses).compactMap { entry in
            guard entry.key != excluding else { return nil }
            let parts = entry.key.split(separator: ":")
            guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
            let octets = parts[0].split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { return nil }
            return PeerAddress(ipv4: octets[0], octets[1], octets[2], octets[3], port: port, lastSeen: entry.value)
        }
    }

    /// Connects to known addresses until the outbound target is met (called periodically).
    public func refreshConnections() async {
        guard !stopping else { return }
        handling += 1
        defer { handling -= 1 }
        // Peers that let a body request go unanswered: their blocks go to others; a
        // peer that does it again and again is let go.
        let clock = Self.clock()
        txRequests.expire(now: clock)
        askAgainForTransactions()
        for (id, p) in peers {
            // Progress: a block body read from the peer, or a busy peer's flow of other data
            // (a peer that only answers pings is not making progress).
            let bytes = p.counters.inbound, blocks = p.counters.blocksRead
            // A connection whose reading we paused (our backlog, not theirs) is not stalling either.
            if blocks != p.blocksSeen || bytes - p.inboundSeen >= Self.busyBytes || p.counters.readingPaused {
                peers[id]?.inboundSeen = bytes
                peers[id]?.blocksSeen = blocks
                download.progressed(id, now: clock)
            }
        }
        let stalls = download.stalled(now: clock)
        for id in stalls.late {
            logger.notice("peer stalls the block download", metadata: ["remote": "\(peers[id]?.remote ?? "?")"])
        }
        for id in stalls.giveUp { drop(id, "stalled the block download \(download.limits.maxStalls) times") }
        schedule()
        await dropOrphans()
        await refreshHeaders()
        let now = Date()
        // A connection that has not finished its handshake in time is dropped.
        for (id, p) in peers where !p.ready && now.timeIntervalSince(p.connectedAt) > Self.handshakeSeconds {
            drop(id, "no handshake within \(Int(Self.handshakeSeconds)) s")
        }
        // Pings measure latency; a peer that leaves one unanswered too long is gone.
        let pingEvery = min(20, pingTimeout / 3)
        for (id, p) in peers where p.ready {
            if let sent = p.pingSent {
                if now.timeIntervalSince(sent.at) > pingTimeout { drop(id, "no pong within \(Int(pingTimeout)) s") }
            } else if now.timeIntervalSince(p.lastPing) >= pingEvery {
                let nonce = UInt64.random(in: 0...UInt64.max)
                peers[id]?.pingSent = (nonce, now)
                peers[id]?.lastPing = now
                send(.ping(nonce: nonce), to: id)
            }
        }
        let outbound = peers.values.filter(\.outbound).count
        guard outbound < outboundTarget else { return }
        // A peer counts under its dialed address and under the address it listens on.
        let connected = connectedAddresses()
        let candidates = book.keys.sorted().filter { a in
            !connected.contains(a) && !isBanned(a) && (nextAttempt[a].map { $0.at <= now } ?? true)
        }
        for address in candidates.prefix(outboundTarget - outbound) {
            let parts = address.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { continue }
            let delay = min((nextAttempt[address]?.delay ?? 0.5) * 2, 60)
            nextAttempt[address] = (now.addingTimeInterval(delay * Double.random(in: 1...1.25)), delay)
            dial(host: String(parts[0]), port: port)
        }
    }

    private nonisolated func dial(host: String, port: Int) {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { [magic] channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel, magic: magic, p2p: self, outbound: true, remote: "\(host):\(port)")
                }
            }
        _ = bootstrap.connect(host: host, port: port)
    }

    // MARK: - Bans and misbehaviour

    /// The key a ban applies to: the IP address, or on loopback (where every peer
    /// shares one address) the address and port.
    nonisolated static func banKey(_ remote: String) -> String {
        let host = remote.split(separator: ":").dropLast().joined(separator: ":")
        return host.hasPrefix("127.") || host == "::1" ? remote : host
    }

    func isBanned(_ remote: String) -> Bool {
        let key = Self.banKey(remote)
        guard let b = bans[key] else { return false }
        if b.until <= UInt64(Date().timeIntervalSince1970) { bans[key] = nil; return false }
        return true
    }

    /// Adds misbehaviour points; past the threshold the peer is banned and dropped.
    func misbehaved(_ id: Int, points: Int, _ reason: String) {
        guard var p = peers[id] else { return }
        p.score += points
        peers[id] = p
        logger.notice("peer misbehaved", metadata: ["remote": "\(p.remote)", "score": "\(p.score)", "reason": "\(reason)"])
        if p.score >= Self.banThreshold {
            let key = Self.banKey(p.remote)
            bans[key] = Ban(key: key, until: UInt64(Date().timeIntervalSince1970) + banSeconds, reason: reason)
            saveBans()
            drop(id, "banned: \(reason)")
        }
    }

    func saveBans() {
        guard let bansPath, let data = try? JSONEncoder().encode(Array(bans.values)) else { return }
        try? data.write(to: URL(fileURLWithPath: bansPath), options: .atomic)
    }

    /// Current bans.
    public func banList() -> [Ban] {
        let now = UInt64(Date().timeIntervalSince1970)
        return bans.values.filter { $0.until > now }.sorted { $0.key < $1.key }
    }

    /// Connected peers.
    public func peerList() -> [PeerInfo] {
        peers.keys.sorted().compactMap { id in
            guard let p = peers[id] else { return nil }
            return PeerInfo(address: p.remote, direction: p.outbound ? "outbound" : "inbound", nodeId: p.version?.nodeId,
                            height: p.version == nil ? nil : p.height, userAgent: p.version?.userAgent,
                            latencyMs: p.latency.map { $0 * 1000 }, bytesIn: p.counters.inbound, bytesOut: p.counters.outbound, blocksIn: p.blocksIn,
                            score: p.score)
        }
    }
}
