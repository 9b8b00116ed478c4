import KusariBFT
import KusariChain
import KusariCore

/// A validator as `GET /v1/validators` shows it: its place in the set, its key, power
/// and proposer priority at the height asked for, and how many of the recent commits
/// carry its precommit.
public struct ValidatorStanding: Sendable, Equatable {
    /// Its index in the set (votes name it by this).
    public var index: Int
    /// Its address payload.
    public var address: AddressPayload
    /// The key its votes verify with.
    public var publicKey: PublicKey
    /// Its voting power.
    public var power: UInt64
    /// Its proposer priority at the height (CometBFT's `ProposerPriority`).
    public var proposerPriority: Int64
    /// Commits in the window that carry its precommit.
    public var signed: Int
    /// Commits in the window that lack it.
    public var missed: Int
}

/// The validator set that votes at one height, with each validator's recent signing.
public struct ValidatorSetView: Sendable, Equatable {
    /// The height the set votes at.
    public var height: UInt64
    /// `ValidatorSet.hash`: the `validatorsHash` of that height's header.
    public var hash: Hash256
    /// The sum of the powers.
    public var totalPower: UInt64
    /// The least power that is more than two thirds of `totalPower`.
    public var twoThirdsPlusOne: UInt64
    /// The proposer of the height's round 0.
    public var proposer: AddressPayload
    /// The validators, by index.
    public var validators: [ValidatorStanding]
    /// The heights whose stored commits `signed` and `missed` count (empty below height 2).
    public var window: ClosedRange<UInt64>?
}

/// A block's commit certificate with the power behind it.
public struct CommitView: Sendable, Equatable {
    /// A validator of the set, as a commit names it.
    public struct Member: Sendable, Equatable {
        /// Its index in the set.
        public var index: Int
        /// Its address payload.
        public var address: AddressPayload
        /// Its voting power.
        public var power: UInt64
    }

    /// The commit, as stored with the block.
    public var commit: BlockCommit
    /// Each precommit's validator, in the commit's order.
    public var signers: [Member]
    /// The power of the precommits.
    public var signedPower: UInt64
    /// The set's total power.
    public var totalPower: UInt64
    /// The least power that commits.
    public var twoThirdsPlusOne: UInt64
    /// The validators whose precommit the commit lacks, by index.
    public var absent: [Member]
}

/// Evidence a committed block included, with the including height.
public struct IncludedEvidence: Sendable, Equatable {
    /// The height of the block that included it.
    public var includedAt: UInt64
    /// The evidence.
    public var evidence: DoubleSignEvidence
    /// The double signer's address payload (nil if the index names nobody: never in a valid block).
    public var validator: AddressPayload?
}

/// Reads of the BFT side of the chain for the API and the explorer: validator sets with
/// their priorities, commit certificates with their power, included evidence. Each is
/// bounded work on the actor (at most `signingWindow` stored commits read per request,
/// and each only once: committed blocks are final); the proposer priorities are moved on
/// off the actor, from the node's `BFTViewCache`.
extension Node {
    /// How many committed blocks `signed` and `missed` count.
    public nonisolated static let signingWindow: UInt64 = 100

    /// The chain's BFT engine, nil on a proof-of-work chain.
    public nonisolated var bftEngine: BFTEngine? { bftCache.engine(genesis: config.genesis) }

    /// The address payloads of the validators by index (empty on a proof-of-work chain),
    /// to name the validators of commits and evidence.
    public nonisolated var validatorAddresses: [AddressPayload] { bftEngine?.validators.validators.map(\.address) ?? [] }

    /// The validator set that votes at `height` (default: the next height, one above the
    /// tip), 1 ... tip + 1, each validator with its proposer priority there and its
    /// precommits in the stored commits of the `signingWindow` blocks below `height`.
    /// Nil on a proof-of-work chain.
    public nonisolated func validatorSet(atHeight height: UInt64?) async throws(NodeError) -> ValidatorSetView? {
        guard let engine = bftEngine else { return nil }
        let next = await chainHeight() + 1
        let h = height ?? next
        guard h >= 1 else { throw .badRequest(field: "height", reason: "the genesis (height 0) is not voted on; heights start at 1") }
        guard h <= next else { throw .notFound("validator set at height \(h) (the next height to vote on is \(next))") }
        let set = bftCache.validatorSet(engine: engine, atHeight: h)
        let window: ClosedRange<UInt64>? = h >= 2 ? max(1, h > Self.signingWindow ? h - Self.signingWindow : 1)...(h - 1) : nil
        var signed = [Int](repeating: 0, count: set.count)
        var counted = 0
        if let window {
            for signers in try await commitSigners(window) {
                counted += 1
                for index in signers where Int(index) < signed.count { signed[Int(index)] += 1 }
            }
        }
        let standings = set.validators.enumerated().map { i, v in
            ValidatorStanding(index: i, address: v.address, publicKey: v.publicKey, power: v.votingPower,
                              proposerPriority: v.proposerPriority, signed: signed[i], missed: counted - signed[i])
        }
        return ValidatorSetView(height: h, hash: set.hash, totalPower: set.totalPower, twoThirdsPlusOne: set.twoThirdsPlusOne,
                                proposer: set.proposer.address, validators: standings, window: window)
    }

