import Foundation
import KusariClient
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client to the test server, for requests no HTTP library would send:
/// malformed ones, bodies written before reading, idle and half-sent connections.
/// Blocking calls with timeouts; call them through `offPool` from async tests.
final class RawHTTP: @unchecked Sendable {
    let fd: Int32

    /// What came back: a status, header fields (lower-cased names) and the body.
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// Connects to 127.0.0.1:`port`, from the loopback address 127.0.0.`source` (a
    /// distinct client IP per `source`); I/O gives up after `timeout` seconds.
    init(port: Int, source: UInt8 = 1, timeout: Double = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = (UInt32(0x7f00_0000) | UInt32(source)).bigEndian
        let boundOK = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let connected = Loopback.withAddress(port: port) { connect(fd, $0, $1) }
        guard boundOK == 0, connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port) from 127.0.0.\(source): \(reason)")
        }
    }

    deinit { close(fd) }

    /// Writes all of `bytes`; throws if the server stops reading for the timeout or closes.
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send stopped after \(sent) of \(bytes.count) bytes: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads one answer (its body by Content-Length, or up to the close).
    func answer() throws -> Answer {
        var data = [UInt8]()
        var headerEnd: Int?
        while headerEnd == nil {
            guard try receive(into: &data) else { throw TestFailure("connection closed before an answer (\(data.count) bytes)") }
            headerEnd = data.indices.dropLast(3).first { data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10 }
        }
        let end = headerEnd ?? 0
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if let length = headers["content-length"].flatMap(Int.init) {
            while body.count < length, try receive(into: &body) {}
        } else if headers["transfer-encoding"] == nil {
            while try receive(into: &body) {}
        }
        return Answer(status: status, headers: headers, body: Data(body))
    }

    /// Sends a request of `method` on `path` (no body) and reads the answer.
    func request(_ method: String, _ path: String) throws -> Answer {
        try send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return try answer()
    }

    /// Whether the server closed the connection (EOF or reset) within the timeout,
    /// reading and dropping whatever else arrives.
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// How many of `clients` the server has closed (EOF or reset) within `seconds`;
    /// whatever else arrives on them is dropped.
    static func closedByServer(among clients: [RawHTTP], within seconds: Double) -> Int {
        var closed = Set<Int>()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        repeat {
            for (i, c) in clients.enumerated() where !closed.contains(i) {
                let n = recv(c.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno == ECONNRESET) { closed.insert(i) }
            }
            if closed.count == clients.count { break }
            usleep(20_000)
        } while Date() < deadline
        return closed.count
    }

    /// Appends what arrives; false at the end of the stream.
    private func receive(into data: inout [UInt8]) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n < 0 {
            if errno == ECONNRESET { return false }
            throw TestFailure("recv: \(String(cString: strerror(errno)))")
        }
        data += buffer[..<n]
        return n > 0
    }
}

/// Runs blocking socket work on a dispatch thread, not on one of the few threads of
/// the async pool that the server's handlers need.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
