import Foundation
import KusariContracts
import KusariCore
import Testing

/// Contracts as ledger rules: deploy and call transactions applied in blocks with
/// `BlockApplication` and `ContractEngine`, storage in the state tree with proofs, fees,
/// failed calls that leave only their fee, and undo records that give back the state.
@Suite struct LedgerContractTests {
    let chainId: UInt32 = 3
    let rules = LedgerRules(chainId: 3, genesisAllocated: 1_000 * Amount.unitsPerKSR)
    let deployer: KeyPair
    let other: KeyPair
    let miner = address(0x4D)
    let engine = ContractEngine()

    init() throws {
        deployer = try KeyPair(seed: [UInt8](repeating: 7, count: 32))
        other = try KeyPair(seed: [UInt8](repeating: 8, count: 32))
    }

    var from: AddressPayload { AddressPayload(publicKey: deployer.publicKey) }
    var genesis: StateTree { StateTree(accounts: [(from, Account(balance: 1_000 * Amount.unitsPerKSR))]) }

    func run(_ txs: [Transaction], on state: StateTree, height: UInt64) throws -> AppliedBlock {
        try BlockApplication.execute(txs, on: state, height: height, time: 1_700_000_000 + height, beneficiary: miner,
                                     rules: rules, contracts: engine)
    }

    func deployToken(supply: UInt64 = 1_000) async throws -> (tx: Transaction, applied: AppliedBlock) {
        let wasm = try await Examples.built { Examples.token }.wasm
        let tx = try Transaction(chainId: chainId, key: deployer, nonce: 0,
                                 deploy: ContractDeploy(code: wasm, input: ContractValue.encode([.u64(supply)]),
                                                        gas: GasTerms(limit: 10_000_000, price: 2)))
        return (tx, try run([tx], on: genesis, height: 1))
    }

    func balance(_ state: StateTree, _ token: AddressPayload, of who: AddressPayload) throws -> UInt64 {
        let out = engine.query(state, contract: token, method: "balance_of", input: ContractValue.encode([.address(who)]),
                               block: BlockEnvironment(height: 99, time: 0))
        guard case .u64(let v)? = try ContractValue.decode(try out.result.get()).first else { throw ContractError.reverted("no u64") }
        return v
    }

