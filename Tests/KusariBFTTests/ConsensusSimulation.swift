import Foundation
import KusariCore
@testable import KusariBFT

/// N `ConsensusMachine`s on a simulated network in virtual time (milliseconds), driven
/// by a seeded priority queue: random delays (so reordering), loss, duplication, a
/// partition, crashes and restarts, and Byzantine validators, all from the scenario.
/// A node that makes no progress for a second re-sends its own messages of the height
/// and its height; a peer ahead answers with the commit (proposal and precommits), a
/// peer at the same height with every message it has of the height (the gossip
/// Tendermint assumes: correct processes relay what they receive).
struct ConsensusSimulation {
    enum Event {
        case deliver(to: Int, WireMessage)
        case timeout(node: Int, epoch: Int, Timeout)
        case startHeight(node: Int, epoch: Int, UInt64)
        case tick(node: Int)
        case crash(node: Int)
        case restart(node: Int)
    }

    struct Node {
        var machine: ConsensusMachine?
        var signer: KeyPairSigner?
        var epoch = 0
        /// Our own messages of the current height, for re-sending.
        var sent: [WireMessage] = []
        var sentHeight: UInt64 = 0
        /// The chain: committed block ids and their certificates, by height (survives crashes).
        var committed: [Hash256] = []
        var certificates: [CommitCertificate] = []
        var lastProgress: (UInt64, UInt32, RoundStep)?
        var committedHeight: UInt64 { UInt64(committed.count) }
    }

    static let tickMs: UInt64 = 1_000
    /// `KUSARI_BFT_TRACE=1` prints every event a machine handles (with `KUSARI_BFT_SEED`).
    static let tracing = ProcessInfo.processInfo.environment["KUSARI_BFT_TRACE"] == "1"

    static func describe(_ event: ConsensusEvent) -> String {
        switch event {
        case .startHeight(let h, _): return "start h\(h)"
        case .proposal(let p): return p.description
        case .vote(let v): return v.description
        case .timeout(let t): return t.description
        case .proposeValue(let h, let r, let b): return "value h\(h) r\(r) \(b.hex.prefix(8))"
        }
    }
    static let commitWaitMs: UInt64 = 1_000
    /// How long after the faults end every honest node must commit two more heights.
    static let livenessBoundMs: UInt64 = 60_000

    let seed: UInt64
    let scenario: Scenario
    let fx: ConsensusFixture
    var rng: SplitMix64
    var queue = EventQueue<Event>()
    var nodes: [Node] = []
    var now: UInt64 = 0
    /// The first honest commit of each height: block id and who.
    var decided: [(Hash256, Int)] = []
    var violations: [String] = []
    var evidenceCount = 0
    /// A running FNV-1a hash of everything that happened, for the determinism test.
    var trace: UInt64 = 0xcbf2_9ce4_8422_2325
    var sets: [ValidatorSet] = []
    /// One cache of checked signatures for every node: each distinct (key, message,
    /// signature) is verified with Ed25519 once per run, not once per receiver.
    let signatureCache = SignatureCache()

    init(seed: UInt64, scenario: Scenario) throws {
        self.seed = seed
        self.scenario = scenario
        fx = try ConsensusFixture(powers: scenario.powers)
        rng = SplitMix64(seed: seed ^ 0x5eed_5eed_5eed_5eed)
        sets = [fx.set]
        let total = fx.count + scenario.followers
        for i in 0..<total {
            var node = Node()
            if i < fx.count { node.signer = fx.signer(i) }
            nodes.append(node)
        }
    }

    var validatorCount: Int { fx.count }
    func isHonest(_ i: Int) -> Bool {
        guard i < fx.count, let kind = scenario.kind(of: i) else { return true }
        return kind == .crash  // a crashed-and-restarted validator runs the honest code
    }

    mutating func validators(height: UInt64) -> ValidatorSet {
        while sets.count < Int(height) { sets.append(sets[sets.count - 1].incrementedProposerPriority(times: 1)) }
        return sets[Int(height) - 1]
    }

