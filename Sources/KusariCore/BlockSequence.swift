import Dispatch
import Synchronization

/// Applies a run of encoded blocks in order (an import, or a sync's download
/// window), checking the next block's encoding and signatures on the other
/// cores while the current block is applied, so that no core waits.
public enum BlockSequence {
    /// Decodes, verifies and applies `blocks` on top of `state`, calling `each`
    /// after every block with its index, the block and its result. Stops at the
    /// first invalid block; everything before it was applied and reported.
    public static func apply(encoded blocks: [[UInt8]], to state: StateTree, rules: LedgerRules,
                             threads: Int = SignatureBatch.defaultThreads, contracts: (any ContractExecutor)? = nil,
                             exchange: (any ExchangeExecutor)? = nil,
                             each: (Int, Block, AppliedBlock) -> Void = { _, _, _ in })
        throws(BlockSequenceError) -> StateTree {
        guard !blocks.isEmpty else { return state }
        var current = state
        // Two blocks in flight ahead of the one being applied keep every core busy.
        let lookahead = 2
        var inFlight: [PreparedBlock] = blocks.prefix(lookahead).map { PreparedBlock.start($0, threads: threads) }
        for index in blocks.indices {
            let ready = inFlight.removeFirst().wait()
            if index + lookahead < blocks.count {
                inFlight.append(PreparedBlock.start(blocks[index + lookahead], threads: threads))
            }
            let block: Block
            switch ready {
            case .failure(let error): throw error.at(index)
            case .success(let b): block = b
            }
            do {
                let applied = try BlockApplication.apply(block, to: current, rules: rules, signatures: .alreadyVerified,
                                                         contracts: contracts, exchange: exchange)
                each(index, block, applied)
                current = applied.state
            } catch {
                throw .invalid(index: index, error)
            }
        }
        return current
    }

    /// What the preparing stage found.
    public enum Stage: Error, CustomStringConvertible {
        case decoding(CanonicalDecodingError)
        case invalid(BlockError)

        public var description: String {
            switch self {
            case .decoding(let e): return e.description
            case .invalid(let e): return e.description
            }
        }

        /// The error, placed at a block's index.
        public func at(_ index: Int) -> BlockSequenceError {
            switch self {
            case .decoding(let e): return .decoding(index: index, e)
            case .invalid(let e): return .invalid(index: index, e)
            }
        }
    }

    /// One block being decoded and signature-checked in the background.
    public final class PreparedBlock: Sendable {
        private let result = Mutex<Result<Block, Stage>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        /// Starts decoding `bytes` and checking the signatures on other threads.
        public static func start(_ bytes: [UInt8], threads: Int = SignatureBatch.defaultThreads) -> PreparedBlock {
            let job = PreparedBlock()
            DispatchQueue.global().async {
                let outcome: Result<Block, Stage>
                do throws(CanonicalDecodingError) {
                    let block = try Block(decoding: bytes)
                    if let bad = SignatureBatch.firstInvalid(block.transactions, threads: threads) {
                        outcome = .failure(.invalid(.transaction(index: bad, .badSignature)))
                    } else {
                        outcome = .success(block)
                    }
                } catch {
                    outcome = .failure(.decoding(error))
                }
                job.result.withLock { $0 = outcome }
                job.done.signal()
            }
            return job
        }

        /// Waits for the block: decoded with valid signatures, or why not.
        public func wait() -> Result<Block, Stage> {
            done.wait()
            return result.withLock { $0 } ?? .failure(.decoding(.invalid(field: "block", reason: "not prepared")))
        }
    }
}

/// Why a run of blocks stopped.
public enum BlockSequenceError: Error, Equatable, CustomStringConvertible {
    case decoding(index: Int, CanonicalDecodingError)
    case invalid(index: Int, BlockError)

    /// The index of the block that failed.
    public var index: Int {
        switch self {
        case .decoding(let i, _), .invalid(let i, _): return i
        }
    }

    public var description: String {
        switch self {
        case .decoding(let i, let e): return "block \(i): \(e)"
        case .invalid(let i, let e): return "block \(i): \(e)"
        }
    }
}
