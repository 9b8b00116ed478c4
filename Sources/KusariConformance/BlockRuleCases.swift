import KusariCore

/// The blocks of `block-rules.json`: valid ones built by the block producer's own
/// path (`BlockApplication.execute`), and ones that break one rule each.
enum BlockRuleCases {
    static let devnet = LedgerRules(chainId: 3, genesisAllocated: 1_000_000_000, halvingInterval: LedgerRules.devnetHalvingInterval)

    static func all() throws(ConformanceError) -> [BlockRuleCase] {
        let k = try (0..<6).map { i throws(ConformanceError) in try VectorKeys.key(i) }
        let p = k.map { AddressPayload(publicKey: $0.publicKey) }
        let rfc = try KeyPair.conformance(VectorKeys.rfc8032Test1)
        let sender = AddressPayload(publicKey: rfc.publicKey)
        let recipient = AddressPayload(bytes: try TransactionVectors.hex("39f713d0a644253f04529421b9f51b9b08979d08")) ?? .zero
        let funded: [(AddressPayload, Account)] = [(p[0], Account(balance: 10_000_000_000)), (p[1], Account(balance: 500_000, nonce: 4))]
        func tx(_ i: Int, nonce: UInt64, to: AddressPayload, amount: UInt64, fee: UInt64, chainId: UInt32 = 3) throws(ConformanceError) -> Transaction {
            try TransactionVectors.sign(seed: VectorKeys.seed(i), chainId: chainId, nonce: nonce, toPayload: to,
                                        amount: amount, fee: fee, memo: [])
        }
        var out: [BlockRuleCase] = []
        func valid(_ d: String, _ state: [(AddressPayload, Account)], _ txs: [Transaction], height: UInt64 = 1,
                   beneficiary: AddressPayload, rules: LedgerRules = devnet) throws(ConformanceError) {
            out.append(BlockRuleCase(description: d, rules: rules, state: state,
                                     block: try produce(state, txs, height: height, beneficiary: beneficiary, rules: rules)))
        }
        // Blocks the rules accept.
        let example = try TransactionVectors.sign(seed: VectorKeys.rfc8032Test1, chainId: 3, nonce: 0, toPayload: recipient,
                                                  amount: 150_000_000, fee: 1_000, memo: Array("kusari".utf8))
        try valid("docs/protocol.md 15.3: block 1 pays the recipient, who is also the beneficiary",
                  [(sender, Account(balance: 1_000_000_000))], [example], beneficiary: recipient)
        try valid("no transactions: the coinbase alone", funded, [], beneficiary: p[5])
        try valid("two transactions from one sender, nonces 0 and 1", funded,
                  [try tx(0, nonce: 0, to: p[2], amount: 1_000, fee: 10), try tx(0, nonce: 1, to: p[3], amount: 2_000, fee: 20)],
                  beneficiary: p[5])
        try valid("a recipient spends what it received earlier in the same block", funded,
                  [try tx(0, nonce: 0, to: p[2], amount: 5_000, fee: 0), try tx(2, nonce: 0, to: p[3], amount: 4_000, fee: 1_000)],
                  beneficiary: p[5])
        try valid("the sender pays itself: debited, then credited", funded, [try tx(1, nonce: 4, to: p[1], amount: 400_000, fee: 100_000)],
                  beneficiary: p[5])
        try valid("the sender is the beneficiary", funded, [try tx(0, nonce: 0, to: p[2], amount: 7, fee: 3)], beneficiary: p[0])
        try valid("a sender left with balance 0 stays in the tree (nonce 5)", funded,
                  [try tx(1, nonce: 4, to: p[2], amount: 499_000, fee: 1_000)], beneficiary: p[5])
        try valid("the all-zero payload receives a transfer", funded, [try tx(0, nonce: 0, to: .zero, amount: 1, fee: 0)],
                  beneficiary: p[5])
        try valid("height 150 on devnet: the last block of era 0, 50 KSR", funded, [], height: 150, beneficiary: p[5])
        try valid("height 151 on devnet: the first block of era 1, 25 KSR", funded, [], height: 151, beneficiary: p[5])
        let nearCap = LedgerRules(chainId: 3, genesisAllocated: Amount.maxSupply - 1_000, halvingInterval: 150)
        try valid("the supply cap cuts the subsidy to the 1,000 units left", [(p[0], Account(balance: Amount.maxSupply - 1_000))],
                  [try tx(0, nonce: 0, to: p[1], amount: 10, fee: 5)], beneficiary: p[5], rules: nearCap)
        try valid("after the cap is reached the subsidy is 0 and fees still pay", [(p[0], Account(balance: Amount.maxSupply - 1_000))],
                  [try tx(0, nonce: 0, to: p[1], amount: 10, fee: 5)], height: 2, beneficiary: p[5], rules: nearCap)
        try valid("height 0: no subsidy", funded, [], height: 0, beneficiary: p[5])
        try valid("a zero transfer with zero fee is valid", funded, [try tx(0, nonce: 0, to: p[2], amount: 0, fee: 0)], beneficiary: p[5])

        // Blocks that break one rule.
        func broken(_ d: String, _ state: [(AddressPayload, Account)], _ block: Block, rules: LedgerRules = devnet) {
            out.append(BlockRuleCase(description: d, rules: rules, state: state, block: block))
        }
        func unchecked(_ state: [(AddressPayload, Account)], _ txs: [Transaction], height: UInt64 = 1,
                       beneficiary: AddressPayload) -> Block {
            // A header that commits to the transactions but not to a state root the rules will reach.
            Block(header: BlockHeader(height: height, previousId: .zero, merkleRoot: MerkleTree.root(leaves: txs.map(\.id)),
                                      stateRoot: .zero, timestamp: 1_764_000_060, bits: 0x207fffff,
                                      beneficiary: beneficiary, nonce: 0), transactions: txs)
        }
        broken("transaction for another chain (chain id 1 on chain 3)", funded,
               unchecked(funded, [try tx(0, nonce: 0, to: p[2], amount: 1, fee: 1, chainId: 1)], beneficiary: p[5]))
        broken("nonce too high", funded, unchecked(funded, [try tx(0, nonce: 1, to: p[2], amount: 1, fee: 1)], beneficiary: p[5]))
        broken("the same nonce twice: the second is a replay", funded,
               unchecked(funded, [try tx(0, nonce: 0, to: p[2], amount: 1, fee: 1), try tx(0, nonce: 0, to: p[3], amount: 1, fee: 1)],
                         beneficiary: p[5]))
        broken("amount + fee one unit above the balance", funded,
               unchecked(funded, [try tx(1, nonce: 4, to: p[2], amount: 400_000, fee: 100_001)], beneficiary: p[5]))
        broken("a sender with no account", funded, unchecked(funded, [try tx(4, nonce: 0, to: p[2], amount: 1, fee: 0)], beneficiary: p[5]))
        let good = try tx(0, nonce: 0, to: p[2], amount: 1, fee: 1)
        var forged = try tx(0, nonce: 1, to: p[3], amount: 1, fee: 1)
        forged.amount = 2
        var forged2 = try tx(0, nonce: 2, to: p[3], amount: 1, fee: 1)
        forged2.fee = 2
        broken("bad signature in transaction 1 of 3; transaction 2 is also bad: the lowest index is reported", funded,
               unchecked(funded, [good, forged, forged2], beneficiary: p[5]))
        broken("signatures are checked before nonces: transaction 0 has a wrong nonce, transaction 1 a bad signature", funded,
               unchecked(funded, [try tx(0, nonce: 9, to: p[2], amount: 1, fee: 1), forged], beneficiary: p[5]))
        var wrongMerkle = try produce(funded, [good], height: 1, beneficiary: p[5], rules: devnet)
        wrongMerkle.header.merkleRoot = MerkleTree.emptyRoot
        broken("Merkle root of no transactions on a block with one", funded, wrongMerkle)
        var both = unchecked(funded, [forged], beneficiary: p[5])
        both.header.merkleRoot = Hash256.sha256([1])
        broken("the Merkle root is checked before signatures", funded, both)
        var wrongState = try produce(funded, [good], height: 1, beneficiary: p[5], rules: devnet)
        wrongState.header.stateRoot = StateTree(accounts: funded).root
        broken("state root left unchanged", funded, wrongState)
        var wrongHeight = try produce(funded, [good], height: 151, beneficiary: p[5], rules: devnet)
        wrongHeight.header.height = 150
        broken("state root computed with the subsidy of another height", funded, wrongHeight)
        let rich: [(AddressPayload, Account)] = funded + [(p[2], Account(balance: Amount.maxSupply - 10))]
        broken("recipient balance would pass the supply cap", rich,
               unchecked(rich, [try tx(0, nonce: 0, to: p[2], amount: 11, fee: 0)], beneficiary: p[5]))
        broken("beneficiary balance would pass the supply cap", rich, unchecked(rich, [], beneficiary: p[2]))
        let exhausted: [(AddressPayload, Account)] = [(p[3], Account(balance: 1_000, nonce: .max))]
        broken("sender nonce 2^64 - 1 is exhausted", exhausted,
               unchecked(exhausted, [try tx(3, nonce: .max, to: p[2], amount: 1, fee: 1)], beneficiary: p[5]))
        return out
    }

    /// A block whose header carries the state root the producer's path computes.
    static func produce(_ state: [(AddressPayload, Account)], _ txs: [Transaction], height: UInt64,
                        beneficiary: AddressPayload, rules: LedgerRules) throws(ConformanceError) -> Block {
        let applied: AppliedBlock
        do {
            applied = try BlockApplication.execute(txs, on: StateTree(accounts: state), height: height,
                                                   time: 1_764_000_000 + height * 2, beneficiary: beneficiary, rules: rules)
        } catch { throw .generation("block rule case: \(error)") }
        let header = BlockHeader(height: height, previousId: Hash256.sha256(Array("parent \(height)".utf8)),
                                 merkleRoot: MerkleTree.root(leaves: txs.map(\.id)), stateRoot: applied.state.root,
                                 timestamp: 1_764_000_000 + height * 2, bits: 0x207fffff, beneficiary: beneficiary, nonce: 0)
        return Block(header: header, transactions: txs)
    }
}

extension KeyPair {
    /// The key of a fixed seed, for vectors.
    static func conformance(_ seed: [UInt8]) throws(ConformanceError) -> KeyPair {
        do { return try KeyPair(seed: seed) } catch { throw .generation("key: \(error)") }
    }
}