    mutating func mix(_ values: UInt64...) {
        for v in values {
            trace = (trace ^ v) &* 0x0000_0100_0000_01b3
        }
    }

    // MARK: Running

    /// Runs until every honest node has committed two heights past the highest honest
    /// height at the end of the faults, or the liveness bound passes. Returns the
    /// virtual time after the faults at which the last honest node got there, or nil.
    mutating func run() -> UInt64? {
        for i in nodes.indices {
            start(i)
            queue.push(Self.tickMs + UInt64(i), .tick(node: i))
        }
        for (node, times) in scenario.crashAt.sorted(by: { $0.key < $1.key }) {
            queue.push(times.down, .crash(node: node))
            queue.push(times.up, .restart(node: node))
        }
        var target: UInt64?
        let deadline = scenario.faultEnd + Self.livenessBoundMs
        while let (time, event) = queue.pop() {
            if time > deadline { break }
            if target == nil && time >= scenario.faultEnd {
                let highest = nodes.indices.filter(isHonest).map { nodes[$0].committedHeight }.max() ?? 0
                target = highest + 2
            }
            if let goal = target, honestReached(goal) { return now - min(now, scenario.faultEnd) }
            now = time
            process(event)
        }
        if let goal = target, honestReached(goal) { return now - min(now, scenario.faultEnd) }
        return nil
    }

    func honestReached(_ goal: UInt64) -> Bool {
        nodes.indices.filter(isHonest).allSatisfy { nodes[$0].committedHeight >= goal }
    }

    mutating func start(_ i: Int) {
        let address = i < fx.count ? fx.address(i) : nil
        nodes[i].machine = ConsensusMachine(config: ConsensusConfig(chainID: ConsensusFixture.chainID),
                                            address: address, signer: nodes[i].signer,
                                            signatureCheck: signatureCache.check)
        let height = nodes[i].committedHeight + 1
        nodes[i].sent = []
        nodes[i].sentHeight = height
        feed(i, .startHeight(height, validators: validators(height: height)))
    }

    mutating func process(_ event: Event) {
        switch event {
        case .deliver(let to, let message):
            mix(1, UInt64(to), now)
            deliver(to, message)
        case .timeout(let node, let epoch, let timeout):
            guard nodes[node].epoch == epoch, nodes[node].machine != nil else { return }
            mix(2, UInt64(node), now, UInt64(timeout.kind.rawValue), UInt64(timeout.round))
            feed(node, .timeout(timeout))
        case .startHeight(let node, let epoch, let height):
            guard nodes[node].epoch == epoch, nodes[node].machine != nil else { return }
            nodes[node].sent = []
            nodes[node].sentHeight = height
            feed(node, .startHeight(height, validators: validators(height: height)))
        case .tick(let node):
            tick(node)
            queue.push(now + Self.tickMs, .tick(node: node))
        case .crash(let node):
            mix(3, UInt64(node), now)
            if let signer = nodes[node].machine?.signer as? KeyPairSigner { nodes[node].signer = signer }
            nodes[node].machine = nil
            nodes[node].epoch += 1
        case .restart(let node):
            mix(4, UInt64(node), now)
            start(node)
        }
    }

    /// Feeds an event to node `i` and carries out the actions.
    mutating func feed(_ i: Int, _ event: ConsensusEvent) {
        guard var machine = nodes[i].machine else { return }
        let actions = machine.handle(event)
        nodes[i].machine = machine
        if Self.tracing {
            print("\(now) #\(i) h\(machine.height) r\(machine.round) \(machine.step) lock \(machine.lockedRound) "
                  + "valid \(machine.validRound) <- \(Self.describe(event)) -> \(actions.map(\.description))")
        }
        for action in actions { perform(i, action) }
    }

