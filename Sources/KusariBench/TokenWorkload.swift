import Foundation
import KusariContracts
import KusariCore

/// The blocks `kusari bench contracts` applies: the same transfers twice, once as native
/// KSR transfers and once as calls of the example token's `transfer`, with the same
/// senders, recipients, block sizes and order, so that the two figures differ only in
/// what a transfer executes.
///
/// The token is deployed and its tokens spread to every sender in setup blocks that are
/// not timed; the timed contract blocks start from the state after them.
struct TokenWorkload {
    /// One transfer of the workload: sender and recipient indices, the sender's nth
    /// transfer, and the amount.
    struct Spec: Sendable {
        var sender: Int
        var nonce: UInt64
        var to: Int
        var amount: UInt64
    }

    /// A chain of blocks to apply in order from `start`.
    struct Chain {
        var start: StateTree
        var blocks: [Block]
        /// The state before each block (`start` first).
        var statesBefore: [StateTree]
        /// The state after the last block.
        var end: StateTree
        /// Gas used by the blocks' contract transactions (0 for native blocks).
        var gasUsed: UInt64
    }

    static let chainId: UInt32 = 3
    static let time: UInt64 = 1_764_000_000
    /// Tokens each sender receives in setup: enough for every transfer it will send.
    static let tokensPerSender: UInt64 = 1_000_000_000

    let rules: LedgerRules
    let payloads: [AddressPayload]
    let token: AddressPayload
    let code: ContractCode
    let gasLimit: UInt64
    let specs: [Spec]
    let native: Chain
    let contract: Chain
    let engine: ContractEngine
    /// Gas used by one token transfer (the first timed call).
    /// Gas of a transfer after the first in its block (the token's code already loaded).
    let gasPerTransfer: UInt64
    /// Gas of the first transfer of a block, which pays to load the token's code (18.5).
    let firstTransferGas: UInt64

    init(wasm: [UInt8], scale: ContractBenchmarks.Scale, engine: ContractEngine) throws {
        self.engine = engine
        code = try engine.module(wasm, hash: Hash256.sha256(wasm))
        let keys = parallelMap(0..<(scale.senders + 1)) { _ in KeyPair() }
        let payloads = keys.map { AddressPayload(publicKey: $0.publicKey) }
        self.payloads = payloads
        let deployerIndex = scale.senders
        let funded = payloads.map { ($0, Account(balance: 1_000 * Amount.unitsPerKSR)) }
        let rules = LedgerRules(chainId: Self.chainId, genesisAllocated: UInt64(funded.count) * 1_000 * Amount.unitsPerKSR)
        self.rules = rules
        let genesis = StateTree(accounts: funded)
        let perBlock = scale.perBlock
        // Enough for the first transfer of a block, which loads the token's code (docs/protocol.md
        // 18.5); the block's cap counts gas used, so the limits reserve nothing (11.3).
        let gasLimit = GasSchedule.standard.callGas(codeSize: wasm.count)
        self.gasLimit = gasLimit

        var rng = SplitMix64(seed: 7)
        var nonces = [UInt64](repeating: 0, count: scale.senders)
        var specs: [Spec] = []
        for i in 0..<(scale.blocks * perBlock) {
            let sender = i % scale.senders
            specs.append(Spec(sender: sender, nonce: nonces[sender], to: Int(rng.next() % UInt64(scale.senders)),
                              amount: 1 + UInt64(i % 1_000)))
            nonces[sender] += 1
        }
        self.specs = specs
        let specList = specs

        let nativeTxs = try parallelMap(0..<specs.count) { i in
            let s = specList[i]
            return Result { try Transaction(chainId: rules.chainId, key: keys[s.sender], nonce: s.nonce,
                                            to: payloads[s.to], amount: 1_000 + s.amount, fee: 100) }
        }.map { try $0.get() }
        native = try Self.chain(from: genesis, firstHeight: 1, bodies: Self.split(nativeTxs, perBlock), rules: rules,
                                beneficiary: payloads[0], contracts: nil)

        // Setup: deploy (the deployer gets the whole supply), then one transfer to each sender.
        let deploy = try Transaction(chainId: rules.chainId, key: keys[deployerIndex], nonce: 0,
                                     deploy: ContractDeploy(code: wasm, input: ContractValue.encode([.u64(UInt64.max / 2)]),
                                                            gas: GasTerms(limit: GasSchedule.standard.callGas(codeSize: wasm.count, run: 5_000_000), price: 1)))
        let token = deploy.to
        self.token = token
        let spread = try parallelMap(0..<scale.senders) { i in
            Result { try Transaction(chainId: rules.chainId, key: keys[deployerIndex], nonce: UInt64(i + 1), contract: token,
                                     call: ContractInvocation(method: "transfer",
                                                              input: ContractValue.encode([.address(payloads[i]), .u64(Self.tokensPerSender)]),
                                                              gas: GasTerms(limit: gasLimit, price: 1))) }
        }.map { try $0.get() }
        let setup = try Self.chain(from: genesis, firstHeight: 1, bodies: [[deploy]] + Self.split(spread, perBlock),
                                   rules: rules, beneficiary: payloads[0], contracts: engine)
        let afterSetup = setup.end

        let calls = try parallelMap(0..<specs.count) { i in
            let s = specList[i]
            return Result { try Transaction(chainId: rules.chainId, key: keys[s.sender], nonce: s.nonce, contract: token,
                                            call: ContractInvocation(method: "transfer", input: Self.transferInput(payloads[s.to], s.amount),
                                                                     gas: GasTerms(limit: gasLimit, price: 1))) }
        }.map { try $0.get() }
        var firstBlock: [UInt64] = []
        contract = try Self.chain(from: afterSetup, firstHeight: UInt64(setup.blocks.count + 1),
                                  bodies: Self.split(calls, perBlock), rules: rules, beneficiary: payloads[0],
                                  contracts: engine) { receipt in if firstBlock.count < perBlock { firstBlock.append(receipt.gasUsed) } }
        firstTransferGas = firstBlock.first ?? 0
        gasPerTransfer = firstBlock.count > 1 ? firstBlock[1] : firstTransferGas
    }

