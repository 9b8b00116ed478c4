/// The address a browser can open for the explorer of a node listening on
/// `host` and `port`: a wildcard bind (`0.0.0.0`, `::`) is reached on the
/// loopback address of its family, and an IPv6 host is bracketed.
enum ExplorerAddress {
    /// `http://HOST:PORT/` for a browser.
    static func url(host: String, port: Int) -> String {
        var h = host
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        switch h {
        case "", "0.0.0.0", "*": h = "127.0.0.1"
        case "::", "0:0:0:0:0:0:0:0": h = "::1"
        default: break
        }
        if h.contains(":") { h = "[" + h + "]" }
        return "http://\(h):\(port)/"
    }
}