    /// The tip's height.
    func chainHeight() -> UInt64 { chain.height }

    /// The validator indexes of the stored commit of each best-chain block at `heights`,
    /// from the cache, reading (on the actor) only the commits it lacks.
    nonisolated func commitSigners(_ heights: ClosedRange<UInt64>) async throws(NodeError) -> [[UInt32]] {
        let (known, missing) = bftCache.signers(heights)
        guard !missing.isEmpty else { return known }
        let read = try await readCommitSigners(missing)
        bftCache.remember(read)
        return bftCache.signers(heights).known
    }

    /// The validator indexes of the stored commits at `heights` (heights without a block or a commit are left out).
    func readCommitSigners(_ heights: [UInt64]) throws(NodeError) -> [(UInt64, [UInt32])] {
        var out: [(UInt64, [UInt32])] = []
        for h in heights {
            guard let id = chain.id(atHeight: h) else { continue }
            let commit: BlockCommit?
            do { commit = try chain.commit(for: id) } catch { throw .from(error) }
            if let commit { out.append((h, commit.precommits.map(\.validatorIndex))) }
        }
        return out
    }

    /// What `commitCertificate` found.
    public enum CommitLookup: Sendable {
        /// The chain runs proof of work: no block has a commit.
        case proofOfWork
        /// The block is the genesis, which nothing votes on.
        case genesis(BlockInfo)
        /// The block and its commit.
        case found(BlockInfo, CommitView)
    }

    /// The commit certificate stored with a block (the one that made it final), with the
    /// power of each precommit; `notFound` for an unknown block.
    public func commitCertificate(_ ref: BlockRef) throws(NodeError) -> CommitLookup {
        guard let engine = bftEngine else { return .proofOfWork }
        let info = try block(ref)
        guard info.block.header.height > 0 else { return .genesis(info) }
        let stored: BlockCommit?
        do { stored = try chain.commit(for: info.id) } catch { throw .from(error) }
        guard let stored else { throw .notFound("commit of block \(info.id) at height \(info.block.header.height)") }
        return .found(info, Self.commitView(stored, set: engine.validators))
    }

    /// `commit` with each precommit's validator and power, from `set` (an index outside it: power 0).
    public nonisolated static func commitView(_ commit: BlockCommit, set: ValidatorSet) -> CommitView {
        var signers: [CommitView.Member] = []
        var power: UInt64 = 0
        var present = Set<Int>()
        for p in commit.precommits {
            let i = Int(p.validatorIndex), v = set.validator(at: i)
            signers.append(.init(index: i, address: v?.address ?? .zero, power: v?.votingPower ?? 0))
            power &+= v?.votingPower ?? 0
            present.insert(i)
        }
        let absent = set.validators.enumerated().filter { !present.contains($0.offset) }.map {
            CommitView.Member(index: $0.offset, address: $0.element.address, power: $0.element.votingPower)
        }
        return CommitView(commit: commit, signers: signers, signedPower: power, totalPower: set.totalPower,
                          twoThirdsPlusOne: set.twoThirdsPlusOne, absent: absent)
    }

    /// Evidence included by committed blocks, newest first, at most `limit`. Nil on a proof-of-work chain.
    public func includedEvidence(limit: Int) throws(NodeError) -> [IncludedEvidence]? {
        guard let engine = bftEngine else { return nil }
        let rows: [(height: UInt64, evidence: DoubleSignEvidence)]
        do { rows = try chain.includedEvidence(limit: limit) } catch { throw .from(error) }
        return rows.map {
            IncludedEvidence(includedAt: $0.height, evidence: $0.evidence,
                             validator: engine.validators.validator(at: Int($0.evidence.validatorIndex))?.address)
        }
    }
}
