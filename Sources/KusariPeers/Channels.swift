import KusariCore
import KusariNetwork

/// How a gossip channel's items travel.
public enum RelayPolicy: Sendable, Equatable {
    /// Each item goes whole to every peer that does not know it (small, urgent items: votes).
    case flood
    /// Items are announced by id (`inv`, in the next trickle) and fetched by the peers that
    /// want them (`getdata`, answered with `item`), each from one announcer at a time.
    case announce
    /// Items go only to the peer they are sent to (`send(_:on:to:)`) and are never relayed.
    case direct
}

/// What a channel's owner says of an item a peer sent.
public enum ItemVerdict: Sendable, Equatable {
    /// New and valid: kept (to serve requests) and relayed by the channel's policy.
    case accept
    /// Not wanted (stale, or known by other means): neither kept nor relayed; no fault.
    case ignore
    /// Invalid: the sender is given `points` of misbehaviour (100 bans it).
    case reject(points: Int, reason: String)
}

/// A kind of gossiped item that a subsystem registers with the network (`register`):
/// its wire kind, its id, its validity check and its relay policy. The network gives
/// every channel the same machinery: deduplication (each item handled once), per-peer
/// known sets (nothing offered twice), a size limit per item and a rate limit per peer
/// (each costs misbehaviour points), requests to one announcer at a time with retries,
/// and points for items the owner rejects.
///
/// Transactions (kind 1) and blocks (kind 2) keep their dedicated paths (`tx` and
/// `block` messages, trickles, fetch-once, headers first), built from the same parts:
/// the per-peer known sets, the request tracker and the points.
public struct GossipChannel: Sendable {
    /// The channel's kind on the wire (16 to 255 for registered channels).
    public let kind: Inventory.Kind
    /// A name for logs.
    public let name: String
    public var policy: RelayPolicy
    /// The largest item, in bytes (a larger one costs its sender 20 points).
    public var maxItemBytes: Int
    /// Unsolicited items a peer may send in one second; past it, each second costs 20 points.
    public var maxPerSecond: Int
    /// Items kept to answer requests (the most recent).
    public var keep: Int
    /// An item's id (the same bytes always give the same id).
    public let itemId: @Sendable ([UInt8]) -> Hash256
    /// Checks and takes an item a peer sent (`from` is the peer's id): called once per item.
    public let receive: @Sendable (_ payload: [UInt8], _ from: Int) async -> ItemVerdict

    public init(kind: Inventory.Kind, name: String, policy: RelayPolicy, maxItemBytes: Int = 64 << 10, maxPerSecond: Int = 1_000,
                keep: Int = 10_000, itemId: @escaping @Sendable ([UInt8]) -> Hash256 = { Hash256.sha256($0) },
                receive: @escaping @Sendable (_ payload: [UInt8], _ from: Int) async -> ItemVerdict) {
        self.kind = kind
        self.name = name
        self.policy = policy
        self.maxItemBytes = maxItemBytes
        self.maxPerSecond = maxPerSecond
        self.keep = keep
        self.itemId = itemId
        self.receive = receive
    }
}

/// A registered channel's state inside the network: what was seen, what is kept, what was asked.
final class ChannelState {
    var channel: GossipChannel
    /// Items handled (accepted, ignored or rejected): never handled twice.
    let seen = RecentIds(capacity: 100_000)
    /// Items kept to serve requests, oldest first.
    var kept: [Hash256: [UInt8]] = [:]
    var keptOrder: [Hash256] = []
    var requests = TransactionRequests()

    init(_ channel: GossipChannel) { self.channel = channel }

    func keep(_ id: Hash256, _ payload: [UInt8]) {
        guard kept[id] == nil, channel.keep > 0 else { return }
        kept[id] = payload
        keptOrder.append(id)
        if keptOrder.count > channel.keep {
            let drop = keptOrder.count - channel.keep
            for old in keptOrder.prefix(drop) { kept[old] = nil }
            keptOrder.removeFirst(drop)
        }
    }
}

/// Errors of registering and publishing on channels.
public enum GossipChannelError: Error, Equatable, CustomStringConvertible {
    case notAChannel(UInt8)
    case alreadyRegistered(UInt8)
    case unknownChannel(UInt8)
    case oversized(kind: UInt8, bytes: Int, maximum: Int)
    public var description: String {
        switch self {
        case .notAChannel(let k): return "kind \(k) is not a channel's (channels are 16 to 255)"
        case .alreadyRegistered(let k): return "channel \(k) is already registered"
        case .unknownChannel(let k): return "no channel \(k) is registered"
        case .oversized(let k, let bytes, let maximum): return "an item of \(bytes) bytes is over channel \(k)'s \(maximum)"
        }
    }
}
