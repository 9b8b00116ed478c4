import KusariCore
@testable import KusariStaking

/// A chain for staking tests: a state, its height, the accounts' keys and nonces, and blocks
/// applied with `BlockApplication` and a `StakingEngine`, each with the consensus record the
/// test gives (by default: every member of the set that voted on the previous block signed).
final class StakingTestChain {
    static let chainId: UInt32 = 5
    static let fee: UInt64 = 1_000
    static let ksr = Amount.unitsPerKSR
    let engine: StakingEngine
    let parameters: StakingParameters
    let rules: LedgerRules
    let keys: [KeyPair]
    /// Consensus keys, one per account (seed 100 + i).
    let consensusKeys: [KeyPair]
    let miner = AddressPayload(bytes: [UInt8](repeating: 0x4D, count: 20)) ?? .zero
    var state: StateTree
    var height: UInt64 = 0
    var nonces: [AddressPayload: UInt64] = [:]
    var last: AppliedBlock?

    init(parameters: StakingParameters, accounts: Int, balance: UInt64 = 1_000 * StakingTestChain.ksr,
         initialSubsidy: UInt64 = LedgerRules.defaultInitialSubsidy) throws {
        guard let engine = StakingEngine(parameters: parameters) else { throw TestFailure("parameters refused") }
        self.engine = engine
        self.parameters = parameters
        keys = try (1...accounts).map { try KeyPair(seed: [UInt8](repeating: UInt8($0), count: 32)) }
        consensusKeys = try (1...accounts).map { try KeyPair(seed: [UInt8](repeating: UInt8(100 + $0), count: 32)) }
        rules = LedgerRules(chainId: Self.chainId, genesisAllocated: UInt64(accounts) * balance, initialSubsidy: initialSubsidy)
        state = StateTree(accounts: keys.map { (AddressPayload(publicKey: $0.publicKey), Account(balance: balance)) })
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    func who(_ i: Int) -> AddressPayload { AddressPayload(publicKey: keys[i].publicKey) }
    var view: StakingView { StakingView(state: state) }

    /// A signed staking transaction from account `i` with its next nonce.
    func tx(_ i: Int, _ action: StakingAction, fee: UInt64 = StakingTestChain.fee) throws -> Transaction {
        let from = who(i)
        let nonce = nonces[from, default: 0]
        nonces[from] = nonce + 1
        return try Transaction(chainId: Self.chainId, key: keys[i], nonce: nonce, staking: action, fee: fee)
    }

    /// create-validator from account `i` with its consensus key.
    func create(_ i: Int, bond: UInt64, commissionBps: UInt16 = 1_000) throws -> Transaction {
        try tx(i, .createValidator(consensusKey: consensusKeys[i].publicKey, commissionBps: commissionBps, selfBond: bond))
    }

    /// Everyone in the set that voted on the previous block, with its power.
    var fullCommit: [ConsensusRecord.Signer] {
        guard height >= 1, let set = view.votingMembers(at: height) else { return [] }
        return set.map { ConsensusRecord.Signer(consensusKey: $0.consensusKey, power: $0.power) }
    }

    /// Applies the next block; `signers` nil means `fullCommit`.
    @discardableResult
    func block(_ txs: [Transaction] = [], signers: [ConsensusRecord.Signer]? = nil,
               offences: [ConsensusRecord.Offence] = []) throws -> AppliedBlock {
        let applied = try execute(txs, signers: signers, offences: offences)
        state = applied.state
        height += 1
        last = applied
        return applied
    }

    /// What the next block would give, without keeping it.
    func execute(_ txs: [Transaction], signers: [ConsensusRecord.Signer]? = nil,
                 offences: [ConsensusRecord.Offence] = []) throws -> AppliedBlock {
        let record = ConsensusRecord(signers: signers ?? fullCommit, offences: offences)
        return try BlockApplication.execute(txs, on: state, height: height + 1, time: 1_700_000_000 + height,
                                            beneficiary: miner, rules: rules,
                                            staking: StakingContext(executor: engine, consensus: record))
    }

    /// Failures of the last block's receipts, in order (nil: success).
    var failures: [String?] { last?.receipts.map(\.failure) ?? [] }

    func balance(_ i: Int) -> UInt64 { state.account(who(i)).balance }

    /// Every balance the tests can reach: the accounts, the miner and the module.
    var allBalances: UInt64 {
        (keys.indices.map(who) + [miner, StakingModule.address]).reduce(0) { $0 + state.account($1).balance }
    }

    /// Σ bonded + Σ unbonding + reward pool.
    var stakingHoldings: UInt64 {
        let v = view
        return v.validators.reduce(0) { $0 + $1.tokens } + v.unbonding.reduce(0) { $0 + $1.amount } + v.rewardPool
    }

    /// The top N validators by stake as the test computes it: bonded, at least 1 KSR, most
    /// tokens first, then the smaller operator address.
    var expectedTopN: [VotingMember] {
        view.validators.filter { $0.status == .bonded && $0.power > 0 }
            .sorted { $0.tokens != $1.tokens ? $0.tokens > $1.tokens : $0.operatorAddress < $1.operatorAddress }
            .prefix(parameters.maxValidators)
            .map { VotingMember(operatorAddress: $0.operatorAddress, consensusKey: $0.consensusKey, power: $0.power) }
    }
}
