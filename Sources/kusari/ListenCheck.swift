import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks before a node starts that it can listen where it was asked to, so
/// that a taken port is refused at once, with exit status 1 and before a
/// data directory is made, instead of after the node is up.
enum ListenCheck {
    /// Binds and closes a TCP socket on HOST:PORT (port 0 always passes).
    /// Throws `field: cannot listen on HOST:PORT (in use)` and the like.
    static func check(host: String, port: Int, field: String) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw CLIError("\(field): cannot listen on \(host):\(port) (unknown host: \(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return }  // no socket to try with: let the server report it
        defer { close(fd) }
        var one: Int32 = 1
        // As the server does, so that a port in TIME_WAIT is not taken for one in use.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            throw CLIError("\(field): cannot listen on \(host):\(port) (\(reason(errno)))")
        }
    }

    /// A short reason for a failed bind.
    static func reason(_ code: Int32) -> String {
        switch code {
        case EADDRINUSE: return "in use"
        case EACCES: return "permission denied: ports below 1024 need privileges"
        case EADDRNOTAVAIL: return "not an address of this machine"
        default: return String(cString: strerror(code))
        }
    }

    /// The reason inside an error the server raised while binding, if it was a bind error.
    static func reason(of error: Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("errno: 98") { return "in use" }
        return text
    }
}
