/// Misbehaviour points, bans (kept by the `PeerStore`), and what `GET /v1/peers`
/// and `GET /v1/bans` show.
extension PeerNetwork {
    /// The key a ban applies to: the IP address, or on loopback (where every peer
    /// shares one address) the address and port.
    nonisolated static func banKey(_ remote: String) -> String {
        let host = hostAndPort(remote)?.host ?? remote
        return host.hasPrefix("127.") || host == "::1" ? remote : host
    }

    /// Whether `remote` is banned now (an expired ban is forgotten).
    func isBanned(_ remote: String) -> Bool {
        let key = Self.banKey(remote)
        guard let b = bans[key] else { return false }
        if b.until <= clock.unixSeconds { bans[key] = nil; return false }
        return true
    }

    /// Adds misbehaviour points; past the threshold the peer is banned and dropped.
    public func misbehaved(_ id: Int, points: Int, _ reason: String) {
        guard var p = peers[id] else { return }
        p.score += points
        peers[id] = p
        logger.notice("peer misbehaved", metadata: ["remote": "\(p.remote)", "score": "\(p.score)", "reason": "\(reason)"])
        if p.score >= Self.banThreshold {
            let key = Self.banKey(p.remote)
            bans[key] = Ban(key: key, until: clock.unixSeconds + banSeconds, reason: reason)
            store?.saveBans(Array(bans.values))
            drop(id, "banned: \(reason)")
        }
    }

    /// Current bans.
    public func banList() -> [Ban] {
        let now = clock.unixSeconds
        return bans.values.filter { $0.until > now }.sorted { $0.key < $1.key }
    }

    /// Connected peers.
    public func peerList() -> [PeerInfo] {
        orderedIds.compactMap { id in
            guard let p = peers[id] else { return nil }
            return PeerInfo(address: p.remote, direction: p.outbound ? "outbound" : "inbound", nodeId: p.version?.nodeId,
                            height: p.version == nil ? nil : p.height, userAgent: p.version?.userAgent,
                            latencyMs: p.latency.map { $0 * 1000 }, bytesIn: p.counters.inbound, bytesOut: p.counters.outbound,
                            blocksIn: p.blocksIn, score: p.score)
        }
    }
}
