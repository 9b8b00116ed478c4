import KusariChain
import KusariConsensus
import KusariCore
import Testing

/// Block producers build blocks the checker accepts: the miner's template and the BFT
/// proposer apply their candidates one at a time and leave out those that do not apply,
/// instead of failing the whole block.
@Suite struct ProductionTests {
    @Test func aTemplateLeavesOutAnInvalidTransactionAndItsBlockConnects() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let chain = try Blockchain.create(directory: dir.sub("c"), genesis: try testGenesis())
        defer { chain.close() }
        let first = try transfer(key(1), to: key(2), amount: 5, nonce: 0)
        let gap = try transfer(key(1), to: key(2), amount: 6, nonce: 7)              // wrong nonce
        let overdraft = try transfer(key(2), to: key(1), amount: 2_000 * Amount.unitsPerKSR, nonce: 0)
        var forged = try transfer(key(2), to: key(1), amount: 1, nonce: 0)
        forged.amount = 2                                                             // signature no longer matches
        let second = try transfer(key(1), to: key(2), amount: 7, nonce: 1)
        let template = try chain.template(beneficiary: payload(key(3)), transactions: [first, gap, overdraft, forged, second])
        #expect(template.transactions.map(\.id) == [first.id, second.id])
        #expect(template.skipped == 3)
        #expect(template.fees == 2_000)
        // `produce` seals the same choice and the chain's checker accepts it.
        let block = try chain.produce(beneficiary: payload(key(3)), transactions: [first, gap, overdraft, forged, second])
        #expect(block.transactions.map(\.id) == [first.id, second.id])
        #expect(chain.height == 1 && chain.tipId == block.id)
        #expect(chain.state.account(payload(key(2))).balance == 1_000 * Amount.unitsPerKSR + 12)
    }

    @Test func aProposalLeavesOutAnInvalidTransactionAndValidatorsAcceptIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let source = try Blockchain.create(directory: dir.sub("a"), genesis: try bftGenesis())
        defer { source.close() }
        let checker = try Blockchain.create(directory: dir.sub("b"), genesis: try bftGenesis())
        defer { checker.close() }
        let good = try transfer(key(1), to: key(2), amount: 5, nonce: 0)
        let replay = try transfer(key(1), to: key(2), amount: 9, nonce: 0)           // the nonce is used by then
        let block = try source.proposal(proposer: payload(validatorKeys[0]), transactions: [good, replay])
        #expect(block.transactions.map(\.id) == [good.id])
        // Another node checks it completely, as before a prevote.
        try checker.checkProposal(block)
        let certificate = try commit(block, by: Array(validatorKeys.prefix(3)), on: checker)
        #expect(try checker.submit(block, commit: certificate) == .connected(height: 1))
        #expect(checker.state.root == block.header.stateRoot)
    }
}
