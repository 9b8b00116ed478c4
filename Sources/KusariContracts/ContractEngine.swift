import KusariCore
import Synchronization

/// The ledger's contract executor (docs/protocol.md 18.7): runs deploy and call
/// transactions on a block's ``LedgerWorkspace`` with ``ContractRuntime``, runs the
/// messages a successful call queued (in order, each after the call that sent it,
/// all inside the transaction's checkpoint: all or nothing), and keeps modules by code
/// hash so a contract's code is parsed once per node. Code in the state loads through the
/// trusted path (``ContractCode/init(stored:codeHash:limits:)``); only a deploy's code
/// goes through every check.
public final class ContractEngine: ContractExecutor {
    /// The most messages one transaction may run (its own call's and theirs).
    public static let maxMessagesPerTransaction = 64
    /// The method a deploy runs when the module exports it (and only a deploy: a call or a
    /// message naming it fails).
    public static let initMethod = "init"
    /// The most events one transaction may emit, and their most bytes (topics and data):
    /// beyond either it fails, so a receipt stays small beside its block.
    public static let maxEventsPerTransaction = 256
    public static let maxEventBytesPerTransaction = 256 * 1024

    public let runtime: ContractRuntime
    private let modules = Mutex<ModuleCache>(ModuleCache())
    /// The most modules kept parsed.
    let moduleCacheSize = 256

    public init(runtime: ContractRuntime = ContractRuntime()) { self.runtime = runtime }

    /// The gas a deploy pays before `init` runs: storing the code.
    public func deployCost(codeLength: Int) -> UInt64 {
        runtime.schedule.storageWrite + runtime.schedule.perByteWritten * UInt64(codeLength)
    }

    /// The module of a deploy's `bytes` (whose hash is `hash`), through every deploy check
    /// (``ContractCode/init(bytes:limits:)``) unless this node already holds it.
    public func module(_ bytes: [UInt8], hash: Hash256) throws(ContractModuleError) -> ContractCode {
        if let known = modules.withLock({ $0.get(hash) }) { return known }
        let code = try ContractCode(bytes: bytes, limits: runtime.limits)
        modules.withLock { $0.put(hash, code, capacity: moduleCacheSize) }
        return code
    }

    /// The module of code stored in the state under `hash` (checked when it was deployed):
    /// what the block's calls on `host` kept, else this node's cache, else a trusted load
    /// (``ContractCode/init(stored:codeHash:limits:)``).
    func storedModule(_ bytes: [UInt8], hash: Hash256, host: some ContractHost) throws(ContractModuleError) -> ContractCode {
        if let kept = host.loadedCode(hash) as? LoadedCode { return kept.code }
        if let known = modules.withLock({ $0.get(hash) }) { return known }
        let code = try ContractCode(stored: bytes, codeHash: hash, limits: runtime.limits)
        modules.withLock { $0.put(hash, code, capacity: moduleCacheSize) }
        return code
    }

    public func execute(_ tx: Transaction, id: Hash256, gasLimit: UInt64, ledger: LedgerWorkspace,
                        block: BlockEnvironment) -> ContractReceipt {
        let context = BlockContext(height: block.height, time: Int64(clamping: block.time))
        let host = LedgerHost(ledger)
        switch tx.action {
        case .transfer, .exchange, .staking:
            return ContractReceipt(transaction: id, contract: tx.to, gasUsed: 0, failure: "not a contract transaction",
                                   events: [], output: [])
        case .deploy(let deploy):
            return runDeploy(tx, deploy: deploy, id: id, limit: gasLimit, ledger: ledger, host: host, context: context)
        case .call(let call):
            let receipt = { (gas: UInt64, failure: String?, events: [ReceiptEvent], output: [UInt8]) in
                ContractReceipt(transaction: id, contract: tx.to, gasUsed: gas, failure: failure, events: events, output: output)
            }
            let account = ledger.account(tx.to)
            guard let hash = account.codeHash, let bytes = ledger.code(hash) else {
                return receipt(0, "no contract at this address", [], [])
            }
            let code: ContractCode
            do { code = try storedModule(bytes, hash: hash, host: host) } catch { return receipt(0, "stored code: \(error)", [], []) }
            guard call.method != Self.initMethod else { return receipt(0, "init runs only when the contract is deployed", [], []) }
            let first = ContractCall(contract: tx.to, caller: tx.from, method: call.method, input: call.input,
                                     value: tx.amount, gasLimit: gasLimit)
            let run = runWithMessages(code, first, ledger: ledger, host: host, context: context)
            return receipt(run.gasUsed, run.failure, run.events, run.output)
        }
    }

