/// What the network does every few seconds (`refreshConnections`): forgets old
/// transaction requests, judges the block download's progress (a stalling peer's
/// requests go to others), drops connections without a handshake in time, pings,
/// and dials known addresses up to the outbound target.
extension PeerNetwork {
    /// Seconds between two calls of `refreshConnections` by the transport's timers.
    public static let refreshSeconds: Double = 2

    /// The periodic work (see the extension's summary).
    public func refreshConnections() async {
        guard !stopping else { return }
        handling += 1
        defer { handling -= 1 }
        let started = clock.now
        txRequests.expire(now: started)
        for kind in channels.keys.sorted() { channels[kind]?.requests.expire(now: started) }
        askAgainForTransactions()
        askAgainForChannelItems()
        for id in orderedIds {
            guard let p = peers[id] else { continue }
            // Progress: a block body read from the peer, or a busy peer's flow of other data
            // (a peer that only answers pings is not making progress). A connection whose
            // reading we paused (our backlog, not theirs) is not stalling either.
            let bytes = p.counters.inbound, blocks = p.counters.blocksRead
            if blocks != p.blocksSeen || bytes - p.inboundSeen >= Self.busyBytes || p.counters.readingPaused {
                peers[id]?.inboundSeen = bytes
                peers[id]?.blocksSeen = blocks
                download.progressed(id, now: started)
            }
        }
        let stalls = download.stalled(now: started)
        for id in stalls.late {
            logger.notice("peer stalls the block download", metadata: ["remote": "\(peers[id]?.remote ?? "?")"])
        }
        for id in stalls.giveUp { drop(id, "stalled the block download \(download.limits.maxStalls) times") }
        schedule()
        await dropOrphans()
        await refreshHeaders()
        // Those awaits may have taken a while (connecting held blocks): time is read again.
        let now = clock.now
        for id in orderedIds {
            guard let p = peers[id] else { continue }
            if !p.ready {
                // A connection that has not finished its handshake in time is dropped.
                if now - p.connectedAt > Self.handshakeSeconds { drop(id, "no handshake within \(Int(Self.handshakeSeconds)) s") }
                continue
            }
            // Pings measure latency; a peer that leaves one unanswered too long is gone.
            if let sent = p.pingSent {
                if now - sent.at > pingTimeout { drop(id, "no pong within \(Int(pingTimeout)) s") }
            } else if now - p.lastPing >= min(20, pingTimeout / 3) {
                let nonce = random.next()
                peers[id]?.pingSent = (nonce, now)
                peers[id]?.lastPing = now
                send(.ping(nonce: nonce), to: id)
            }
        }
        dialKnownAddresses()
    }
}
