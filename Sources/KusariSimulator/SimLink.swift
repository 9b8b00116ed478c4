import KusariNetwork
import KusariPeers

/// One end of a simulated connection: what a node's `PeerNetwork` writes to goes
/// through the simulator (delay, loss, duplication, partitions) to the other end.
final class SimLink: PeerLink, @unchecked Sendable {
    unowned let net: SimNetwork
    /// The node this end belongs to, and the run of that node (a restart starts a new one).
    let owner: Int
    let generation: Int
    /// The id the owner's `PeerNetwork` gave this link (nil until registered, or refused).
    var peerId: Int?
    var other: SimLink?
    var open = true
    /// When the last message sent from this end arrives (links keep order unless reordering is on).
    var lastArrival: Double = 0
    let counters: LinkCounters

    init(net: SimNetwork, owner: Int, generation: Int, now: Double) {
        self.net = net
        self.owner = owner
        self.generation = generation
        counters = LinkCounters(now: now)
    }

    func send(_ message: Message, flush: Bool) -> Bool {
        guard open else { return false }
        net.transmit(message, from: self)
        return true
    }
    func flush() {}
    func close() { net.close(self) }
    var isWritable: Bool { open }
    var isActive: Bool { open }
}

/// A node's transport in the simulator: listening is a given (every node has an
/// address), and a dial becomes an event of the simulator.
final class SimTransport: Transport, @unchecked Sendable {
    unowned let net: SimNetwork
    let owner: Int
    let generation: Int
    init(net: SimNetwork, owner: Int, generation: Int) {
        self.net = net
        self.owner = owner
        self.generation = generation
    }
    func listen(host: String, port: Int) async throws -> Int { SimNetwork.port }
    func dial(host: String, port: Int) { net.scheduleDial(from: owner, generation: generation, host: host, port: port) }
    func stopListening() async {}
}
