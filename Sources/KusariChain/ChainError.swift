import KusariConsensus
import KusariCore
import KusariStorage

/// Why the chain refused a block or an operation.
public enum ChainError: Error, Equatable, CustomStringConvertible {
    case storage(StorageError)
    case genesis(GenesisError)
    /// The data directory holds another chain.
    case otherChain(directory: String, stored: String, given: String)
    /// The stored chain is not what this node wrote (use `kusari verify`).
    case corrupt(String)
    case unknownParent(block: Hash256, parent: Hash256)
    case duplicate(Hash256)
    case knownInvalid(Hash256)
    case invalidHeader(height: UInt64, ConsensusError)
    case invalidBlock(height: UInt64, BlockError)
    case decoding(CanonicalDecodingError)
    case production(String)
    /// (BFT) A block at a height the committed chain already holds another block at.
    case conflictsWithCommitted(height: UInt64, committed: Hash256, block: Hash256)
    /// (BFT) A commit certificate that does not certify its block.
    case invalidCommit(height: UInt64, ConsensusError)

    public var description: String {
        switch self {
        case .storage(let e): return e.description
        case .genesis(let e): return "genesis: \(e)"
        case .otherChain(let d, let s, let g):
            return "data directory \(d) holds another chain (\(s)); refusing to use it for \(g)"
        case .corrupt(let why): return "stored chain is inconsistent: \(why) (run `kusari verify`)"
        case .unknownParent(let b, let p): return "block \(b): parent \(p) is unknown"
        case .duplicate(let b): return "block \(b) is already known"
        case .knownInvalid(let b): return "block \(b) is known to be invalid"
        case .invalidHeader(let h, let e): return "height \(h): \(e)"
        case .invalidBlock(let h, let e): return "height \(h): \(e)"
        case .decoding(let e): return "block: \(e)"
        case .production(let why): return "cannot produce a block: \(why)"
        case .conflictsWithCommitted(let h, let c, let b):
            return "block \(b) conflicts with the committed block \(c) at height \(h) (committed blocks are final)"
        case .invalidCommit(let h, let e): return "height \(h): \(e)"
        }
    }
}
