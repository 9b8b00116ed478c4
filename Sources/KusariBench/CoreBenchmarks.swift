import Crypto
import Dispatch
import Foundation
import KusariCore

/// `kusari bench core`: the data layer's figures beside the machine's limits.
public enum CoreBenchmarks {
    /// How much work a run does; `quick` is for tests and smoke runs.
    public struct Scale: Sendable {
        public var seconds: Double
        public var accounts: Int
        public var blocks: Int
        public var transactionsPerBlock: Int
        public var stateAccounts: Int
        public var stateBatches: Int
        public var stateBatchSize: Int

        /// The figures: blocks of 1,000 transfers, 1,000,000 accounts in state.
        public static let full = Scale(seconds: 3, accounts: 10_000, blocks: 20, transactionsPerBlock: 1_000,
                                       stateAccounts: 1_000_000, stateBatches: 200, stateBatchSize: 1_000)
        public static let quick = Scale(seconds: 0.2, accounts: 200, blocks: 2, transactionsPerBlock: 100,
                                        stateAccounts: 5_000, stateBatches: 5, stateBatchSize: 100)
    }

    /// Runs every core benchmark on `threads` threads.
    public static func run(scale: Scale = .full, threads: Int = SignatureBatch.defaultThreads,
                           log: (String) -> Void = { _ in }) -> [BenchMeasurement] {
        log("measuring raw Ed25519 verification on \(threads) threads")
        let limitBefore = ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2)
        log("preparing \(scale.blocks) blocks of \(scale.transactionsPerBlock) transfers")
        let chain = TransferChain(scale: scale)
        log("decoding, verifying and applying them")
        let (applyRate, sequentialRate) = chain.measure(threads: threads)
        // The limit is taken before and after, and the higher kept, so a noisy
        // moment cannot flatter the ratio.
        let verifyLimit = max(limitBefore, ed25519VerifyRate(threads: threads, seconds: scale.seconds / 2))
        var out = [BenchMeasurement(name: "ed25519-verify", value: verifyLimit, unit: "verifications/s",
                                    note: "raw swift-crypto, \(threads) threads")]
        out.append(BenchMeasurement(name: "tx-verify-apply", value: applyRate, unit: "tx/s", limitName: "ed25519-verify",
                               limit: verifyLimit, note: "blocks of \(scale.transactionsPerBlock)", goal: .ratio(0.8)))
        out.append(BenchMeasurement(name: "tx-signature-check", value: chain.measureSignatures(threads: threads),
                                    unit: "tx/s", limitName: "ed25519-verify", limit: verifyLimit,
                                    note: "Transaction.hasValidSignature on all threads"))
        out.append(BenchMeasurement(name: "tx-decode-apply", value: sequentialRate, unit: "tx/s",
                               note: "one thread, signatures not checked"))
        log("building a state of \(scale.stateAccounts) accounts")
        out += stateRootUpdate(scale: scale, log: log)
        return out
    }

    /// Raw Ed25519 verifications per second with swift-crypto, all threads busy.
    public static func ed25519VerifyRate(threads: Int, seconds: Double) -> Double {
        let n = 64
        let keys = (0..<n).map { _ in Curve25519.Signing.PrivateKey() }
        let messages = (0..<n).map { [UInt8](repeating: UInt8($0), count: 150) }
        let publicKeys = keys.map(\.publicKey)
        let signatures = zip(keys, messages).compactMap { try? $0.signature(for: $1) }
        guard signatures.count == n else { return 0 }
        return measureRate(threads: threads, seconds: seconds) { _ in
            var valid = 0
            for i in 0..<n where publicKeys[i].isValidSignature(signatures[i], for: messages[i]) { valid += 1 }
            return valid
        }
    }

    /// Raw SHA-256 of 65-byte inputs (one tree node) per second on `threads` threads.
    public static func sha256NodeRate(threads: Int, seconds: Double) -> Double {
        measureRate(threads: threads, seconds: seconds) { _ in
            var h = Hash256.zero
            for _ in 0..<1_000 { h = Hash256.node(tag: 1, h, h) }
            return h == .zero ? 0 : 1_000
        }
    }

    static func stateRootUpdate(scale: Scale, log: (String) -> Void) -> [BenchMeasurement] {
        var rng = SplitMix64(seed: 42)
        let keys = (0..<scale.stateAccounts).map { _ in rng.payload() }
        let tree = StateTree(accounts: keys.map { ($0, Account(balance: rng.next() % Amount.maxSupply, nonce: 1)) })
        let batches: [[(AddressPayload, Account)]] = (0..<scale.stateBatches).map { _ in
            (0..<scale.stateBatchSize).map { _ in
                (keys[Int(rng.next() % UInt64(keys.count))], Account(balance: rng.next() % Amount.maxSupply, nonce: 2))
            }
        }
        log("folding \(scale.stateBatches) batches of \(scale.stateBatchSize) updates into the root")
        var current = tree
        var seconds = 0.0
        var nodes = 0
        for batch in batches {
            let clock = Stopwatch()
            let next = current.updating(batch)
            _ = next.root
            seconds += clock.seconds
            nodes += next.nodesAdded(since: current)
            current = next
        }
        let updates = Double(scale.stateBatches * scale.stateBatchSize)
        let treeThreads = 1
        let hashLimit = sha256NodeRate(threads: treeThreads, seconds: scale.seconds / 2)
        return [
            BenchMeasurement(name: "state-root-update", value: updates / seconds, unit: "updates/s",
                        note: "\(scale.stateAccounts) accounts, batches of \(scale.stateBatchSize)", goal: .value(100_000)),
            BenchMeasurement(name: "state-tree-hash", value: Double(nodes) / seconds, unit: "node hashes/s",
                        limitName: "sha256-65B", limit: hashLimit,
                        note: String(format: "%.1f hashes per update, one thread", Double(nodes) / updates)),
        ]
    }
}

