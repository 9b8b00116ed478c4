import Foundation
import KusariNetwork

/// One open connection as the peer layer sees it: whatever carries its bytes
/// (a TCP socket through swift-nio, or the simulator's in-process links).
public protocol PeerLink: AnyObject, Sendable {
    /// Queues `message` for the peer; `flush: false` leaves the write for a later
    /// `flush()`. Returns false, queueing nothing, when the link takes no more now
    /// (the peer is not reading, or the link is closed).
    @discardableResult
    func send(_ message: Message, flush: Bool) -> Bool
    /// Writes what was queued with `flush: false`.
    func flush()
    /// Closes the link; the transport then reports it disconnected.
    func close()
    /// Whether the link takes more messages now (bounded memory per peer).
    var isWritable: Bool { get }
    /// Whether the link is still open.
    var isActive: Bool { get }
    /// Bytes and blocks in and out, kept by the transport.
    var counters: LinkCounters { get }
}

/// What carries connections: listening, dialling and closing everything. The
/// transport reports each connection's life to the `PeerNetwork` it serves:
/// `connected`, then `received(batch:from:)` in order, then `disconnected`.
public protocol Transport: AnyObject, Sendable {
    /// Listens for peers on `host:port` (0: any free port); returns the port.
    func listen(host: String, port: Int) async throws -> Int
    /// Opens a connection to `host:port` in the background and reports with
    /// `PeerNetwork.dialEnded` whether the connection was made.
    func dial(host: String, port: Int)
    /// Stops listening (connections are closed by the peer network).
    func stopListening() async
}

/// Time as the peer layer reads it: a monotonic clock in seconds for every
/// timer, and the Unix time for what is stored or gossiped (bans, addresses).
/// The simulator's clock is virtual.
public protocol NetworkClock: Sendable {
    /// Seconds on a monotonic clock.
    var now: Double { get }
    /// Seconds since 1970.
    var unixSeconds: UInt64 { get }
}

/// The system's clocks.
public struct SystemClock: NetworkClock {
    public init() {}
    public var now: Double { ProcessInfo.processInfo.systemUptime }
    public var unixSeconds: UInt64 { UInt64(Date().timeIntervalSince1970) }
}

/// Where the peer layer's random numbers come from (node id, ping nonces, backoff
/// jitter): the system's generator, or the simulator's seeded one.
public protocol RandomSource: Sendable {
    /// A uniformly random 64-bit value.
    func next() -> UInt64
}

extension RandomSource {
    /// A random value in `0..<bound` (`bound` > 0), without modulo bias worth noting for jitter.
    func below(_ bound: UInt64) -> UInt64 { next() % max(1, bound) }
    /// A factor in [1, 1 + `spread`], for backoff jitter.
    func jitter(_ spread: Double) -> Double { 1 + spread * Double(below(1 << 20)) / Double(1 << 20) }
}

/// The operating system's random numbers.
public struct SystemRandom: RandomSource {
    public init() {}
    public func next() -> UInt64 { UInt64.random(in: 0...UInt64.max) }
}

/// Bytes in and out of one link, when bytes last arrived, and the block bodies
/// read from it (the block download's sign of progress).
public final class LinkCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var i = 0, o = 0, b = 0
    private var read: Double
    private var paused = false

    /// Counters for a link opened at `now` (monotonic seconds).
    public init(now: Double) { read = now }

    /// When bytes last arrived (monotonic seconds).
    public var lastRead: Double { lock.lock(); defer { lock.unlock() }; return read }
    /// Whether the node has paused reading this link (its own backlog).
    public var readingPaused: Bool {
        get { lock.lock(); defer { lock.unlock() }; return paused }
        set { lock.lock(); paused = newValue; lock.unlock() }
    }
    /// Bytes read.
    public var inbound: Int { lock.lock(); defer { lock.unlock() }; return i }
    /// Bytes written.
    public var outbound: Int { lock.lock(); defer { lock.unlock() }; return o }
    /// Block bodies read (handled or not yet).
    public var blocksRead: Int { lock.lock(); defer { lock.unlock() }; return b }
    /// `n` bytes arrived at `now`.
    public func add(in n: Int, at now: Double) { lock.lock(); i += n; read = now; lock.unlock() }
    /// `n` bytes were written.
    public func add(out n: Int) { lock.lock(); o += n; lock.unlock() }
    /// A block body arrived.
    public func addBlock() { lock.lock(); b += 1; lock.unlock() }
}