    private func runDeploy(_ tx: Transaction, deploy: ContractDeploy, id: Hash256, limit: UInt64, ledger: LedgerWorkspace,
                           host: LedgerHost, context: BlockContext) -> ContractReceipt {
        let receipt = { (gas: UInt64, failure: String?, events: [ReceiptEvent], output: [UInt8]) in
            ContractReceipt(transaction: id, contract: tx.to, gasUsed: gas, failure: failure, events: events, output: output)
        }
        let storing = deployCost(codeLength: deploy.code.count)
        guard limit >= storing else { return receipt(limit, "out of gas: storing the code costs \(storing) gas", [], []) }
        let hash = deploy.codeHash
        let code: ContractCode
        do { code = try module(deploy.code, hash: hash) } catch { return receipt(storing, "code: \(error)", [], []) }
        var account = ledger.account(tx.to)
        guard !account.isContract else { return receipt(storing, "a contract already lives at \(tx.to.hex)", [], []) }
        let checkpoint = ledger.checkpoint()
        account.codeHash = hash
        ledger.setAccount(tx.to, account)
        // The code is known from here on, inside the checkpoint (a rollback forgets it): `init`
        // and its messages find the new contract's code on every node alike.
        ledger.storeCode(deploy.code, hash: hash)
        var run = Run(gasUsed: storing, failure: nil, events: [], output: [])
        if code.hasMethod(Self.initMethod) {
            let call = ContractCall(contract: tx.to, caller: tx.from, method: Self.initMethod, input: deploy.input,
                                    value: tx.amount, gasLimit: limit - storing)
            let inner = runWithMessages(code, call, ledger: ledger, host: host, context: context)
            run = Run(gasUsed: storing + inner.gasUsed, failure: inner.failure, events: inner.events, output: inner.output)
        } else if !deploy.input.isEmpty {
            run.failure = "the module has no init method to take the deploy's input"
        } else if !ledger.transfer(from: tx.from, to: tx.to, amount: tx.amount) {
            run.failure = "the sender cannot pay the \(tx.amount) units attached"
        }
        if run.failure != nil {
            ledger.rollback(to: checkpoint)
        } else {
            ledger.commit(checkpoint)
        }
        return receipt(min(run.gasUsed, limit), run.failure, run.events, run.output)
    }

    /// Runs `method` of the contract at `contract` on `state` as a read-only query: nothing
    /// is kept, nothing is paid (the gas limit only bounds the work). Messages are not run.
    public func query(_ state: StateTree, contract: AddressPayload, method: String, input: [UInt8],
                      caller: AddressPayload = .zero, gasLimit: UInt64 = GasTerms.maxGasLimit,
                      block: BlockEnvironment) -> ContractOutcome {
        let ledger = LedgerWorkspace(state: state)
        guard let hash = ledger.account(contract).codeHash, let bytes = ledger.code(hash) else {
            return ContractOutcome(result: .failure(.hostViolation("no contract at \(contract.hex)")), gasUsed: 0)
        }
        let host = LedgerHost(ledger)
        let code: ContractCode
        do { code = try storedModule(bytes, hash: hash, host: host) } catch {
            return ContractOutcome(result: .failure(.hostViolation("stored code: \(error)")), gasUsed: 0)
        }
        let call = ContractCall(contract: contract, caller: caller, method: method, input: input, gasLimit: gasLimit)
        let outcome = runtime.run(code, call, block: BlockContext(height: block.height, time: Int64(clamping: block.time)),
                                  host: host)
        runtime.recycle(hash, from: host)   // the query's workspace ends here; its instance serves the next
        return outcome
    }

    struct Run {
        var gasUsed: UInt64
        var failure: String?
        var events: [ReceiptEvent]
        var output: [UInt8]
    }

