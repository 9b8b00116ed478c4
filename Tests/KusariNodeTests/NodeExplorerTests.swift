import Foundation
import KusariConsensus
import KusariCore
import KusariNode
import Logging
import Testing

/// The node's bounded reads for the explorer: the mempool projection (made from
/// a snapshot, remembered per mempool version), the latest block with
/// transactions, one hop of the tokens trace, and an account with its header.
@Suite struct NodeExplorerTests {
    static func key(_ n: UInt8) -> KeyPair { (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair() }
    let alice = Self.key(1), bob = Self.key(2), miner = Self.key(9)

    func makeNode(_ dir: String) throws -> Node {
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: [.init(address: alice.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)])
        return try Node(config: NodeConfig(dataDirectory: dir, genesis: genesis), logger: Logger(label: "test"))
    }

    func pay(_ amount: UInt64, nonce: UInt64) throws -> Transaction {
        try Transaction(chainId: 3, key: alice, nonce: nonce, to: AddressPayload(publicKey: bob.publicKey), amount: amount, fee: 1_000)
    }

    /// Mines the node's template (the miner's choice from the mempool) and connects it.
    @discardableResult
    func mine(_ node: Node) async throws -> Block {
        let (template, _, params) = try await node.miningTemplate(beneficiary: AddressPayload(publicKey: miner.publicKey))
        let header = try #require(ProofOfWorkEngine(params: params).seal(template.header, shouldStop: { false }))
        let block = Block(header: header, transactions: template.transactions)
        try await node.accept(block: block)
        return block
    }

    @Test func boundedReadsFollowTheMempoolAndTheChain() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-node-explorer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = try makeNode(dir)
        #expect(await node.projectedBlocks(8).isEmpty)

        // Each admission is seen by the next projection (the remembered one is of an older version).
        let first = try pay(5, nonce: 0), second = try pay(6, nonce: 1), gap = try pay(7, nonce: 3)
        _ = try await node.submit(transaction: first.encoded)
        #expect(await node.projectedBlocks(8).map { $0.map(\.id) } == [[first.id]])
        _ = try await node.submit(transaction: second.encoded)
        _ = try await node.submit(transaction: gap.encoded)
        let projected = await node.projectedBlocks(8)
        #expect(projected.map { $0.map(\.id) } == [[first.id, second.id]])   // nonce 3 waits for 2: in no block
        #expect(await node.projectedBlocks(8).map { $0.map(\.id) } == [[first.id, second.id]])

        // Mined: the projection follows the new tip.
        let block = try await mine(node)
        #expect(block.transactions.map(\.id) == [first.id, second.id])
        #expect(await node.projectedBlocks(8).isEmpty)

        // The latest block with transactions, by headers; not past the window asked for.
        #expect(try await node.latestWithTransactions(within: 20)?.id == block.id)
        try await mine(node)
        try await mine(node)
        #expect(try await node.latestWithTransactions(within: 2) == nil)
        #expect(try await node.latestWithTransactions(within: 3)?.id == block.id)
        #expect(await node.recentHeaders(2).map(\.height) == [3, 2])

        // One hop of the trace: bob's newest incoming transfer; alice only sent; with one transaction looked
        // at, alice's says nothing about older ones.
        let bob = AddressPayload(publicKey: self.bob.publicKey), alice = AddressPayload(publicKey: self.alice.publicKey)
        let hop = try await node.latestIncoming(to: bob, scanning: 4)
        if case .found(let incoming) = hop {
            #expect(incoming.id == second.id && incoming.height == 1)
        } else {
            Issue.record("bob received transfers: \(hop)")
        }
        #expect(Self.kind(try await node.latestIncoming(to: alice, scanning: 4)) == "none")
        #expect(Self.kind(try await node.latestIncoming(to: alice, scanning: 1)) == "notWithin")
        #expect(Self.kind(try await node.latestIncoming(to: bob, scanning: 1)) == "found")

        // The account and the header it was proved against come from one view.
        let (account, header) = try await node.accountWithHeader(bob)
        #expect(account.account.balance == 11 && header.height == account.height && header.stateRoot == account.stateRoot)
        #expect(account.proof.verify(root: header.stateRoot))
        await node.shutdown()
    }

    static func kind(_ s: Node.IncomingSearch) -> String {
        switch s {
        case .found: return "found"
        case .none: return "none"
        case .notWithin: return "notWithin"
        }
    }
}

/// A valid block that lands on a side branch is published as a `side` event (the chain page redraws on it).
@Suite struct SideBlockEventTests {
    @Test func aSideBranchBlockIsPublished() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-side-event-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let t = NodeExplorerTests()
        let a = try t.makeNode(base + "/a"), b = try t.makeNode(base + "/b")
        try await t.mine(a)
        try await t.mine(a)
        // b's own block at height 1 pays another beneficiary: a different block, and less work than a's chain.
        let (template, _, params) = try await b.miningTemplate(beneficiary: AddressPayload(publicKey: NodeExplorerTests.key(42).publicKey))
        let header = try #require(ProofOfWorkEngine(params: params).seal(template.header, shouldStop: { false }))
        let rival = Block(header: header, transactions: template.transactions)
        let events = try #require(a.events.subscribe(limit: 10))
        let outcome = try await a.accept(block: rival)
        #expect(outcome == .sideBranch(height: 1))
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .sideBlock(height: 1, id: rival.id))
        #expect(await a.status().height == 2)
        await a.shutdown()
        await b.shutdown()
    }
}
