import Foundation
import NIOCore
import Synchronization

/// A fixed-window limit of requests per minute per client IP (at most
/// `maxClients` clients a minute, so the table stays bounded). Loopback
/// clients are exempt unless told otherwise (as Bitcoin Core trusts localhost).
final class RateLimiter: Sendable {
    let perMinute: Int
    let limitLoopback: Bool
    private let windows = Mutex<(minute: UInt64, table: [String: Int])>((0, [:]))

    init(perMinute: Int, limitLoopback: Bool) {
        self.perMinute = perMinute
        self.limitLoopback = limitLoopback
    }

    /// Clients tracked in one minute; past that, new clients wait for the next minute.
    static let maxClients = 10_000

    /// Whether a request from `address` costing `cost` (a batch costs one per item) may go ahead now.
    func allow(_ address: SocketAddress?, cost: Int = 1, now: UInt64 = UInt64(Date().timeIntervalSince1970)) -> Bool {
        let ip = address?.ipAddress ?? "unknown"
        if !limitLoopback && (ip == "127.0.0.1" || ip == "::1" || ip.hasPrefix("127.")) { return true }
        let minute = now / 60
        return windows.withLock { state in
            // A new minute starts every window afresh (one sweep a minute, not one per request).
            if state.minute != minute {
                state.minute = minute
                state.table.removeAll(keepingCapacity: true)
            }
            let used = state.table[ip] ?? 0
            guard used + max(1, cost) <= perMinute else { return false }
            guard used > 0 || state.table.count < Self.maxClients else { return false }
            state.table[ip] = used + max(1, cost)
            return true
        }
    }
}
