import Foundation
import Testing
import KusariCore
@testable import KusariBFT

/// Validators with fixed keys and a helper to sign their messages, for the machine's
/// unit tests and the simulated network.
struct ConsensusFixture {
    static let chainID: UInt32 = 3
    /// Keys by validator index in `set`.
    let keys: [KeyPair]
    /// The set of every height (height h uses `sets(h)`).
    let set: ValidatorSet

    /// Validators with `powers` (any order); key i has seed byte i + 1.
    init(powers: [UInt64]) throws {
        let all = try powers.indices.map { i throws(KeyError) in
            try KeyPair(seed: [UInt8](repeating: UInt8(i + 1), count: 32))
        }
        set = try ValidatorSet(zip(all, powers).map { ValidatorUpdate(publicKey: $0.publicKey, votingPower: $1) })
        var ordered: [KeyPair] = []
        for validator in set.validators {
            if let key = all.first(where: { $0.publicKey == validator.publicKey }) { ordered.append(key) }
        }
        keys = ordered
    }

    var count: Int { keys.count }

    func address(_ index: Int) -> AddressPayload { AddressPayload(publicKey: keys[index].publicKey) }

    /// The validator set of `height` at round 0: the first set, moved on once per height.
    func validators(height: UInt64) -> ValidatorSet {
        height <= 1 ? set : set.incrementedProposerPriority(times: UInt32(clamping: height - 1))
    }

    func proposer(height: UInt64 = 1, round: UInt32) -> Int {
        validators(height: height).proposerIndex(forRound: round)
    }

    /// The first validator that does not propose in any of `rounds` at `height`.
    func nonProposer(height: UInt64 = 1, rounds: ClosedRange<UInt32> = 0...0) -> Int {
        let proposers = Set(rounds.map { proposer(height: height, round: $0) })
        return (0..<count).first { !proposers.contains($0) } ?? 0
    }

    func vote(_ type: VoteType, from index: Int, height: UInt64 = 1, round: UInt32, block: Hash256?) throws -> Vote {
        try Vote.signed(by: keys[index], chainID: Self.chainID, type: type, height: height, round: round,
                        blockID: block, validatorIndex: UInt32(index), timestamp: 0)
    }

    func proposal(height: UInt64 = 1, round: UInt32, block: Hash256, polRound: Int = -1,
                  by index: Int? = nil) throws -> Proposal {
        let proposer = index ?? self.proposer(height: height, round: round)
        return try Proposal.signed(by: keys[proposer], chainID: Self.chainID, height: height, round: round,
                                   blockID: block, polRound: polRound, proposerIndex: UInt32(proposer), timestamp: 0)
    }

    func signer(_ index: Int) -> KeyPairSigner { KeyPairSigner(key: keys[index], chainID: Self.chainID) }

    /// A started machine for validator `index` (nil: a follower) at height 1.
    func machine(_ index: Int?, isValid: @escaping (Hash256) -> Bool = { _ in true }) -> (ConsensusMachine, [ConsensusAction]) {
        var machine = ConsensusMachine(config: ConsensusConfig(chainID: Self.chainID),
                                       address: index.map { address($0) },
                                       signer: index.map { signer($0) }, isValid: isValid)
        let actions = machine.handle(.startHeight(1, validators: validators(height: 1)))
        return (machine, actions)
    }
}

/// A block id for a short name.
func block(_ name: String) -> Hash256 { Hash256.sha256(Array(name.utf8)) }

extension [ConsensusAction] {
    /// The votes broadcast, as (type, choice).
    var votes: [Vote] {
        compactMap { if case .broadcastVote(let v) = $0 { return v } else { return nil } }
    }
    var proposals: [Proposal] {
        compactMap { if case .broadcastProposal(let p) = $0 { return p } else { return nil } }
    }
    var timeouts: [(Timeout, UInt64)] {
        compactMap { if case .scheduleTimeout(let t, let ms) = $0 { return (t, ms) } else { return nil } }
    }
    var commits: [CommitCertificate] {
        compactMap { if case .commit(let c) = $0 { return c } else { return nil } }
    }
    var ignoredReasons: [ConsensusInputError] {
        compactMap { if case .ignored(let e) = $0 { return e } else { return nil } }
    }
}

extension ConsensusMachine {
    /// Feeds several events, returning all the actions.
    mutating func feed(_ events: [ConsensusEvent]) -> [ConsensusAction] {
        events.flatMap { handle($0) }
    }
}
