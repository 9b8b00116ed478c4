import KusariCore

/// What a consensus engine may ask about the branch a header extends.
public struct HeaderContext {
    /// The header's parent.
    public let parent: BlockHeader
    /// The header at a given height on the parent's branch (heights up to the parent's).
    public let ancestor: (UInt64) -> BlockHeader?
    /// The wall clock in Unix seconds, for the limit on timestamps in the future
    /// (the only place the protocol reads a clock).
    public let now: UInt64

    public init(parent: BlockHeader, now: UInt64, ancestor: @escaping (UInt64) -> BlockHeader?) {
        self.parent = parent
        self.ancestor = ancestor
        self.now = now
    }

    /// The timestamps of the parent and up to `count - 1` of its ancestors, oldest first.
    func recentTimestamps(_ count: Int) -> [UInt64] {
        var out = [parent.timestamp]
        var height = parent.height
        while out.count < count && height > 0 {
            height -= 1
            guard let h = ancestor(height) else { break }
            out.append(h.timestamp)
        }
        return out.reversed()
    }
}

/// The seam between the chain and its consensus rules: who may extend the chain
/// (header validation), which branch is canonical (fork choice by weight), and
/// how a producer finishes a block (sealing). Storage and network code speak only
/// to this protocol, so a BFT engine can replace proof of work later.
public protocol ConsensusEngine: Sendable {
    /// The consensus fields a child of `context.parent` must carry.
    func nextBits(context: HeaderContext) throws(ConsensusError) -> UInt32

    /// The earliest timestamp a child of `context.parent` may carry.
    func minimumTimestamp(context: HeaderContext) -> UInt64

    /// Checks what can be checked of a header alone (for example its proof of
    /// work), before its parent is known: cheap protection against junk.
    func checkStandalone(_ header: BlockHeader) throws(ConsensusError)

    /// Checks a header against its parent and ancestors.
    func validate(_ header: BlockHeader, context: HeaderContext) throws(ConsensusError)

    /// The weight a valid header adds to its branch.
    func weight(of header: BlockHeader) -> UInt256

    /// True when a branch of total weight `candidate` should replace the current
    /// best branch of weight `current` (ties keep the current branch).
    func prefers(_ candidate: UInt256, over current: UInt256) -> Bool

    /// Finishes a proposed header so that it is valid (for proof of work, finds a
    /// nonce), or returns nil when `shouldStop` says to give up.
    func seal(_ header: BlockHeader, shouldStop: () -> Bool) -> BlockHeader?

    /// True when every connected block is final, never to be reverted (BFT); false when
    /// a heavier branch may replace it (proof of work).
    var finalizes: Bool { get }

    /// Checks what the block's body carries for consensus beyond its header: on a BFT
    /// chain the last commit (present unless the parent is the genesis, matching the
    /// header's hash, certifying the parent) and the evidence of double signing. Proof of
    /// work: nothing may be there.
    func checkConsensusData(of block: Block, parent: BlockHeader) throws(ConsensusError)

    /// Checks that `commit` certifies `header` (BFT). Proof of work has no commits.
    func checkCommit(_ commit: BlockCommit, of header: BlockHeader) throws(ConsensusError)
}

extension ConsensusEngine {
    public var finalizes: Bool { false }

    public func checkConsensusData(of block: Block, parent: BlockHeader) throws(ConsensusError) {
        guard block.lastCommit == nil, block.evidence.isEmpty, block.header.bft == nil else {
            throw .unsupportedVersion(block.header.version)
        }
    }

    public func checkCommit(_ commit: BlockCommit, of header: BlockHeader) throws(ConsensusError) {
        throw .badCommit("this chain's engine has no commits")
    }
}

/// Why a header breaks the consensus rules.
public enum ConsensusError: Error, Equatable, CustomStringConvertible {
    case wrongHeight(expected: UInt64, found: UInt64)
    case wrongParent
    case unsupportedVersion(UInt32)
    case wrongBits(expected: UInt32, found: UInt32)
    case badBits(CompactTargetError)
    case proofOfWork(ProofOfWorkError)
    case time(BlockTimeError)
    case timestampOutOfRange(UInt64)
    case missingAncestor(height: UInt64)
    /// A BFT header's timestamp is before its parent's.
    case timestampBeforeParent(UInt64, parent: UInt64)
    /// A BFT header names another validator set (`field` is the header field).
    case wrongValidatorSet(field: String)
    /// A BFT block's proposer is not a validator.
    case proposerNotValidator(AddressPayload)
    /// A BFT block's last commit is missing, extra, or not the one its header hashes.
    case lastCommit(String)
    /// A commit certificate does not certify its block (the reason says why).
    case badCommit(String)
    /// A BFT block's evidence of double signing does not hold.
    case evidence(String)

    public var description: String {
        switch self {
        case .wrongHeight(let e, let f): return "header.height: expected \(e), found \(f)"
        case .wrongParent: return "header.previousId: does not name the parent"
        case .unsupportedVersion(let v): return "header.version: \(v) is not supported"
        case .wrongBits(let e, let f):
            return "header.bits: expected \(CompactTarget.format(e)), found \(CompactTarget.format(f))"
        case .badBits(let e): return "header.bits: \(e)"
        case .proofOfWork(let e):
            // Bits that are no target, or an easier one than the network allows, are the bits' fault; a hash above the target, the nonce's.
            switch e {
            case .invalidBits, .targetAboveLimit: return "header.bits: \(e)"
            default: return "header.nonce: \(e)"
            }
        case .time(let e): return "header.timestamp: \(e)"
        case .timestampOutOfRange(let t): return "header.timestamp: \(t) is out of range"
        case .missingAncestor(let h): return "header: ancestor at height \(h) is unknown"
        case .timestampBeforeParent(let t, let p): return "header.timestamp: \(t) is before the parent's \(p)"
        case .wrongValidatorSet(let field): return "header.\(field): does not name the chain's validator set"
        case .proposerNotValidator(let a): return "header.proposer: \(a.hex) is not a validator"
        case .lastCommit(let why): return "lastCommit: \(why)"
        case .badCommit(let why): return why
        case .evidence(let why): return "evidence\(why.hasPrefix("[") ? "" : ": ")\(why)"
        }
    }
}
