import KusariCore
import KusariNetwork
import KusariSimulator
import Testing

/// The real peer network on the simulated network: gossip under loss, partitions that
/// heal, crashes, misbehaving peers, and the simulator's own determinism. Each test runs
/// many seeds; a failing seed is printed with the command that replays it.
@Suite struct SimulatorTests {
    @Test func theSameSeedGivesTheSameRun() async throws {
        let tx = try simTransfer(1)
        func run(_ seed: UInt64) async -> [String] {
            var faults = SimNetwork.Faults()
            faults.dropPermille = 50
            faults.duplicatePermille = 20
            faults.reorder = true
            let sim = await SimNetwork(seed: seed, nodes: 50, faults: faults)
            sim.recording = true
            await sim.connectRandomly(outbound: 4)
            await sim.run(for: 3)
            sim.submit(tx, at: 0)
            await sim.mine(at: 7)
            await sim.run(for: 5)
            sim.crash(3)
            await sim.run(for: 2)
            await sim.restart(3)
            await sim.run(for: 5)
            return sim.trace
        }
        let a = await run(42), b = await run(42), c = await run(43)
        // Printed so that two processes (each with its own hashing seed) can be compared too.
        print("simulator trace of seed 42: \(a.count) events, digest \(Hash256.sha256(Array(a.joined(separator: "\n").utf8)))")
        #expect(a.count > 1_000)
        #expect(a == b, "seed 42 ran differently twice; first difference at event \(zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count))")
        #expect(a != c)
    }

    @Test func aTransactionReachesEveryNodeDespiteLoss() async throws {
        let tx = try simTransfer(2)
        await forEachSeed(8, "aTransactionReachesEveryNodeDespiteLoss") { seed in
            var faults = SimNetwork.Faults()
            faults.dropPermille = 100
            let sim = await SimNetwork(seed: seed, nodes: 50, faults: faults)
            await sim.connectRandomly(outbound: 4)
            guard await sim.run(until: { sim.everyNodeHasAPeer }, within: 60) else { return "not every node found a peer" }
            sim.track(tx.id)
            sim.submit(tx, at: Int(seed % 50))
            let all = await sim.run(until: { sim.tracked?.coveragePermille == 1000 }, within: 120)
            return all ? nil : "reached \(sim.tracked?.reachedAt.count ?? 0) of 50 nodes"
        }
    }

    @Test func aHealedPartitionConvergesOnTheHeavierBranch() async throws {
        await forEachSeed(6, "aHealedPartitionConvergesOnTheHeavierBranch") { seed in
            let sim = await SimNetwork(seed: seed, nodes: 20)
            // A ring inside each half (each side stays connected when they are split), and random links.
            for i in 0..<20 { await sim.connect(i, to: i < 10 ? (i + 1) % 10 : 10 + (i - 9) % 10) }
            await sim.connectRandomly(outbound: 2)
            guard await sim.run(until: { sim.everyNodeHasAPeer }, within: 30) else { return "not every node found a peer" }
            sim.partition([Array(0..<10), Array(10..<20)])
            for _ in 0..<3 { await sim.mine(at: 0); await sim.run(for: 1) }
            var heavier: Block?
            for _ in 0..<5 { heavier = await sim.mine(at: 15); await sim.run(for: 1) }
            guard await sim.run(until: { (10..<20).allSatisfy { sim.nodes[$0].chain.tip.id == heavier?.id } }, within: 60) else {
                return "the heavier side did not agree on its own tip"
            }
            sim.heal()
            let agreed = await sim.run(until: { sim.nodes.allSatisfy { $0.chain.tip.id == heavier?.id } }, within: 180)
            return agreed ? nil : "tips after healing: \(Set(sim.nodes.map { $0.chain.tip.height }).sorted())"
        }
    }