/// A chain of signed transfer blocks over a funded state, for measuring.
struct TransferChain {
    let rules: LedgerRules
    let genesis: StateTree
    let encodedBlocks: [[UInt8]]
    let transactionCount: Int

    init(scale: CoreBenchmarks.Scale) {
        let keys = parallelMap(0..<scale.accounts) { _ in KeyPair() }
        let payloads = keys.map { AddressPayload(publicKey: $0.publicKey) }
        let funded = payloads.map { ($0, Account(balance: 1_000 * Amount.unitsPerKSR)) }
        rules = LedgerRules(chainId: 3, genesisAllocated: UInt64(funded.count) * 1_000 * Amount.unitsPerKSR)
        genesis = StateTree(accounts: funded)
        var rng = SplitMix64(seed: 7)
        var nonces = [UInt64](repeating: 0, count: scale.accounts)
        var specs: [(sender: Int, nonce: UInt64, to: Int)] = []
        for b in 0..<scale.blocks {
            for j in 0..<scale.transactionsPerBlock {
                let sender = (b * scale.transactionsPerBlock + j) % scale.accounts
                specs.append((sender, nonces[sender], Int(rng.next() % UInt64(scale.accounts))))
                nonces[sender] += 1
            }
        }
        let rules = rules
        let specList = specs
        let txs: [Transaction] = parallelMap(0..<specs.count) { i in
            let s = specList[i]
            // Values within the caps: signing cannot fail.
            return (try? Transaction(chainId: rules.chainId, key: keys[s.sender], nonce: s.nonce,
                                     to: payloads[s.to], amount: 1_000 + UInt64(i % 1_000), fee: 100))
        }.compactMap { $0 }
        var state = genesis
        var previous = Hash256.zero
        var blocks: [[UInt8]] = []
        for b in 0..<scale.blocks {
            let body = Array(txs[(b * scale.transactionsPerBlock)..<((b + 1) * scale.transactionsPerBlock)])
            let height = UInt64(b + 1)
            guard let applied = try? BlockApplication.execute(body, on: state, height: height, time: 1_764_000_000 + height,
                                                             beneficiary: payloads[0],
                                                             rules: rules, signatures: .alreadyVerified) else { break }
            let header = BlockHeader(height: height, previousId: previous, merkleRoot: MerkleTree.root(leaves: body.map(\.id)),
                                     stateRoot: applied.state.root, timestamp: 1_764_000_000 + height, bits: 0x207fffff,
                                     beneficiary: payloads[0], nonce: 0)
            let block = Block(header: header, transactions: body)
            blocks.append(block.encoded)
            previous = header.id
            state = applied.state
        }
        encodedBlocks = blocks
        transactionCount = blocks.count * scale.transactionsPerBlock
    }

    /// Transactions per second through decode + verify (all threads) + apply,
    /// as an import or a sync applies blocks; and through decode + apply alone.
    func measureSignatures(threads: Int) -> Double {
        let txs = encodedBlocks.compactMap { try? Block(decoding: $0) }.flatMap(\.transactions)
        let clock = Stopwatch()
        guard SignatureBatch.firstInvalid(txs, threads: threads) == nil else { return 0 }
        return Double(txs.count) / clock.seconds
    }

    func measure(threads: Int) -> (full: Double, sequential: Double) {
        let full: Double = {
            let clock = Stopwatch()
            guard (try? BlockSequence.apply(encoded: encodedBlocks, to: genesis, rules: rules, threads: threads)) != nil
            else { return 0 }
            return Double(transactionCount) / clock.seconds
        }()
        var state = genesis
        let clock = Stopwatch()
        for bytes in encodedBlocks {
            guard let block = try? Block(decoding: bytes),
                  let applied = try? BlockApplication.apply(block, to: state, rules: rules, signatures: .alreadyVerified)
            else { return (full, 0) }
            state = applied.state
        }
        return (full, Double(transactionCount) / clock.seconds)
    }
}

/// Maps `range` on all cores, keeping order.
func parallelMap<T: Sendable>(_ range: Range<Int>, _ body: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count: range.count)
    DispatchQueue.concurrentPerform(iterations: range.count) { i in results.set(i, body(range.lowerBound + i)) }
    return results.values
}

private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); slots[i] = v; lock.unlock() }
    var values: [T] { slots.compactMap { $0 } }
}
