import KusariCore

/// Why the mempool refused a transaction. Each case has a stable `code` for the
/// API's `{"error": {"code", "message"}}` body.
public enum MempoolError: Error, Equatable, CustomStringConvertible {
    case wrongChain(expected: UInt32, found: UInt32)
    case badSignature
    case alreadyKnown
    case nonceTooLow(accountNonce: UInt64, found: UInt64)
    case nonceTooFarAhead(accountNonce: UInt64, found: UInt64, maximumAhead: UInt64)
    case feeTooLow(minimum: UInt64, found: UInt64)
    case replacementUnderpriced(minimumFee: UInt64, found: UInt64)
    case insufficientBalance(balance: UInt64, needed: UInt64)
    case mempoolFull

    /// A short machine-readable code.
    public var code: String {
        switch self {
        case .wrongChain: return "wrong_chain"
        case .badSignature: return "bad_signature"
        case .alreadyKnown: return "already_known"
        case .nonceTooLow: return "nonce_too_low"
        case .nonceTooFarAhead: return "nonce_too_far_ahead"
        case .feeTooLow: return "fee_too_low"
        case .replacementUnderpriced: return "replacement_underpriced"
        case .insufficientBalance: return "insufficient_balance"
        case .mempoolFull: return "mempool_full"
        }
    }

    public var description: String {
        switch self {
        case .wrongChain(let e, let f): return "chainId: transaction is for chain \(f), this node's chain is \(e)"
        case .badSignature: return "signature: not a valid signature of this transaction by publicKey"
        case .alreadyKnown: return "tx: already in the mempool"
        case .nonceTooLow(let a, let f): return "nonce: \(f) is already used (the account's next nonce is \(a))"
        case .nonceTooFarAhead(let a, let f, let m):
            return "nonce: \(f) is too far ahead of the account's next nonce \(a) (at most \(m) ahead)"
        case .feeTooLow(let m, let f): return "fee: \(f) is below the minimum of \(m) for this size"
        case .replacementUnderpriced(let m, let f):
            return "fee: replacing a pending transaction needs a fee of at least \(m) (10% more), got \(f)"
        case .insufficientBalance(let b, let n):
            return "amount: balance \(Amount.format(b)) KSR does not cover \(Amount.format(n)) KSR, the amount and fee of this and the sender's pending transactions"
        case .mempoolFull: return "fee: the mempool is full and this transaction pays no more than what it holds; retry after the next block or pay a higher fee"
        }
    }
}
