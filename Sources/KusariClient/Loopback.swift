import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// 127.0.0.1 as a socket address, for the raw TCP sockets of the devnet's control
/// channel and port probes and of the benchmarks' load clients (one place that
/// spells the address out).
public enum Loopback {
    /// Calls `body` with 127.0.0.1:`port` as a `sockaddr` pointer and its length
    /// (for `connect` and `bind`).
    public static func withAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