    @Test func typedTransactionsRoundTripAndNeverReadAsTransfers() async throws {
        let deploy = try Transaction(chainId: chainId, key: deployer, nonce: 4,
                                     deploy: ContractDeploy(code: [0, 97, 115, 109, 1, 0, 0, 0], input: [1, 2], gas: GasTerms(limit: 100_000, price: 3)))
        let decoded = try Transaction(decoding: deploy.encoded)
        #expect(decoded == deploy)
        #expect(decoded.hasValidSignature)
        #expect(decoded.fee == 300_000)
        #expect(decoded.to == .contract(deployer: from, nonce: 4))
        #expect(deploy.encoded.prefix(5) == [0, 0, 0, 0, TransactionKind.deploy])
        #expect(deploy.encodedSize == deploy.encoded.count)
        let call = try Transaction(chainId: chainId, key: deployer, nonce: 5, contract: address(0xC0),
                                   call: ContractInvocation(method: "transfer", input: [9], gas: GasTerms(limit: 100_000, price: 1)),
                                   amount: 7)
        #expect(try Transaction(decoding: call.encoded) == call)
        #expect(call.encodedSize == call.encoded.count)
        // Bad kinds, methods, chain ids and fees are refused with the field named.
        var bytes = call.encoded
        bytes[4] = 9
        #expect(throws: CanonicalDecodingError.self) { try Transaction(decoding: bytes) }
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: chainId, key: deployer, nonce: 0, contract: address(1),
                            call: ContractInvocation(method: "Bad-Name", gas: GasTerms(limit: 1, price: 1)))
        }
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: chainId, key: deployer, nonce: 0, contract: address(1),
                            call: ContractInvocation(method: "m", gas: GasTerms(limit: GasTerms.maxGasLimit, price: Amount.maxSupply)))
        }
    }

    @Test func aDeployedTokenLivesInTheStateTreeWithProofsAndFees() async throws {
        let (tx, applied) = try await deployToken()
        let receipt = try #require(applied.receipts.first)
        #expect(receipt.succeeded, "\(receipt.failure ?? "")")
        let token = tx.to
        let account = applied.state.account(token)
        let hash = try #require(account.codeHash)
        #expect(applied.state.code(hash) != nil)
        #expect(applied.newCode.map(\.0) == [hash])
        #expect(account.storageRoot == applied.state.storage(token).root)
        #expect(account.storageRoot != .zero)
        // The sender paid gas used x price, not the limit; the miner got it with the subsidy.
        #expect(applied.fees == receipt.gasUsed * 2)
        #expect(applied.state.account(from).balance == 1_000 * Amount.unitsPerKSR - applied.fees)
        #expect(applied.state.account(from).nonce == 1)
        #expect(applied.state.account(miner).balance == rules.subsidy(height: 1) + applied.fees)
        #expect(try balance(applied.state, token, of: from) == 1_000)

        // Every stored key has a proof against the account's storage root, and the account a
        // proof against the state root.
        let storage = applied.state.storage(token)
        for entry in storage.entries {
            let proof = storage.proof(for: entry.key)
            #expect(proof.value == entry.value)
            #expect(proof.verify(root: account.storageRoot))
            var forged = proof
            forged.terminal = .value(entry.value + [0])
            #expect(!forged.verify(root: account.storageRoot))
        }
        let absent = storage.proof(for: Array("no such key".utf8))
        #expect(absent.value == nil && absent.verify(root: account.storageRoot))
        let accountProof = applied.state.proof(for: token)
        #expect(accountProof.account == account && accountProof.verify(root: applied.state.root))
    }

    @Test func callsMoveTokensAndFailedCallsLeaveOnlyTheirFee() async throws {
        let (deploy, first) = try await deployToken()
        let token = deploy.to
        let bob = address(0xB0)
        let transfer = try Transaction(chainId: chainId, key: deployer, nonce: 1, contract: token,
                                       call: ContractInvocation(method: "transfer", input: ContractValue.encode([.address(bob), .u64(250)]),
                                                                gas: GasTerms(limit: 10_000_000, price: 1)))
        let garbage = try Transaction(chainId: chainId, key: deployer, nonce: 2, contract: token,
                                      call: ContractInvocation(method: "transfer", input: [0xFF, 0xFF, 0xFF],
                                                               gas: GasTerms(limit: 10_000_000, price: 1)))
        let second = try run([transfer, garbage], on: first.state, height: 2)
        #expect(second.receipts.count == 2)
        #expect(second.receipts[0].succeeded)
        #expect(second.receipts[0].events.map { String(decoding: $0.topic, as: UTF8.self) } == ["transfer"])
        #expect(!second.receipts[1].succeeded)
        #expect(second.receipts[1].events.isEmpty)
        #expect(try balance(second.state, token, of: bob) == 250)
        #expect(try balance(second.state, token, of: from) == 750)
        // Both paid their gas, both used their nonce.
        #expect(second.fees == second.receipts[0].gasUsed + second.receipts[1].gasUsed)
        #expect(second.state.account(from).nonce == 3)

        // The undo record gives back the state before the block, through its encoding too.
        let undo = try BlockUndo(decoding: second.undoRecord.encoded)
        #expect(undo == second.undoRecord)
        let reverted = second.state.reverting(undo)
        #expect(reverted.root == first.state.root)
        #expect(reverted.storage(token).entries == first.state.storage(token).entries)
        // And undoing the deploy removes the contract and its storage.
        let beforeDeploy = first.state.reverting(try BlockUndo(decoding: first.undoRecord.encoded))
        #expect(beforeDeploy.root == genesis.root)
        #expect(beforeDeploy.storage(token).isEmpty)

        // Applying the same blocks again (a second node) gives the same roots.
        let again = try run([transfer, garbage], on: try run([deploy], on: genesis, height: 1).state, height: 2)
        #expect(again.state.root == second.state.root)
    }

    @Test func aHostileModuleIsRefusedAtDeployAndPaysForTheAttempt() async throws {
        let float = try wat("(func (export \"init\") (drop (f32.add (f32.const 1) (f32.const 2))))")
        let tx = try Transaction(chainId: chainId, key: deployer, nonce: 0,
                                 deploy: ContractDeploy(code: float, gas: GasTerms(limit: 100_000, price: 1)))
        let applied = try run([tx], on: genesis, height: 1)
        let receipt = try #require(applied.receipts.first)
        #expect(receipt.failure?.hasPrefix("code:") == true, "\(receipt.failure ?? "")")
        #expect(receipt.gasUsed == GasTerms.intrinsic(encodedSize: tx.encodedSize) + engine.deployCost(codeLength: float.count))
        // Below its intrinsic gas a transaction cannot even be made.
        #expect(throws: TransactionError.self) {
            try Transaction(chainId: chainId, key: deployer, nonce: 0, deploy: ContractDeploy(code: float, gas: GasTerms(limit: 5_000, price: 1)))
        }
        #expect(!applied.state.account(tx.to).isContract)
        #expect(applied.newCode.isEmpty)
        #expect(applied.state.account(from).nonce == 1)

        // An endless init runs out of gas and is charged its whole limit.
        let loop = try wat("(func (export \"init\") (loop (br 0)))")
        let looping = try Transaction(chainId: chainId, key: deployer, nonce: 1,
                                      deploy: ContractDeploy(code: loop, gas: GasTerms(limit: 200_000, price: 1)))
        let second = try run([looping], on: applied.state, height: 2)
        #expect(second.receipts.first?.gasUsed == 200_000)
        #expect(second.receipts.first?.failure == "out of gas")
        #expect(!second.state.account(looping.to).isContract)
    }

    @Test func blocksWithoutAnEngineAreRefused() async throws {
        let (deploy, _) = try await deployToken()
        #expect(throws: BlockError.self) {
            try BlockApplication.execute([deploy], on: genesis, height: 1, time: 1, beneficiary: miner, rules: rules)
        }
    }
}
