import KusariCore

/// What a light client holds of one height: the header, the commit certificate that made
/// it final, and the validator set that signed it (docs/protocol.md, section 17.9).
public struct LightBlock: Hashable, Sendable {
    public var header: BlockHeader
    public var commit: BlockCommit
    public var validators: ValidatorSet

    public init(header: BlockHeader, commit: BlockCommit, validators: ValidatorSet) {
        self.header = header
        self.commit = commit
        self.validators = validators
    }

    public var height: UInt64 { header.height }
}

/// Why a light block was refused.
public enum LightClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The trusted height's block is not the one the user trusts.
    case trustedBlockMismatch(height: UInt64, expected: Hash256, found: Hash256)
    /// A proof-of-work header: nothing for a light client of BFT to check.
    case notBFT(height: UInt64)
    /// The validator set offered for a height is not the one its header names.
    case forgedValidatorSet(height: UInt64)
    /// An adjacent header whose set is not the one the previous header announced.
    case unannouncedValidatorSet(height: UInt64)
    /// An adjacent header that does not name the previous block as its parent.
    case brokenLink(height: UInt64)
    /// The commit does not certify the header with its own validator set.
    case commit(height: UInt64, CommitError)
    /// Too little of the trusted set signed the commit to skip to it.
    case notEnoughTrust(height: UInt64, signed: UInt64, needed: UInt64)
    /// The target is at or below the trusted height.
    case notAhead(target: UInt64, trusted: UInt64)

    public var description: String {
        switch self {
        case .trustedBlockMismatch(let h, let e, let f):
            return "height \(h): the node's block is \(f.hex), not the trusted \(e.hex)"
        case .notBFT(let h): return "height \(h): not a BFT header (version 2)"
        case .forgedValidatorSet(let h): return "height \(h): the validator set does not hash to the header's validatorsHash"
        case .unannouncedValidatorSet(let h):
            return "height \(h): the header's validatorsHash is not the nextValidatorsHash of height \(h - 1)"
        case .brokenLink(let h): return "height \(h): previousId does not name the block at height \(h - 1)"
        case .commit(let h, let e): return "height \(h): \(e)"
        case .notEnoughTrust(let h, let s, let n):
            return "height \(h): the trusted validators signed \(s) of their power, more than \(n - 1) needed to skip"
        case .notAhead(let t, let tr): return "target height \(t) is not above the trusted height \(tr)"
        }
    }
}

/// The light-client rules of Tendermint (CometBFT's `light` package, without the trusting
/// period): an adjacent height is accepted when it links to the trusted one and more than
/// two thirds of its announced set signed it; a later height is accepted by skipping when
/// more than a third of the trusted set's power and more than two thirds of its own set
/// signed its commit (so at least one honest trusted validator vouches for it), and by
/// bisection when not. Pure: the caller fetches light blocks.
public enum LightVerifier {
    /// Checks a light block on its own: a BFT header, the set it names, and a commit that
    /// certifies it with more than two thirds of that set.
    public static func checkSelf(_ block: LightBlock, chainID: UInt32) throws(LightClientError) {
        guard let fields = block.header.bft else { throw .notBFT(height: block.height) }
        guard block.validators.hash == fields.validatorsHash else { throw .forgedValidatorSet(height: block.height) }
        do {
            try block.validators.verifyCommit(block.commit, chainID: chainID, height: block.height, blockId: block.header.id)
        } catch { throw .commit(height: block.height, error) }
    }

    /// Accepts `next` (height `trusted + 1`) from `trusted`.
    public static func verifyAdjacent(trusted: LightBlock, next: LightBlock, chainID: UInt32) throws(LightClientError) {
        try checkSelf(next, chainID: chainID)
        guard next.header.previousId == trusted.header.id else { throw .brokenLink(height: next.height) }
        guard next.header.bft?.validatorsHash == trusted.header.bft?.nextValidatorsHash else {
            throw .unannouncedValidatorSet(height: next.height)
        }
    }

    /// Accepts `target` (any later height) from `trusted` by skipping: more than a third of
    /// the trusted set's power signed `target`'s commit, and it certifies `target` with more
    /// than two thirds of `target`'s own set.
    public static func verifySkipping(trusted: LightBlock, target: LightBlock, chainID: UInt32) throws(LightClientError) {
        try checkSelf(target, chainID: chainID)
        let needed = trusted.validators.oneThirdPlusOne
        let signed = trustedPower(of: target.commit, trusted: trusted.validators, chainID: chainID)
        guard signed >= needed else { throw .notEnoughTrust(height: target.height, signed: signed, needed: needed) }
    }

    /// The power of the trusted validators whose valid precommits `commit` carries (matched
    /// by key, since indexes differ between sets).
    static func trustedPower(of commit: BlockCommit, trusted: ValidatorSet, chainID: UInt32) -> UInt64 {
        // The same set: indexes match, so each signature is checked once.
        if let same = try? trusted.signedPower(commit, chainID: chainID) { return same }
        var power: UInt64 = 0
        var counted = Set<PublicKey>()
        let keys = trusted.validators
        for precommit in commit.precommits {
            let bytes = Vote.signBytes(chainID: chainID, type: .precommit, height: commit.height, round: commit.round,
                                       choice: .block(commit.blockId), timestamp: precommit.timestamp)
            for validator in keys where !counted.contains(validator.publicKey) {
                if validator.publicKey.isValidSignature(precommit.signature, for: bytes) {
                    counted.insert(validator.publicKey)
                    power += validator.votingPower
                    break
                }
            }
        }
        return power
    }

    /// How a target was reached: the heights verified, in order.
    public struct Trace: Hashable, Sendable {
        public var verified: [UInt64]
        public var skipped: Bool
        public init(verified: [UInt64], skipped: Bool) {
            self.verified = verified
            self.skipped = skipped
        }
    }

    /// Verifies `targetHeight` from `trusted`: skipping first, bisecting where the trusted
    /// set's part in a commit is too small (`fetch` gives the light block of a height).
    /// Returns the verified target and the heights verified on the way.
    public static func verify(trusted: LightBlock, targetHeight: UInt64, chainID: UInt32,
                              fetch: (UInt64) async throws -> LightBlock) async throws -> (LightBlock, Trace) {
        guard targetHeight > trusted.height else { throw LightClientError.notAhead(target: targetHeight, trusted: trusted.height) }
        var anchor = trusted
        var trace = Trace(verified: [], skipped: false)
        var pivots: [UInt64] = [targetHeight]
        var cache: [UInt64: LightBlock] = [:]
        func block(_ h: UInt64) async throws -> LightBlock {
            if let b = cache[h] { return b }
            let b = try await fetch(h)
            cache[h] = b
            return b
        }
        while let goal = pivots.last {
            let candidate = try await block(goal)
            do {
                if goal == anchor.height + 1 {
                    try verifyAdjacent(trusted: anchor, next: candidate, chainID: chainID)
                } else {
                    try verifySkipping(trusted: anchor, target: candidate, chainID: chainID)
                    trace.skipped = true
                }
            } catch LightClientError.notEnoughTrust {
                // Bisect: reach the middle first, then try again from there.
                pivots.append(anchor.height + (goal - anchor.height) / 2)
                continue
            }
            anchor = candidate
            trace.verified.append(goal)
            pivots.removeLast()
        }
        return (anchor, trace)
    }
}
