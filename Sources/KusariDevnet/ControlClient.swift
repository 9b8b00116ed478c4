import Foundation
import KusariClient
#if canImport(Glibc)
import Glibc
#endif

/// Sends one request to a running devnet's control endpoint (found in
/// `DIR/control.json`) and returns its reply.
public enum ControlClient {
    /// The control file of the devnet in `directory`: `{"port": ..., "pid": ...}`.
    public static func endpoint(directory: String) throws(DevnetError) -> (port: Int, pid: Int32) {
        let path = directory + "/control.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DevnetError("dir", "no devnet is running in \(directory) (no control.json); start one with `kusari devnet`")
        }
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let port = o["port"] as? Int,
              (1...65535).contains(port), let pid = (o["pid"] as? Int).flatMap(Int32.init(exactly:)) else {
            throw DevnetError("dir", "\(path) is not a devnet control file")
        }
        return (port, pid)
    }

    /// Sends `request` and returns the reply's fields; a refusal becomes a `DevnetError`.
    public static func send(_ request: ControlRequest, directory: String, timeout: TimeInterval = 30) throws(DevnetError) -> [String: Any] {
        let (port, pid) = try endpoint(directory: directory)
        guard kill(pid, 0) == 0 || errno == EPERM else {
            throw DevnetError("dir", "the devnet in \(directory) (pid \(pid)) is not running")
        }
        let line: Data
        do { line = try JSONSerialization.data(withJSONObject: request.json) + Data("\n".utf8) } catch {
            throw DevnetError("request", "cannot encode: \(error)")
        }
        let reply = try exchange(line, port: port, timeout: timeout)
        guard let o = (try? JSONSerialization.jsonObject(with: reply)) as? [String: Any] else {
            throw DevnetError("control", "the devnet's reply is not JSON")
        }
        if o["ok"] as? Bool != true { throw DevnetError("devnet", o["error"] as? String ?? "refused the request") }
        return o
    }

    /// Writes `data` to 127.0.0.1:`port` and reads until the server closes.
    private static func exchange(_ data: Data, port: Int, timeout: TimeInterval) throws(DevnetError) -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DevnetError("control", "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = Loopback.withAddress(port: port) { connect(fd, $0, $1) }
        guard rc == 0 else { throw DevnetError("control", "cannot reach the devnet on 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let bytes = [UInt8](data)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw DevnetError("control", "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        var reply = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw DevnetError("control", "no reply from the devnet within \(Int(timeout)) s") }
            reply.append(contentsOf: chunk[..<n])
            guard reply.count <= 1 << 22 else { throw DevnetError("control", "reply too large") }
        }
        return reply
    }
}
