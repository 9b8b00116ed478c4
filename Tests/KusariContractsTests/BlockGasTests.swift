import KusariContracts
import KusariCore
import Testing

/// The block gas cap counts gas used (docs/protocol.md 11.3, step 0): a large limit
/// reserves nothing, a block whose gas used would pass the cap is refused, and a producer
/// (`BlockApplication.build`) leaves out what does not fit, giving a block the checker accepts.
@Suite struct BlockGasTests {
    let chainId: UInt32 = 3
    let rules = LedgerRules(chainId: 3, genesisAllocated: 1_000 * Amount.unitsPerKSR)
    let deployer: KeyPair
    let miner = address(0x4D)
    let engine = ContractEngine()

    init() throws { deployer = try KeyPair(seed: [UInt8](repeating: 7, count: 32)) }

    var from: AddressPayload { AddressPayload(publicKey: deployer.publicKey) }
    var genesis: StateTree { StateTree(accounts: [(from, Account(balance: 1_000 * Amount.unitsPerKSR))]) }

    func run(_ txs: [Transaction], on state: StateTree, height: UInt64) throws -> AppliedBlock {
        try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height, beneficiary: miner,
                                     rules: rules, contracts: engine)
    }

    /// A block deploying the example token (nonce 0) and a contract whose `spin` never ends (nonce 1).
    func deployed() async throws -> (state: StateTree, token: AddressPayload, spinner: AddressPayload) {
        let token = try await Examples.built { Examples.token }.wasm
        // Endless, and quick to burn gas: each round copies half the 1 MiB memory (8,192 gas).
        let spin = try wat("(func (export \"spin\") (loop (memory.copy (i32.const 0) (i32.const 524288) (i32.const 524288)) (br 0)))",
                           memory: "(memory (export \"memory\") 16 16)")
        let a = try Transaction(chainId: chainId, key: deployer, nonce: 0,
                                deploy: ContractDeploy(code: token, input: ContractValue.encode([.u64(1_000)]),
                                                       gas: GasTerms(limit: 10_000_000, price: 1)))
        let b = try Transaction(chainId: chainId, key: deployer, nonce: 1,
                                deploy: ContractDeploy(code: spin, gas: GasTerms(limit: 200_000, price: 1)))
        let applied = try run([a, b], on: genesis, height: 1)
        #expect(applied.receipts.filter { !$0.succeeded }.isEmpty)
        return (applied.state, a.to, b.to)
    }

    func transfer(_ token: AddressPayload, nonce: UInt64, limit: UInt64 = GasTerms.maxGasLimit) throws -> Transaction {
        try Transaction(chainId: chainId, key: deployer, nonce: nonce, contract: token,
                        call: ContractInvocation(method: "transfer", input: ContractValue.encode([.address(address(0xB0)), .u64(1)]),
                                                 gas: GasTerms(limit: limit, price: 1)))
    }

    func spin(_ spinner: AddressPayload, nonce: UInt64, limit: UInt64) throws -> Transaction {
        try Transaction(chainId: chainId, key: deployer, nonce: nonce, contract: spinner,
                        call: ContractInvocation(method: "spin", gas: GasTerms(limit: limit, price: 1)))
    }

    @Test func threeTransfersAtTheLargestLimitFitOneBlock() async throws {
        let (state, token, _) = try await deployed()
        // 3 x 100,000,000 of limits: refused when the cap counted limits, accepted now it counts gas used.
        let txs = try (2..<5).map { try transfer(token, nonce: UInt64($0)) }
        let applied = try run(txs, on: state, height: 2)
        #expect(applied.receipts.count == 3 && applied.receipts.filter { !$0.succeeded }.isEmpty)
        let used = applied.receipts.reduce(0) { $0 + $1.gasUsed }
        // One load of the token's code (18.5) and three transfers: far under one large limit.
        #expect(used < 10_000_000)
        // Each was charged its gas used, not its limit.
        #expect(applied.fees == used)
    }

    @Test func aBlockWhoseGasUsedPassesTheCapIsRefused() async throws {
        let (state, token, spinner) = try await deployed()
        // The endless call uses its whole limit; a transfer then uses a little more, so a third
        // transaction at the largest limit no longer fits. A producer leaves it out and goes on
        // with the next candidates.
        let burn = try spin(spinner, nonce: 2, limit: GasTerms.maxGasLimit)
        let small = try transfer(token, nonce: 3)
        let third = try transfer(token, nonce: 4)
        let later = try transfer(token, nonce: 4, limit: 10_000_000)
        let built = try BlockApplication.build([burn, small, third, later], on: state, height: 2, time: 1_700_000_002,
                                               beneficiary: miner, rules: rules, contracts: engine)
        let receipts = built.applied.receipts
        #expect(receipts[0].gasUsed == GasTerms.maxGasLimit && receipts[0].failure == "out of gas")
        let remaining = BlockApplication.maxBlockGas - receipts[0].gasUsed - receipts[1].gasUsed
        #expect(built.transactions.map(\.id) == [burn.id, small.id, later.id])
        #expect(built.skipped == 1)
        #expect(built.firstSkip == .tooMuchGas(index: 2, limit: GasTerms.maxGasLimit, remaining: remaining))
        // The checker refuses a block holding the third, the error saying its limit and what was left...
        #expect(throws: BlockError.tooMuchGas(index: 2, limit: GasTerms.maxGasLimit, remaining: remaining)) {
            try run([burn, small, third], on: state, height: 2)
        }
        // ...and accepts what the producer built, with the same state root, fees and receipts.
        let checked = try run(built.transactions, on: state, height: 2)
        #expect(checked.state.root == built.applied.state.root)
        #expect(checked.fees == built.applied.fees && checked.receipts == receipts)
        // One whose limit is exactly what is left fits.
        let fitting = try transfer(token, nonce: 4, limit: remaining)
        #expect(try run([burn, small, fitting], on: state, height: 2).receipts[2].succeeded)
    }

    @Test func aProducerLeavesOutWhatDoesNotApply() async throws {
        let (state, token, _) = try await deployed()
        let good = try transfer(token, nonce: 2, limit: 10_000_000)
        let wrongNonce = try transfer(token, nonce: 9, limit: 10_000_000)
        let next = try transfer(token, nonce: 3, limit: 10_000_000)
        var forged = try transfer(token, nonce: 8, limit: 11_000_000)
        forged.nonce = 3   // the signature no longer matches
        let built = try BlockApplication.build([good, wrongNonce, forged, next], on: state, height: 2, time: 1_700_000_002,
                                               beneficiary: miner, rules: rules, contracts: engine)
        #expect(built.transactions.map(\.id) == [good.id, next.id])
        #expect(built.skipped == 2)
        #expect(built.firstSkip == .transaction(index: 1, .wrongNonce(expected: 3, found: 9)))
        // Nothing of a left-out transaction stays: the block is what the checker makes of the two.
        #expect(try run([good, next], on: state, height: 2).state.root == built.applied.state.root)
    }

    /// The first call of a code in a block pays to load it; later calls of it in the block do
    /// not; the next block pays again. What a node holds (another engine, warmed by queries
    /// and earlier blocks) changes nothing: the charge follows the block's order alone.
    @Test func codeIsPaidForOncePerBlockWhateverTheNodeHolds() async throws {
        let (state, token, _) = try await deployed()
        let hash = try #require(state.account(token).codeHash)
        let code = try #require(state.code(hash))
        let load = GasSchedule.standard.perCodeKiB * UInt64((code.count + 1023) / 1024)
        let txs = try (2..<5).map { try transfer(token, nonce: UInt64($0), limit: 10_000_000) }
        let block2 = try run(Array(txs.prefix(2)), on: state, height: 2)
        // The first makes a new holder (one more storage write than the second).
        let block3 = try run([txs[2]], on: block2.state, height: 3)
        // block 3's transfer and block 2's second do the same work; only the first of a block loads.
        #expect(block3.receipts[0].gasUsed == block2.receipts[1].gasUsed + load)
        // A fresh engine (nothing parsed, no instance), or one warmed by queries, charges the same.
        let fresh = ContractEngine()
        let warmed = ContractEngine()
        for _ in 0..<3 {
            _ = warmed.query(block2.state, contract: token, method: "balance_of",
                             input: ContractValue.encode([.address(from)]), block: BlockEnvironment(height: 3, time: 0))
        }
        for other in [fresh, warmed] {
            let again = try BlockApplication.execute(Array(txs.prefix(2)), on: state, height: 2, time: 1_700_000_002,
                                                     beneficiary: miner, rules: rules, contracts: other)
            #expect(again.receipts == block2.receipts && again.state.root == block2.state.root)
        }
    }
}