    /// The encoded arguments of `transfer(to, amount)`.
    static func transferInput(_ to: AddressPayload, _ amount: UInt64) -> [UInt8] {
        ContractValue.encode([.address(to), .u64(amount)])
    }

    static func split(_ txs: [Transaction], _ size: Int) -> [[Transaction]] {
        stride(from: 0, to: txs.count, by: size).map { Array(txs[$0..<min($0 + size, txs.count)]) }
    }

    /// Executes `bodies` in order from `start` (every contract transaction must succeed) and
    /// makes blocks of them with the state roots they give.
    static func chain(from start: StateTree, firstHeight: UInt64, bodies: [[Transaction]], rules: LedgerRules,
                      beneficiary: AddressPayload, contracts: ContractEngine?,
                      receipt: (ContractReceipt) -> Void = { _ in }) throws -> Chain {
        var state = start
        var previous = Hash256.zero
        var blocks: [Block] = []
        var before: [StateTree] = []
        var gas: UInt64 = 0
        for (i, body) in bodies.enumerated() {
            let height = firstHeight + UInt64(i)
            let applied = try BlockApplication.execute(body, on: state, height: height, time: time + height,
                                                       beneficiary: beneficiary, rules: rules, signatures: .alreadyVerified,
                                                       contracts: contracts)
            for r in applied.receipts {
                guard r.succeeded else { throw ContractBenchmarkError("a benchmark call failed: \(r.failure ?? "")") }
                gas += r.gasUsed
                receipt(r)
            }
            let header = BlockHeader(height: height, previousId: previous, merkleRoot: MerkleTree.root(leaves: body.map(\.id)),
                                     stateRoot: applied.state.root, timestamp: time + height, bits: 0x207fffff,
                                     beneficiary: beneficiary, nonce: 0)
            blocks.append(Block(header: header, transactions: body))
            before.append(state)
            previous = header.id
            state = applied.state
        }
        return Chain(start: start, blocks: blocks, statesBefore: before, end: state, gasUsed: gas)
    }

    /// Applies `chain`'s blocks in order with `BlockApplication.apply` (signatures already
    /// verified); returns the seconds taken.
    func apply(_ chain: Chain, contracts: ContractEngine?) throws -> Double {
        var state = chain.start
        let clock = Stopwatch()
        for block in chain.blocks {
            state = try BlockApplication.apply(block, to: state, rules: rules, signatures: .alreadyVerified,
                                               contracts: contracts).state
        }
        return clock.seconds
    }

    /// Runs every timed token transfer straight on `runtime`, one `LedgerWorkspace` per block
    /// as in the blocks, without transactions, fees or state roots: the seconds taken and the
    /// gas used.
    func runCalls(_ runtime: ContractRuntime) throws -> (seconds: Double, gas: UInt64) {
        let perBlock = specs.count / max(1, contract.blocks.count)
        var gas: UInt64 = 0
        let clock = Stopwatch()
        for (b, state) in contract.statesBefore.enumerated() {
            let host = LedgerHost(LedgerWorkspace(state: state))
            let context = BlockContext(height: contract.blocks[b].header.height, time: Int64(contract.blocks[b].header.timestamp))
            for s in specs[(b * perBlock)..<min((b + 1) * perBlock, specs.count)] {
                let call = ContractCall(contract: token, caller: payloads[s.sender], method: "transfer",
                                        input: Self.transferInput(payloads[s.to], s.amount), gasLimit: gasLimit)
                let outcome = runtime.run(code, call, block: context, host: host)
                guard outcome.succeeded else { throw ContractBenchmarkError("a direct call failed: \(String(describing: outcome.error))") }
                gas += outcome.gasUsed
            }
        }
        return (clock.seconds, gas)
    }
}

/// Why `kusari bench contracts` could not run.
public struct ContractBenchmarkError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
