import Testing
@testable import KusariCore

@Suite struct BlockApplicationTests {
    let alice = testKey(1), bob = testKey(2), miner = testKey(3)
    var a: AddressPayload { AddressPayload(publicKey: alice.publicKey) }
    var b: AddressPayload { AddressPayload(publicKey: bob.publicKey) }
    var m: AddressPayload { AddressPayload(publicKey: miner.publicKey) }
    var rules: LedgerRules { LedgerRules(chainId: 3, genesisAllocated: 1_000_000) }
    var genesis: StateTree { StateTree(accounts: [(a, Account(balance: 1_000_000))]) }

    func send(_ amount: UInt64, fee: UInt64 = 10, nonce: UInt64, chain: UInt32 = 3, key: KeyPair? = nil,
              to: AddressPayload? = nil) throws -> Transaction {
        try Transaction(chainId: chain, key: key ?? alice, nonce: nonce, to: to ?? b, amount: amount, fee: fee)
    }

    /// A block with a correct Merkle root and state root, built with `execute`.
    func block(_ txs: [Transaction], on state: StateTree, height: UInt64 = 1) throws -> Block {
        let applied = try BlockApplication.execute(txs, on: state, height: height, time: 1, beneficiary: m, rules: rules)
        return Block(header: BlockHeader(height: height, previousId: .zero, merkleRoot: MerkleTree.root(leaves: txs.map(\.id)),
                                         stateRoot: applied.state.root, timestamp: 1, bits: 0x207fffff,
                                         beneficiary: m, nonce: 0), transactions: txs)
    }

    @Test func transfersMoveFundsAndPayTheMiner() throws {
        let txs = [try send(1_000, nonce: 0), try send(2_000, nonce: 1)]
        let blk = try block(txs, on: genesis)
        let applied = try BlockApplication.apply(blk, to: genesis, rules: rules)
        let state = applied.state
        #expect(state.account(a) == Account(balance: 1_000_000 - 3_000 - 20, nonce: 2))
        #expect(state.account(b) == Account(balance: 3_000))
        #expect(state.account(m) == Account(balance: rules.initialSubsidy + 20))
        #expect(applied.fees == 20)
        #expect(applied.subsidy == rules.initialSubsidy)
        // Undo gives back the state before the block.
        #expect(state.updating(applied.undo).root == genesis.root)
    }

    func expectError(_ expected: BlockError, _ blk: Block, state: StateTree? = nil) {
        #expect(throws: expected) { try BlockApplication.apply(blk, to: state ?? genesis, rules: rules) }
    }

    @Test func badSignature() throws {
        var tx = try send(1_000, nonce: 0)
        tx.amount = 999   // signature no longer matches
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        blk.transactions = [tx]
        blk.header.merkleRoot = blk.computedMerkleRoot
        expectError(.transaction(index: 0, .badSignature), blk)
    }

    /// `verifyExcept` skips exactly the ids the caller vouches for and checks the rest,
    /// naming the bad transaction by its index in the block.
    @Test func signaturesCheckedBeforeAreSkippedAndTheRestChecked() throws {
        let good = try send(1, nonce: 0)
        var forged = try send(1_000, nonce: 1)
        forged.amount = 999   // signature no longer matches
        let txs = [good, forged]
        let applied = try BlockApplication.execute(txs, on: genesis, height: 1, time: 1, beneficiary: m, rules: rules,
                                                   signatures: .alreadyVerified)
        let blk = Block(header: BlockHeader(height: 1, previousId: .zero, merkleRoot: MerkleTree.root(leaves: txs.map(\.id)),
                                            stateRoot: applied.state.root, timestamp: 1, bits: 0x207fffff,
                                            beneficiary: m, nonce: 0), transactions: txs)
        #expect(throws: BlockError.transaction(index: 1, .badSignature)) {
            try BlockApplication.apply(blk, to: genesis, rules: rules, signatures: .verifyExcept([good.id]))
        }
        // Vouched for (wrongly, here): not checked again.
        let skipped = try BlockApplication.apply(blk, to: genesis, rules: rules, signatures: .verifyExcept([forged.id]))
        #expect(skipped.state.root == applied.state.root)
    }

    @Test func wrongChain() throws {
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        blk.transactions = [try send(1, nonce: 0, chain: 1)]
        blk.header.merkleRoot = blk.computedMerkleRoot
        expectError(.transaction(index: 0, .wrongChain(expected: 3, found: 1)), blk)
    }

    @Test func wrongNonceAndReplay() throws {
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        let tx = try send(1, nonce: 0)
        blk.transactions = [tx, tx]   // the same transaction twice
        blk.header.merkleRoot = blk.computedMerkleRoot
        expectError(.transaction(index: 1, .wrongNonce(expected: 1, found: 0)), blk)
    }

    @Test func insufficientBalance() throws {
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        blk.transactions = [try send(999_995, fee: 10, nonce: 0)]
        blk.header.merkleRoot = blk.computedMerkleRoot
        expectError(.transaction(index: 0, .insufficientBalance(balance: 1_000_000, needed: 1_000_005)), blk)
    }

    @Test func merkleRootMismatch() throws {
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        let claimed = Hash256.sha256([9])
        blk.header.merkleRoot = claimed
        expectError(.merkleRootMismatch(header: claimed, computed: blk.computedMerkleRoot), blk)
    }

    @Test func stateRootMismatch() throws {
        var blk = try block([try send(1, nonce: 0)], on: genesis)
        let right = blk.header.stateRoot
        blk.header.stateRoot = Hash256.sha256([7])
        expectError(.stateRootMismatch(header: blk.header.stateRoot, computed: right), blk)
    }

    @Test func supplyCapLimitsSubsidyAndBalances() throws {
        // A genesis that allocated almost everything leaves little to mint.
        let capped = LedgerRules(chainId: 3, genesisAllocated: Amount.maxSupply - 7)
        #expect(capped.subsidy(height: 1) == 7)
        #expect(capped.subsidy(height: 2) == 0)
        let bitcoinLike = LedgerRules(chainId: 3, genesisAllocated: 0)
        #expect(bitcoinLike.subsidy(height: 1) == 50 * Amount.unitsPerKSR)
        #expect(bitcoinLike.subsidy(height: 210_000) == 50 * Amount.unitsPerKSR)
        #expect(bitcoinLike.subsidy(height: 210_001) == 25 * Amount.unitsPerKSR)
        #expect(bitcoinLike.issued(through: 64 * 210_000) <= Amount.maxSupply)
        #expect(bitcoinLike.subsidy(height: 0) == 0)
        // Crediting past the cap is refused.
        let rich = StateTree(accounts: [(a, Account(balance: Amount.maxSupply)), (b, Account(balance: 200))])
        let tx = try send(Amount.maxSupply - 100, fee: 0, nonce: 0, key: alice, to: b)
        #expect(throws: BlockError.transaction(index: 0, .balanceOverflow)) {
            try BlockApplication.execute([tx], on: rich, height: 1, time: 1, beneficiary: m, rules: capped)
        }
    }

    @Test func errorsReadAsFieldAndReason() {
        let e = BlockError.transaction(index: 4, .wrongNonce(expected: 2, found: 5))
        #expect(e.description == "transactions[4].nonce: expected 2, got 5")
    }
}
