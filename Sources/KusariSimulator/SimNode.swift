import KusariNetwork
import KusariPeers

/// A simulated node: its chain (kept across crashes) and its current network.
public final class SimNode: @unchecked Sendable {
    public let index: Int
    public let address: String
    public let chain: SimChain
    /// The node's peer network (a new one after each restart).
    public internal(set) var peers: PeerNetwork!
    public internal(set) var up = false
    var generation = 0
    var links: [SimLink] = []
    /// Addresses it keeps connections to.
    var kept = Set<String>()
    init(index: Int, address: String, chain: SimChain) {
        self.index = index
        self.address = address
        self.chain = chain
    }
}

/// A test's own end of a link to a node: it sends whatever it likes.
public struct RogueLink: Sendable {
    let link: SimLink
    /// Sends `message` to the node.
    public func send(_ message: Message) { _ = link.send(message, flush: true) }
    /// Whether the node has closed the link.
    public var isOpen: Bool { link.open }
}

/// The timers of a node's network, and their periods.
enum Timer: CaseIterable {
    case trickle, tend, refresh
    var period: Double {
        switch self {
        case .trickle: return Double(PeerNetwork.trickleMilliseconds) / 1000
        case .tend: return PeerNetwork.tendSeconds
        case .refresh: return PeerNetwork.refreshSeconds
        }
    }
}

/// Something that happens at a virtual time; ties keep the order of scheduling.
struct Event: Comparable {
    enum Kind {
        case deliver(SimLink, Message, Int)
        case closed(SimLink)
        case dial(from: Int, generation: Int, address: String)
        case timer(node: Int, generation: Int, Timer)
    }
    let time: Double
    let sequence: UInt64
    let kind: Kind
    static func < (a: Event, b: Event) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
    static func == (a: Event, b: Event) -> Bool { a.time == b.time && a.sequence == b.sequence }
}
