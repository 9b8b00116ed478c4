import Foundation
import KusariClient
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over one keep-alive TCP connection to 127.0.0.1,
/// for load benchmarks: it costs the client little, so the figure is the node's.
final class LoopbackConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Seconds a send or a read may wait before the request fails (nil: no limit).
    private let timeout: Double?

    /// Connects to 127.0.0.1:`port`; with a `timeout`, a request fails when the node is silent that long.
    init(port: UInt16, timeout: Double? = nil) throws {
        self.timeout = timeout
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError.failed("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let timeout {
            var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        let rc = Loopback.withAddress(port: Int(port)) { connect(fd, $0, $1) }
        guard rc == 0 else {
            close(fd)
            throw BenchError.failed("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends one request and returns the status code and body.
    func request(_ method: String, _ path: String, body: [UInt8] = []) throws -> (Int, [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchError.failed("send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        // Headers.
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = find([13, 10, 13, 10])
            if headerEnd == nil { try fill() }
        }
        let headerBytes = Array(buffer[..<(headerEnd ?? 0)])
        buffer.removeFirst((headerEnd ?? 0) + 4)
        let text = String(decoding: headerBytes, as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        while buffer.count < length { try fill() }
        let responseBody = Array(buffer[..<length])
        buffer.removeFirst(length)
        return (status, responseBody)
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where buffer[i] == pattern[0] && Array(buffer[i..<(i + pattern.count)]) == pattern {
            return i
        }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK, let timeout {
            throw BenchError.failed("no answer from the node within \(timeout) s")
        }
        guard n > 0 else { throw BenchError.failed("connection closed by the node") }
        buffer += chunk[..<n]
    }
}