    /// Runs `first`, then the messages it and they queue, in order, inside one checkpoint:
    /// if any fails, everything is undone and the gas used so far is charged.
    func runWithMessages(_ code: ContractCode, _ first: ContractCall, ledger: LedgerWorkspace, host: LedgerHost,
                         context: BlockContext) -> Run {
        let checkpoint = ledger.checkpoint()
        let limit = first.gasLimit
        var used: UInt64 = 0
        var events: [ReceiptEvent] = []
        var queue: [ContractMessage] = []
        var ran = 0
        func fail(_ reason: String) -> Run {
            ledger.rollback(to: checkpoint)
            return Run(gasUsed: min(used, limit), failure: reason, events: [], output: [])
        }
        var eventBytes = 0
        /// Adds a call's events; false when the transaction's would pass the caps.
        func keep(_ emitted: [ContractEvent]) -> Bool {
            events += emitted.map { ReceiptEvent(contract: $0.contract, topic: $0.topic, data: $0.data) }
            eventBytes += emitted.reduce(0) { $0 + $1.topic.count + $1.data.count }
            return events.count <= Self.maxEventsPerTransaction && eventBytes <= Self.maxEventBytesPerTransaction
        }
        let eventsTooMany = "more than \(Self.maxEventsPerTransaction) events or \(Self.maxEventBytesPerTransaction) bytes of events in one transaction"
        let outcome = runtime.run(code, first, block: context, host: host)
        used = outcome.gasUsed
        guard let output = outcome.returnData else { return fail(outcome.error?.description ?? "failed") }
        guard keep(outcome.events) else { return fail(eventsTooMany) }
        queue += outcome.messages
        while !queue.isEmpty {
            let message = queue.removeFirst()
            ran += 1
            guard ran <= Self.maxMessagesPerTransaction else {
                return fail("more than \(Self.maxMessagesPerTransaction) messages in one transaction")
            }
            let target = ledger.account(message.contract)
            guard let hash = target.codeHash, let bytes = ledger.code(hash) else {
                return fail("message \(ran) to \(message.contract.hex): no contract at this address")
            }
            let targetCode: ContractCode
            do { targetCode = try storedModule(bytes, hash: hash, host: host) } catch { return fail("message \(ran): stored code: \(error)") }
            guard message.method != Self.initMethod else { return fail("message \(ran): init runs only when a contract is deployed") }
            let call = ContractCall(contract: message.contract, caller: message.sender, method: message.method,
                                    input: message.input, value: message.value, gasLimit: limit - used)
            let result = runtime.run(targetCode, call, block: context, host: host)
            used += result.gasUsed
            guard result.succeeded else {
                return fail("message \(ran) (\(message.method) of \(message.contract.hex)): \(result.error?.description ?? "failed")")
            }
            guard keep(result.events) else { return fail(eventsTooMany) }
            queue += result.messages
        }
        ledger.commit(checkpoint)
        return Run(gasUsed: min(used, limit), failure: nil, events: events, output: output)
    }
}

/// ``ContractHost`` over a block's ``LedgerWorkspace``: contract storage and KSR balances
/// as the ledger holds them. Public so that benchmarks can run calls straight on a
/// ``ContractRuntime`` over the same kind of workspace the engine uses.
public final class LedgerHost: ContractHost {
    /// The workspace read and written.
    public let ledger: LedgerWorkspace

    /// A host over `ledger`.
    public init(_ ledger: LedgerWorkspace) { self.ledger = ledger }

    public func storageGet(_ contract: AddressPayload, key: [UInt8]) -> [UInt8]? { ledger.storageGet(contract, key: key) }
    public func storageSet(_ contract: AddressPayload, key: [UInt8], value: [UInt8]) {
        ledger.storageSet(contract, key: key, value: value)
    }
    public func storageRemove(_ contract: AddressPayload, key: [UInt8]) -> Bool {
        guard ledger.storageGet(contract, key: key) != nil else { return false }
        ledger.storageSet(contract, key: key, value: nil)
        return true
    }
    public func storageNext(_ contract: AddressPayload, prefix: [UInt8], after: [UInt8]?) -> [UInt8]? {
        ledger.storageNext(contract, prefix: prefix, after: after)
    }
    public var entriesExaminedByLastNext: Int { ledger.entriesExaminedByLastNext }
    public func balance(of address: AddressPayload) -> UInt64 { ledger.account(address).balance }
    public func transfer(from: AddressPayload, to: AddressPayload, amount: UInt64) -> Bool {
        ledger.transfer(from: from, to: to, amount: amount)
    }
    public func checkpoint() -> Int { ledger.checkpoint() }
    public func commit(_ checkpoint: Int) { ledger.commit(checkpoint) }
    public func rollback(to checkpoint: Int) { ledger.rollback(to: checkpoint) }
    public func loadedCode(_ hash: Hash256) -> AnyObject? { ledger.loadedCode(hash) }
    public func setLoadedCode(_ hash: Hash256, _ value: AnyObject?) { ledger.setLoadedCode(hash, value) }
    public var loadedCodeCount: Int { ledger.loadedCodeCount }
}

/// Checked modules by code hash, the least recently used dropped first.
struct ModuleCache {
    private var entries: [Hash256: (code: ContractCode, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    mutating func get(_ hash: Hash256) -> ContractCode? {
        guard let entry = entries[hash] else { return nil }
        clock += 1
        entries[hash] = (entry.code, clock)
        return entry.code
    }

    mutating func put(_ hash: Hash256, _ code: ContractCode, capacity: Int) {
        clock += 1
        if entries[hash] == nil, entries.count >= capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        entries[hash] = (code, clock)
    }
}
