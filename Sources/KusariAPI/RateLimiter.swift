import Foundation
import NIOCore
import Synchronization

/// A fixed-window limit of requests per minute per client IP. Loopback
/// clients are exempt unless told otherwise (as Bitcoin Core trusts localhost).
final class RateLimiter: Sendable {
    let perMinute: Int
    let limitLoopback: Bool
    private let windows = Mutex<[String: (start: UInt64, count: Int)]>([:])

    init(perMinute: Int, limitLoopback: Bool) {
        self.perMinute = perMinute
        self.limitLoopback = limitLoopback
    }

    /// Whether a request from `address` may go ahead now.
    func allow(_ address: SocketAddress?, now: UInt64 = UInt64(Date().timeIntervalSince1970)) -> Bool {
        let ip = address?.ipAddress ?? "unknown"
        if !limitLoopback && (ip == "127.0.0.1" || ip == "::1" || ip.hasPrefix("127.")) { return true }
        let minute = now / 60
        return windows.withLock { table in
            if table.count > 10_000 { table = table.filter { $0.value.start == minute } }
            var w = table[ip] ?? (minute, 0)
            if w.start != minute { w = (minute, 0) }
            guard w.count < perMinute else { return false }
            w.count += 1
            table[ip] = w
            return true
        }
    }
}
