import KusariClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks TCP ports on 127.0.0.1 for the nodes, before they start, so that a
/// restarted node comes back on the same addresses (and its explorer URL holds).
enum Ports {
    /// `preferred` if it can be bound now, else a free port the system picks.
    /// A port could be taken between this check and the node's bind; the node
    /// then fails to start and the devnet says so.
    static func pick(preferred: Int?, avoiding taken: Set<Int>) throws(DevnetError) -> Int {
        if let preferred, !taken.contains(preferred), tryBind(preferred) != nil { return preferred }
        for _ in 0..<20 {
            if let port = tryBind(0), !taken.contains(port) { return port }
        }
        throw DevnetError("ports", "cannot find a free TCP port on 127.0.0.1")
    }

    /// Binds a listening socket to 127.0.0.1:`port` (with SO_REUSEADDR, as the node's
    /// servers do), closes it and returns the port bound, or nil.
    private static func tryBind(_ port: Int) -> Int? {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = Loopback.withAddress(port: port) { bind(fd, $0, $1) }
        guard rc == 0, listen(fd, 1) == 0 else { return nil }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let got = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard got == 0 else { return nil }
        return Int(UInt16(bigEndian: bound.sin_port))
    }
}
