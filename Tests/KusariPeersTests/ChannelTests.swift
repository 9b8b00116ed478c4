import Foundation
import KusariCore
import KusariNetwork
import KusariPeers
import KusariSimulator
import Testing

/// What each node's channel owner received: item bytes per node, in order.
final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int: [[UInt8]]] = [:]
    func add(_ payload: [UInt8], at node: Int) { lock.withLock { items[node, default: []].append(payload) } }
    func count(at node: Int) -> Int { lock.withLock { items[node]?.count ?? 0 } }
    func count(at node: Int, of payload: [UInt8]) -> Int { lock.withLock { items[node]?.filter { $0 == payload }.count ?? 0 } }
}

/// A channel whose items are valid unless they start with 0xff (then the sender pays 100 points).
func testChannel(_ kind: UInt8, _ policy: RelayPolicy, _ received: Received, node: Int, maxPerSecond: Int = 1_000) -> GossipChannel {
    GossipChannel(kind: Inventory.Kind.channel(kind)!, name: "test\(kind)", policy: policy, maxItemBytes: 1_024,
                  maxPerSecond: maxPerSecond) { payload, _ in
        if payload.first == 0xff { return .reject(points: 100, reason: "starts with 0xff") }
        received.add(payload, at: node)
        return .accept
    }
}

/// Gossip channels on the simulated network: each policy delivers each item to every
/// node (or the one addressed) exactly once, and a peer that abuses a channel pays.
@Suite struct ChannelTests {
    @Test func floodAndAnnounceChannelsReachEveryNodeOnce() async {
        await forEachSeed(4, "floodAndAnnounceChannelsReachEveryNodeOnce") { seed in
            let votes = Received(), orders = Received()
            var faults = SimNetwork.Faults()
            faults.duplicatePermille = 50
            let sim = await SimNetwork(seed: seed, nodes: 30, faults: faults)
            do {
                try await sim.register { testChannel(16, .flood, votes, node: $0) }
                try await sim.register { testChannel(17, .announce, orders, node: $0) }
            } catch { return "register: \(error)" }
            await sim.connectRandomly(outbound: 4)
            guard await sim.run(until: { sim.everyNodeHasAPeer }, within: 30) else { return "not every node found a peer" }
            let vote: [UInt8] = Array("vote \(seed)".utf8), order: [UInt8] = Array("order \(seed)".utf8)
            let origin = Int(seed % 30)
            guard (try? await sim.nodes[origin].peers.publish(vote, on: .channel(16)!)) == true,
                  (try? await sim.nodes[origin].peers.publish(order, on: .channel(17)!)) == true else { return "publish failed" }
            let others = (0..<30).filter { $0 != origin }
            let all = await sim.run(until: { others.allSatisfy { votes.count(at: $0) == 1 && orders.count(at: $0) == 1 } }, within: 30)
            guard all else { return "votes at \(others.filter { votes.count(at: $0) == 1 }.count), orders at \(others.filter { orders.count(at: $0) == 1 }.count) of 29" }
            await sim.run(for: 10)
            // Each node's owner saw each item once, duplicates on the wire notwithstanding; the origin's owner never.
            guard others.allSatisfy({ votes.count(at: $0) == 1 && orders.count(at: $0) == 1 }),
                  votes.count(at: origin) == 0 else { return "an item was handled twice" }
            // Publishing the same item again is refused as already seen.
            return (try? await sim.nodes[origin].peers.publish(vote, on: .channel(16)!)) == false ? nil : "a second publish was relayed"
        }
    }

    @Test func aDirectItemGoesToOnePeerOnly() async throws {
        let received = Received()
        let sim = await SimNetwork(seed: 5, nodes: 6)
        try await sim.register { testChannel(18, .direct, received, node: $0) }
        for i in 1..<6 { await sim.connect(0, to: i) }
        for i in 2..<6 { await sim.connect(1, to: i) }
        #expect(await sim.run(until: { sim.nodes[0].chain.peerCount == 5 }, within: 30))
        let target = try #require(await sim.nodes[0].peers.readyPeers().first)
        #expect(try await sim.nodes[0].peers.send([1, 2, 3], on: .channel(18)!, to: target))
        await sim.run(for: 5)
        #expect((0..<6).map { received.count(at: $0) }.reduce(0, +) == 1)
        // Unregistered kinds cannot be published.
        await #expect(throws: GossipChannelError.unknownChannel(99)) { try await sim.nodes[0].peers.publish([1], on: .channel(99)!) }
    }

    @Test func aPeerAbusingAChannelPays() async throws {
        await forEachSeed(3, "aPeerAbusingAChannelPays") { seed in
            let received = Received()
            let sim = await SimNetwork(seed: seed, nodes: 3)
            try? await sim.register { testChannel(16, .flood, received, node: $0, maxPerSecond: 50) }
            await sim.connectRandomly(outbound: 2)
            await sim.run(for: 2)
            let version = VersionInfo(chainId: SimChain.chainId, genesisId: sim.nodes[0].chain.genesis.id, bestHeight: 0,
                                      chainWork: .zero, nodeId: 77, listenPort: 0, userAgent: "rogue")
            let kind = Inventory.Kind.channel(16)!
            // A forged item: rejected by the owner, the sender banned; the item goes no further.
            let forger = await sim.connectRogue(to: 0, from: "10.8.0.1:1")
            forger.send(.version(version)); forger.send(.verack)
            forger.send(.item(kind: kind, payload: [0xff, 1]))
            await sim.run(for: 2)
            guard await sim.nodes[0].peers.banList().map(\.key) == ["10.8.0.1"] else { return "the forger was not banned" }
            guard (0..<3).allSatisfy({ received.count(at: $0) == 0 }) else { return "a forged item was delivered" }
            // Oversized items and a flood of unsolicited ones cost points until the peer is banned.
            let flooder = await sim.connectRogue(to: 1, from: "10.8.0.2:1")
            flooder.send(.version(version)); flooder.send(.verack)
            flooder.send(.item(kind: kind, payload: [UInt8](repeating: 1, count: 2_000)))
            for round in 0..<5 {
                for i in 0..<120 { flooder.send(.item(kind: kind, payload: Array("r\(round) i\(i)".utf8))) }
                await sim.run(for: 1)
            }
            guard await sim.nodes[1].peers.banList().map(\.key).contains("10.8.0.2") else { return "the flooder was not banned" }
            // Items of a channel a node does not run are ignored, at no cost.
            let stranger = await sim.connectRogue(to: 2, from: "10.8.0.3:1")
            stranger.send(.version(version)); stranger.send(.verack)
            stranger.send(.item(kind: .channel(200)!, payload: [1]))
            await sim.run(for: 2)
            return stranger.isOpen ? nil : "a peer was dropped for an unknown channel's item"
        }
    }
}
