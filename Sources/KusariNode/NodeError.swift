import KusariChain
import KusariCore
import KusariMempool

/// Why the node refused a request. The API maps each case to an HTTP status
/// and a stable `code`.
public enum NodeError: Error, Equatable, CustomStringConvertible {
    /// The request itself is malformed (400).
    case badRequest(field: String, reason: String)
    /// The transaction's bytes are not a canonical transaction (400).
    case invalidEncoding(CanonicalDecodingError)
    /// The mempool refused the transaction (422; 429 for a full pool).
    case rejected(MempoolError)
    /// The pool holds more than clients may add to now (`Backlog`): 429, code `mempool_full`.
    case backlogged(pending: Int, seconds: Int)
    /// Nothing has that id, height or address (404).
    case notFound(String)
    /// The node cannot reach its storage (503).
    case unavailable(String)
    /// A block was refused; `peerFault` when it breaks a rule (rather than
    /// being early, known, or hitting a storage error).
    case rejectedBlock(reason: String, peerFault: Bool)
    /// The exchange would refuse the transaction on the tip's state (422, `exchange_refused`):
    /// an unknown market, an off-tick price, too little of an asset.
    case exchangeRefused(String)

    public var code: String {
        switch self {
        case .badRequest: return "bad_request"
        case .invalidEncoding: return "invalid_encoding"
        case .rejected(let e): return e.code
        case .backlogged: return MempoolError.mempoolFull.code
        case .notFound: return "not_found"
        case .unavailable: return "unavailable"
        case .rejectedBlock: return "rejected_block"
        case .exchangeRefused: return "exchange_refused"
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let f, let r): return "\(f): \(r)"
        case .invalidEncoding(let e): return "tx.\(e)"
        case .rejected(let e): return e.description
        case .backlogged(let pending, let seconds):
            return "tx: the mempool holds \(pending) transactions, about \(seconds) s of what blocks take now; retry after the next block"
        case .notFound(let what): return "\(what) not found"
        case .unavailable(let why): return why
        case .rejectedBlock(let reason, _): return "block: \(reason)"
        case .exchangeRefused(let reason): return "tx.\(reason)"
        }
    }

    static func from(_ e: ChainError) -> NodeError { .unavailable(e.description) }
}
