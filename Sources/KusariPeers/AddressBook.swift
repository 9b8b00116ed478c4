import Foundation
import KusariCore
import KusariNetwork

/// The address book (known `HOST:PORT`s and when they were last seen), the
/// addresses the node keeps a connection to (`--peer`), and dialling with backoff.
extension PeerNetwork {
    // MARK: - Address book

    /// `HOST:PORT` split at its last colon (an IPv6 host keeps its own colons).
    nonisolated static func hostAndPort(_ address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        return (String(address[..<colon]), port)
    }

    /// Remembers an address seen at `seen` (Unix seconds); the book keeps the 10,000 most recent.
    func remember(_ address: String, seen: UInt64, save: Bool = true) {
        guard let port = Self.hostAndPort(address)?.port, port > 0, port != listenPort || !address.hasPrefix("127.") else { return }
        if (book[address] ?? 0) < seen { book[address] = seen }
        if book.count > 10_000, let oldest = book.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key { book[oldest] = nil }
        if save { store?.saveBook(book) }
    }

    /// A peer's `addr`: IPv4 addresses are remembered (a peer's word about when it saw
    /// an address is never later than now).
    func learn(_ list: [PeerAddress]) {
        let now = clock.unixSeconds
        for a in list.prefix(WireLimits.maxAddresses) where a.ip.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] && a.port != 0 {
            remember("\(a.ip[12]).\(a.ip[13]).\(a.ip[14]).\(a.ip[15]):\(a.port)", seen: min(a.lastSeen, now), save: false)
        }
        store?.saveBook(book)
    }

    /// Known addresses, the most recently seen first, for `addr` replies.
    func addresses(excluding: String) -> [PeerAddress] {
        book.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(WireLimits.maxAddresses).compactMap { entry in
            guard entry.key != excluding else { return nil }
            let parts = entry.key.split(separator: ":")
            guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
            let octets = parts[0].split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { return nil }
            return PeerAddress(ipv4: octets[0], octets[1], octets[2], octets[3], port: port, lastSeen: entry.value)
        }
    }

    // MARK: - Dialling

    /// Keeps a connection to `host:port` from now on, reconnecting with exponential
    /// backoff and jitter (0.25 s doubling to 30 s) whenever it is lost.
    public func maintain(host: String, port: Int) {
        persistent["\(host):\(port)"] = Backoff()
        tendPersistent()
    }

    /// Dials the kept addresses that have no connection and whose backoff has run out
    /// (called every `tendSeconds`).
    public func tendPersistent() {
        guard !stopping else { return }
        let now = clock.now
        let connected = connectedAddresses()
        for address in persistent.keys.sorted() where !connected.contains(address) && dialling[address] == nil {
            guard let b = persistent[address], b.nextAt <= now else { continue }
            dial(address, kept: true)
        }
    }

    /// Seconds between two looks at the kept addresses.
    public static let tendSeconds = 0.25

    /// Starts a dial through the transport (its end comes back as `dialEnded`); `kept`
    /// when the kept connections' tending made it (only those move their backoff).
    func dial(_ address: String, kept: Bool) {
        guard let (host, port) = Self.hostAndPort(address), let transport else { return }
        dialling[address] = kept
        transport.dial(host: host, port: port)
    }

    /// The transport tried `host:port`: connected or not. A kept address that failed
    /// waits its backoff; one that connected is looked at again a second later.
    public func dialEnded(host: String, port: Int, connected: Bool) {
        let address = "\(host):\(port)"
        guard let kept = dialling.removeValue(forKey: address), kept, var b = persistent[address] else { return }
        if connected { b.connected(now: clock.now) } else { b.failed(now: clock.now, jitter: random.jitter(0.25)) }
        persistent[address] = b
    }

    /// Connects to known addresses until the outbound target is met.
    func dialKnownAddresses() {
        let outbound = peers.values.filter(\.outbound).count
        guard outbound < outboundTarget else { return }
        let now = clock.now
        // A peer counts under its dialed address and under the address it listens on.
        let connected = connectedAddresses()
        // Book entries are IPv4 `a.b.c.d:port` (what `addr` carries).
        let candidates = book.keys.sorted().filter { a in
            a.split(separator: ":").count == 2 && !connected.contains(a) && dialling[a] == nil && !isBanned(a)
                && (nextAttempt[a].map { $0.at <= now } ?? true)
        }
        for address in candidates.prefix(outboundTarget - outbound) {
            let delay = min((nextAttempt[address]?.delay ?? 0.5) * 2, 60)
            nextAttempt[address] = (now + delay * random.jitter(0.25), delay)
            dial(address, kept: false)
        }
    }
}

/// The backoff of an address the node keeps a connection to.
struct Backoff {
    /// Seconds to wait after the next failure.
    var delay = 0.25
    /// When the address may be dialled again (monotonic seconds).
    var nextAt = -Double.infinity

    /// A dial failed: wait `delay` (times `jitter`), and twice as long after the next failure, up to 30 s.
    mutating func failed(now: Double, jitter: Double) {
        nextAt = now + delay * jitter
        delay = min(delay * 2, 30)
    }

    /// A dial connected: the next loss starts from the shortest delay; look again in a
    /// second (the handshake may still fail).
    mutating func connected(now: Double) {
        nextAt = now + 1
        delay = 0.25
    }

    /// The handshake finished: the next loss starts from the shortest delay.
    mutating func succeeded() { delay = 0.25 }
}

/// Where a node keeps what its peer network learned: known addresses
/// (`peers.json`) and bans (`bans.json`) in its data directory.
public struct PeerStore: Sendable {
    let directory: String
    /// A store in `directory`.
    public init(directory: String) { self.directory = directory }

    func loadBook() -> [String: UInt64] {
        guard let data = FileManager.default.contents(atPath: directory + "/peers.json"),
              let saved = try? JSONDecoder().decode([String: UInt64].self, from: data) else { return [:] }
        return saved
    }

    func saveBook(_ book: [String: UInt64]) { save(book, "peers.json") }

    func loadBans() -> [PeerNetwork.Ban] {
        guard let data = FileManager.default.contents(atPath: directory + "/bans.json"),
              let list = try? JSONDecoder().decode([PeerNetwork.Ban].self, from: data) else { return [] }
        return list
    }

    func saveBans(_ bans: [PeerNetwork.Ban]) { save(bans.sorted { $0.key < $1.key }, "bans.json") }

    private func save(_ value: some Encodable, _ name: String) {
        guard let data = try? JSONEncoder().encode(value) else { return }
        try? data.write(to: URL(fileURLWithPath: directory + "/" + name), options: .atomic)
    }
}