    mutating func perform(_ i: Int, _ action: ConsensusAction) {
        switch action {
        case .broadcastProposal(let p):
            nodes[i].sent.append(.proposal(p))
            broadcast(from: i, .proposal(p))
        case .broadcastVote(let v):
            nodes[i].sent.append(.vote(v))
            broadcast(from: i, .vote(v))
        case .scheduleTimeout(let t, let ms):
            queue.push(now + ms, .timeout(node: i, epoch: nodes[i].epoch, t))
        case .needValue(let h, let r):
            let value = Hash256.sha256(Array("block \(h) \(r) by \(i) seed \(seed)".utf8))
            feed(i, .proposeValue(height: h, round: r, blockID: value))
        case .commit(let c):
            mix(5, UInt64(i), c.height, UInt64(c.blockID.bytes[0]) << 8 | UInt64(c.blockID.bytes[1]))
            guard c.height == nodes[i].committedHeight + 1 else {
                violations.append("node \(i) committed height \(c.height) after \(nodes[i].committedHeight)")
                return
            }
            nodes[i].committed.append(c.blockID)
            nodes[i].certificates.append(c)
            if isHonest(i) { checkSafety(i, c) }
            queue.push(now + Self.commitWaitMs, .startHeight(node: i, epoch: nodes[i].epoch, c.height + 1))
        case .evidence:
            evidenceCount += 1
        case .ignored:
            break
        }
    }

    mutating func checkSafety(_ i: Int, _ c: CommitCertificate) {
        let index = Int(c.height) - 1
        if index == decided.count {
            decided.append((c.blockID, i))
        } else if index < decided.count, decided[index].0 != c.blockID {
            violations.append("height \(c.height): node \(decided[index].1) committed \(decided[index].0.hex.prefix(12)), "
                              + "node \(i) committed \(c.blockID.hex.prefix(12)) at \(now) ms")
        }
    }

    // MARK: The wire

    func connected(_ a: Int, _ b: Int) -> Bool {
        guard let p = scenario.partition, now >= p.start, now < p.end else { return true }
        let sideA = a < p.side.count ? p.side[a] : true, sideB = b < p.side.count ? p.side[b] : true
        return sideA == sideB
    }

    mutating func send(from: Int, to: Int, _ message: WireMessage) {
        guard from != to, connected(from, to) else { return }
        let faulty = now < scenario.faultEnd
        if faulty && rng.next() % 1_000 < scenario.lossPerMille { return }
        let maxDelay = faulty ? scenario.maxDelayMs : min(scenario.maxDelayMs, 100)
        // One message in twenty is slow (up to 5x the usual delay) while faults last.
        let slow = faulty && rng.next() % 20 == 0 ? 5 : UInt64(1)
        queue.push(now + 1 + rng.next() % (maxDelay * slow), .deliver(to: to, message))
        if faulty && rng.next() % 1_000 < scenario.duplicatePerMille {
            queue.push(now + 1 + rng.next() % maxDelay, .deliver(to: to, message))
        }
    }

    /// Sends our message to every peer, as our fault kind has it.
    mutating func broadcast(from i: Int, _ message: WireMessage) {
        let kind = i < fx.count ? scenario.kind(of: i) : nil
        if kind == .silent { return }
        for peer in nodes.indices where peer != i {
            for outgoing in versions(of: message, from: i, to: peer, kind: kind) { send(from: i, to: peer, outgoing) }
        }
    }

    /// What a validator of `kind` sends `peer` for one of its messages: the message; for
    /// a Byzantine one, to odd peers the conflicting version instead, and to every third
    /// peer both (so that its votes count on both sides there).
    func versions(of message: WireMessage, from i: Int, to peer: Int, kind: FaultKind?) -> [WireMessage] {
        guard let kind, let twisted = twist(message, from: i, kind: kind) else { return [message] }
        if peer % 3 == 2 { return [message, twisted] }
        return peer % 2 == 1 ? [twisted] : [message]
    }

