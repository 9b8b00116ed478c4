import KusariCore

/// The transactions asked of peers and not yet received, so that one announced
/// by several peers at once is fetched (and its signature checked) once, not
/// once per announcer. A request that goes unanswered for `retrySeconds` may
/// go to another peer that announces it; entries go after `forgetSeconds`.
struct TransactionRequests {
    /// Seconds after which an unanswered request may be made again, of another announcer.
    var retrySeconds: Double = 5
    /// Seconds after which a request is forgotten.
    var forgetSeconds: Double = 60
    /// The most requests remembered (past it, the oldest are forgotten first).
    var capacity = 200_000
    private var asked: [Hash256: Double] = [:]

    /// The number of requests remembered.
    var count: Int { asked.count }

    /// Of `ids`, those to ask for now (not asked in the last `retrySeconds`), which are then recorded as asked.
    mutating func claim(_ ids: [Hash256], now: Double) -> [Hash256] {
        var out: [Hash256] = []
        for id in ids {
            if let at = asked[id], now - at < retrySeconds { continue }
            asked[id] = now
            out.append(id)
        }
        if asked.count > capacity { forget(now: now, olderThan: 0) }
        return out
    }

    /// A transaction arrived: no longer waited for. Returns whether it was asked for.
    @discardableResult
    mutating func received(_ id: Hash256) -> Bool { asked.removeValue(forKey: id) != nil }

    /// Forgets requests older than `forgetSeconds` (called periodically).
    mutating func expire(now: Double) { forget(now: now, olderThan: forgetSeconds) }

    private mutating func forget(now: Double, olderThan age: Double) {
        if age > 0 {
            asked = asked.filter { now - $0.value < age }
        } else {
            // Over capacity: keep the newer half.
            let cut = asked.values.sorted()[asked.count / 2]
            asked = asked.filter { $0.value >= cut }
        }
    }
}
