import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import Logging
import Synchronization

/// Mines on a node: takes a template (the mempool's best transactions by fee),
/// searches nonces on all its threads, and hands a found block to the node. A
/// new tip or a clearly better mempool makes the node bump its work generation,
/// which restarts the search. `interval` paces the miner (a policy for local
/// networks, not a consensus rule).
public final class Miner: Sendable {
    let node: Node
    let beneficiary: AddressPayload
    let threads: Int
    let interval: Double
    let logger: Logger
    private let stopped = Mutex<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(node: Node, beneficiary: AddressPayload, threads: Int, interval: Double, logger: Logger) {
        self.node = node
        self.beneficiary = beneficiary
        self.threads = max(1, threads)
        self.interval = max(0, interval)
        self.logger = logger
    }

    /// Starts mining on a thread of its own.
    public func start() {
        let thread = Thread { [self] in
            self.loop()
            self.finished.signal()
        }
        thread.name = "kusari-miner"
        thread.start()
    }

    /// Stops the search and waits for the mining thread to end.
    public func stop() {
        stopped.withLock { $0 = true }
        finished.wait()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    private func loop() {
        var last = Date.distantPast
        while !isStopped {
            // Pacing: wait until `interval` has passed since the last block.
            while !isStopped && Date().timeIntervalSince(last) < interval { Thread.sleep(forTimeInterval: 0.02) }
            if isStopped { break }
            let job = blocking { [node, beneficiary] in try? await node.miningTemplate(beneficiary: beneficiary) }
            guard let (template, generation, params) = job else {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            guard let target = try? ProofOfWork.target(bits: template.header.bits, powLimit: params.powLimit) else {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            let node = self.node
            let result = NonceSearch.run(template.header, target: target, threads: threads) { [weak self] in
                (self?.isStopped ?? true) || node.workGeneration.withLock { $0 } != generation
            }
            guard let header = result.header else { continue }
            let block = Block(header: header, transactions: template.transactions)
            let accepted = blocking { [node] in try? await node.accept(block: block, signatures: .alreadyVerified) }
            if accepted != nil { last = Date() }
        }
    }
}

/// Runs async work from a plain thread and waits for it (never call from the
/// concurrency pool).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T?) -> T? {
    let box = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await body()
        box.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return box.withLock { $0 }
}
