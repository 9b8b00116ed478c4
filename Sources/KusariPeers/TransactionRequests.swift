import KusariCore

/// The transactions asked of peers and not yet received, with who else
/// announced each, so that one announced by several peers is fetched (and its
/// signature checked) once, from the first, and asked of the next announcer
/// when the first does not deliver: no answer within `retrySeconds`, a
/// `notfound`, or a disconnect. Requests go after `forgetSeconds` (or when no
/// announcer is left), so that a later announcement can start again.
struct TransactionRequests {
    /// Seconds after which an unanswered request goes to the next announcer.
    var retrySeconds: Double = 5
    /// Seconds after which a request is forgotten.
    var forgetSeconds: Double = 60
    /// The most requests remembered (past it, the oldest half is forgotten).
    var capacity = 100_000
    /// The most other announcers remembered per transaction.
    static let maxAnnouncers = 8

    private struct Request {
        /// The peer asked, and when (`-infinity`: due for the next announcer now).
        var peer: Int
        var at: Double
        var first: Double
        var others: [Int]
    }
    private var requests: [Hash256: Request] = [:]

    /// The number of requests remembered.
    var count: Int { requests.count }

    /// `peer` announced `ids` (the node wants them): returns those to ask of it now,
    /// the ones no other peer is being asked for; it is remembered as a source of the rest.
    mutating func announced(_ ids: [Hash256], by peer: Int, now: Double) -> [Hash256] {
        var ask: [Hash256] = []
        for id in ids {
            if var r = requests[id] {
                if r.peer != peer, !r.others.contains(peer), r.others.count < Self.maxAnnouncers { r.others.append(peer) }
                requests[id] = r
            } else {
                requests[id] = Request(peer: peer, at: now, first: now, others: [])
                ask.append(id)
            }
        }
        if requests.count > capacity { trim() }
        return ask
    }

    /// A transaction arrived: no longer waited for. Returns whether it was asked for.
    @discardableResult
    mutating func received(_ id: Hash256) -> Bool { requests.removeValue(forKey: id) != nil }

    /// `peer` answered that it does not have `id`: it goes to the next announcer.
    mutating func notFound(_ id: Hash256, from peer: Int) {
        guard var r = requests[id], r.peer == peer else { return }
        r.at = -.infinity
        requests[id] = r
    }

    /// `peer` disconnected: what it was asked goes to the next announcer, and it is no announcer any more.
    mutating func peerGone(_ peer: Int) {
        for (id, var r) in requests where r.peer == peer || r.others.contains(peer) {
            r.others.removeAll { $0 == peer }
            if r.peer == peer { r.at = -.infinity }
            requests[id] = r
        }
    }

    /// The requests to make again now, by peer (in order of peer and id): those unanswered for `retrySeconds`
    /// or given back, each to its next announcer. One with no announcer left is forgotten.
    mutating func retries(now: Double) -> [(peer: Int, ids: [Hash256])] {
        var out: [Int: [Hash256]] = [:]
        for (id, var r) in requests where now - r.at >= retrySeconds {
            guard !r.others.isEmpty else { requests[id] = nil; continue }
            r.peer = r.others.removeFirst()
            r.at = now
            requests[id] = r
            out[r.peer, default: []].append(id)
        }
        // In a fixed order (peers, then ids): the same state gives the same requests.
        return out.keys.sorted().map { ($0, out[$0, default: []].sorted()) }
    }

    /// Forgets requests first made more than `forgetSeconds` ago (called periodically).
    mutating func expire(now: Double) {
        requests = requests.filter { now - $0.value.first < forgetSeconds }
    }

    /// Over capacity: keeps the newer half.
    private mutating func trim() {
        let cut = requests.values.map(\.first).sorted()[requests.count / 2]
        requests = requests.filter { $0.value.first >= cut }
    }
}