    /// The conflicting message a Byzantine validator sends to half its peers.
    func twist(_ message: WireMessage, from i: Int, kind: FaultKind) -> WireMessage? {
        switch (kind, message) {
        case (.equivocator, .proposal(let p)):
            let other = Hash256.sha256(p.blockID.bytes + Array("evil".utf8))
            return (try? Proposal.signed(by: fx.keys[i], chainID: ConsensusFixture.chainID, height: p.height,
                                         round: p.round, blockID: other, polRound: p.polRound,
                                         proposerIndex: p.proposerIndex, timestamp: p.timestamp)).map { .proposal($0) }
        case (.doubleVoter, .vote(let v)):
            // The most harmful conflicting vote it can make: for another value proposed
            // in the height (latest round first), else nil, else a made-up block.
            let proposed = (nodes[i].machine?.messageLog.proposals ?? [])
                .filter { $0.height == v.height && $0.blockID != v.blockID }
            let other: Hash256? = proposed.last?.blockID
                ?? (v.blockID == nil ? Hash256.sha256(Array("evil \(v.height) \(v.round)".utf8)) : nil)
            return (try? Vote.signed(by: fx.keys[i], chainID: ConsensusFixture.chainID, type: v.type, height: v.height,
                                     round: v.round, blockID: other, validatorIndex: v.validatorIndex,
                                     timestamp: v.timestamp)).map { .vote($0) }
        default:
            return nil
        }
    }

    mutating func deliver(_ to: Int, _ message: WireMessage) {
        guard let machine = nodes[to].machine else { return }
        switch message {
        case .proposal(let p):
            feed(to, .proposal(p))
        case .vote(let v):
            feed(to, .vote(v))
        case .status(let from, let height):
            if height <= nodes[to].committedHeight, height >= 1 {
                let c = nodes[to].certificates[Int(height) - 1]
                send(from: to, to: from, .proposal(c.proposal))
                for vote in c.precommits { send(from: to, to: from, .vote(vote)) }
            } else if height == machine.height, scenario.kind(of: to) != .silent {
                // Relay everything we have of the height (the paper's gossip: what a
                // correct process receives, every correct process eventually receives).
                let log = machine.messageLog
                for p in log.proposals { send(from: to, to: from, .proposal(p)) }
                for v in log.votes { send(from: to, to: from, .vote(v)) }
            }
        }
    }

    /// Our own messages of the height again, to one peer or all.
    mutating func resend(_ i: Int, only peer: Int? = nil) {
        let kind = i < fx.count ? scenario.kind(of: i) : nil
        if kind == .silent { return }
        for message in nodes[i].sent {
            for target in nodes.indices where target != i && (peer == nil || peer == target) {
                for outgoing in versions(of: message, from: i, to: target, kind: kind) {
                    send(from: i, to: target, outgoing)
                }
            }
        }
    }

    mutating func tick(_ i: Int) {
        guard let machine = nodes[i].machine else { return }
        let progress = (machine.height, machine.round, machine.step)
        defer { nodes[i].lastProgress = progress }
        guard let last = nodes[i].lastProgress, last == progress else { return }
        resend(i)
        for peer in nodes.indices where peer != i { send(from: i, to: peer, .status(from: i, height: machine.height)) }
    }
}

/// Remembers the outcome of each Ed25519 check, keyed by the whole (key, message,
/// signature): a forged signature is still checked for real, once.
final class SignatureCache: @unchecked Sendable {
    private var known: [[UInt8]: Bool] = [:]
    private let lock = NSLock()
    private(set) var checks = 0

    var check: SignatureCheck {
        { [self] key, signature, message in self.lookup(key, signature, message) }
    }

    private func lookup(_ key: PublicKey, _ signature: Signature, _ message: [UInt8]) -> Bool {
        let entry = key.bytes + signature.bytes + message
        lock.lock()
        defer { lock.unlock() }
        if let answer = known[entry] { return answer }
        checks += 1
        let answer = key.isValidSignature(signature, for: message)
        known[entry] = answer
        return answer
    }
}