    @Test func aCrashedNodeRestartsAndSyncs() async throws {
        await forEachSeed(6, "aCrashedNodeRestartsAndSyncs") { seed in
            let sim = await SimNetwork(seed: seed, nodes: 12)
            await sim.connectRandomly(outbound: 3)
            guard await sim.run(until: { sim.everyNodeHasAPeer }, within: 30) else { return "not every node found a peer" }
            let victim = Int(seed % 12)
            let miner = (victim + 1) % 12
            sim.crash(victim)
            for _ in 0..<10 { await sim.mine(at: miner); await sim.run(for: 0.5) }
            let tip = sim.nodes[miner].chain.tip
            guard sim.nodes[victim].chain.tip.height == 0 else { return "the crashed node moved" }
            await sim.restart(victim)
            let synced = await sim.run(until: { sim.nodes[victim].chain.tip.id == tip.id }, within: 120)
            return synced ? nil : "restarted node at height \(sim.nodes[victim].chain.tip.height) of \(tip.height)"
        }
    }

    @Test func aPeerSendingInvalidDataIsBanned() async throws {
        let good = try simTransfer(3)
        var forged = good
        forged.amount = 2  // the signature no longer matches
        await forEachSeed(4, "aPeerSendingInvalidDataIsBanned") { seed in
            let sim = await SimNetwork(seed: seed, nodes: 4)
            await sim.connectRandomly(outbound: 2)
            await sim.run(for: 2)
            let version = VersionInfo(chainId: SimChain.chainId, genesisId: sim.nodes[0].chain.genesis.id, bestHeight: 0,
                                      chainWork: .zero, nodeId: 99, listenPort: 0, userAgent: "rogue")
            // A transaction with a bad signature.
            let rogue = await sim.connectRogue(to: 0, from: "10.9.9.1:5000")
            rogue.send(.version(version))
            rogue.send(.verack)
            rogue.send(.tx(forged))
            await sim.run(for: 1)
            let bans = await sim.nodes[0].peers.banList().map(\.key)
            guard bans.contains("10.9.9.1"), !rogue.isOpen else { return "bad signature: bans \(bans)" }
            guard !sim.nodes[0].chain.hasPending(forged.id) else { return "the forged transaction was admitted" }
            // A block without proof of work.
            var block = SimChain.mine(height: 1, parent: sim.nodes[1].chain.genesis.id, transactions: [], timestamp: 1, tag: 9)
            while sim.nodes[1].chain.hasValidProofOfWork(block.header) { block.header.nonce += 1 }
            let second = await sim.connectRogue(to: 1, from: "10.9.9.2:5000")
            second.send(.version(version))
            second.send(.verack)
            second.send(.block(block))
            await sim.run(for: 1)
            guard await sim.nodes[1].peers.banList().map(\.key).contains("10.9.9.2"), !second.isOpen else { return "no proof of work: not banned" }
            // A flood: more than 5,000 messages a second for several seconds (10,100 a round, so
            // that a round split over two clock seconds still passes the limit in one of them).
            let flooder = await sim.connectRogue(to: 2, from: "10.9.9.3:5000")
            flooder.send(.version(version))
            flooder.send(.verack)
            for second in 0..<6 {
                for i in 0..<10_100 { flooder.send(.ping(nonce: UInt64(second * 10_000 + i))) }
                await sim.run(for: 1)
            }
            guard await sim.nodes[2].peers.banList().map(\.key).contains("10.9.9.3") else { return "flood: not banned" }
            // The honest nodes keep their links.
            return sim.nodes.allSatisfy({ $0.chain.peerCount > 0 }) ? nil : "an honest node lost its peers"
        }
    }
}

@Suite struct GossipExperimentTests {
    @Test func figuresOfASmallNetworkAreSane() async throws {
        var e = GossipExperiment()
        e.nodes = 30
        e.transactions = 2
        let f = try await e.run()
        #expect(f.coveragePermille == 1000)
        #expect(f.shortestP50 >= 1 && f.hopsP50 >= f.shortestP50)
        #expect(f.hopsP99 >= f.shortestP99)
        #expect(f.secondsP99 >= f.secondsP50 && f.secondsP50 > 0)
        #expect(f.peersPerNode >= 6 && f.peersPerNode <= 10)
        // Announce-then-fetch: a node hears of a transaction from several peers, but fetches it about once.
        #expect(f.duplicateBodiesPerNode < 0.5)
        #expect(f.duplicateAnnouncementsPerNode < f.peersPerNode)
    }
}
