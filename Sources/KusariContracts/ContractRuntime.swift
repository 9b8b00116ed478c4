import KusariCore
import WasmKit
import WasmParser

/// Runs contract calls with WasmKit, metered: every call gets an instance of the module in
/// its initial state (fresh, or kept from an earlier call and reset, see ``InstancePool``),
/// a fuel budget equal to its gas limit (less the entry cost), and the host imports over a
/// ``ContractHost``. Whatever the module does, the result is a ``ContractOutcome``; the
/// host's state changes are kept only when the call succeeds.
///
/// A runtime may be shared between threads (its pool is locked); a call runs on the calling
/// thread, and the host it is given must not be used by another call at the same time.
public struct ContractRuntime: Sendable {
    /// The WebAssembly features the parser accepts beyond WasmKit's base set (which has bulk
    /// memory, sign extension and multi-value): reference types, only because LLVM encodes
    /// `call_indirect`'s table index as a 5-byte LEB128 (its `call-indirect-overlong`
    /// feature), which the parser reads as reference types. Every instruction and type is
    /// then checked by ``ContractCode`` against the contract subset, which has no reference
    /// instructions or types and at most one table of funcref.
    static let features: WasmFeatureSet = [.referenceTypes]

    /// The limits enforced at run time.
    public let limits: ContractLimits
    /// The gas schedule.
    public let schedule: GasSchedule
    /// Whether fuel is metered (always, on a node; `false` only to measure metering's cost).
    public let metered: Bool
    let engine: Engine
    /// Idle instances kept between calls, or nil when every call instantiates afresh.
    let pool: InstancePool?

    /// A runtime with the given limits and schedule. `metered: false` runs without fuel: gas
    /// is then only the host prices, and an endless loop never ends; for benchmarks only.
    /// `reuseInstances` keeps a pool of idle instances between blocks (and queries) and resets
    /// them (the outcome and gas of every call are the same either way; reuse saves WasmKit's
    /// translation of the code). Within a block, a host keeps its loaded code's instance
    /// whatever this says, since the entry price follows what the block loaded (18.5).
    public init(limits: ContractLimits = .standard, schedule: GasSchedule = .standard, metered: Bool = true,
                reuseInstances: Bool = true) {
        self.limits = limits
        self.schedule = schedule
        self.metered = metered
        self.pool = reuseInstances ? InstancePool() : nil
        self.engine = Engine(configuration: EngineConfiguration(
            compilationMode: .lazy, stackSize: limits.stackSize, features: Self.features,
            memoryBoundsChecking: .software, fuelMetering: metered))
    }

    /// Runs `call` on `code` in `block` over `host`.
    ///
    /// The entry price depends on whether `host` kept `code` loaded from an earlier call
    /// (``GasSchedule/entryCost(of:loaded:)``, docs/protocol.md 18.5): a call that runs and
    /// returns normally with its memory at its initial size leaves its code loaded (while
    /// fewer than ``GasSchedule/maxLoadedCodes`` codes are), with its instance ready for the
    /// next call; a call that runs and fails leaves it unloaded.
    public func run<Host: ContractHost>(_ code: ContractCode, _ call: ContractCall, block: BlockContext,
                                        host: Host) -> ContractOutcome {
        let hash = code.codeHash
        let kept = host.loadedCode(hash) as? LoadedCode
        let entry = schedule.entryCost(of: code, loaded: kept != nil)
        guard call.gasLimit >= entry else { return ContractOutcome(result: .failure(.outOfGas), gasUsed: call.gasLimit) }
        guard code.hasMethod(call.method) else {
            return ContractOutcome(result: .failure(.unknownMethod(call.method)), gasUsed: entry)
        }
        guard call.input.count <= limits.maxDataLength else {
            return ContractOutcome(result: .failure(.hostViolation("input of \(call.input.count) bytes, the limit is \(limits.maxDataLength)")),
                                   gasUsed: entry)
        }
        let checkpoint = host.checkpoint()
        if call.value > 0, !host.transfer(from: call.caller, to: call.contract, amount: call.value) {
            host.rollback(to: checkpoint)
            return ContractOutcome(result: .failure(.insufficientFunds(balance: host.balance(of: call.caller), value: call.value)),
                                   gasUsed: entry)
        }
        // From here the call runs: unless it returns normally, its code is no longer loaded.
        host.setLoadedCode(hash, nil)
        var failure: ContractError? = nil
        let pooled: PooledInstance
        do {
            pooled = try kept?.idle ?? pool?.take(hash) ?? PooledInstance(code: code, engine: engine, limits: limits, schedule: schedule)
        } catch {
            host.rollback(to: checkpoint)
            return ContractOutcome(result: .failure(.trapped(.other("instantiation failed: \(error)"))), gasUsed: entry)
        }
        let store = pooled.store
        store.fuel = Fuel(remaining: call.gasLimit - entry)
        let state = CallState(host: host, call: call, block: block, limits: limits, schedule: schedule, store: store,
                              memory: pooled.memory)
        pooled.slot.state = state
        defer { pooled.slot.state = nil }
        do {
            guard let function = pooled.instance.exports[function: call.method] else {
                throw HostAbort.violation("method \(call.method) is not exported")
            }
            _ = try function.invoke([])
        } catch {
            failure = Self.classify(error)
        }
        // Gas: what the fuel says, plus the memory the instance ended with.
        let remaining = metered ? (store.fuel?.remaining ?? 0) : call.gasLimit - entry
        let pages = UInt64(state.memory?.byteCount ?? 0) / 65536
        let memoryCost = pages * schedule.perMemoryPage
        var gasUsed: UInt64
        if failure == .outOfGas || remaining < memoryCost {
            failure = .outOfGas
            gasUsed = call.gasLimit
        } else {
            gasUsed = call.gasLimit - remaining + memoryCost
        }
        if let failure {
            host.rollback(to: checkpoint)
            return ContractOutcome(result: .failure(failure), gasUsed: gasUsed)
        }
        host.commit(checkpoint)
        // Only an instance that returned normally is reused (a trap or revert leaves its stack
        // pointer and heap mid-call), and only when it can be reset (its memory did not grow):
        // kept for the rest of the block while the host keeps fewer than the most codes, else
        // back in this node's pool.
        if pooled.reset() {
            if host.loadedCodeCount < GasSchedule.maxLoadedCodes {
                host.setLoadedCode(hash, LoadedCode(code: code, idle: pooled))
            } else {
                pool?.give(pooled, for: hash)
            }
        }
        gasUsed = min(gasUsed, call.gasLimit)
        return ContractOutcome(result: .success(state.returnData), gasUsed: gasUsed,
                               events: state.events, messages: state.messages)
    }

    /// Gives the instance `host` kept of the code `hash` to this node's pool (a host about
    /// to end: a query's), so a later call on another host may start from it.
    func recycle(_ hash: Hash256, from host: some ContractHost) {
        guard let kept = host.loadedCode(hash) as? LoadedCode else { return }
        host.setLoadedCode(hash, nil)
        pool?.give(kept.idle, for: hash)
    }

    /// The error of a call that threw `error`.
    static func classify(_ error: any Error) -> ContractError {
        if let abort = error as? HostAbort {
            switch abort {
            case .outOfGas: return .outOfGas
            case .revert(let message): return .reverted(String(decoding: message, as: UTF8.self))
            case .violation(let message): return .hostViolation(message)
            }
        }
        // WasmKit 0.4.2 keeps its trap reasons `package`; the description is public and
        // stable for a pinned version, and a test covers each kind below.
        let text = String(describing: error)
        let reason = text.hasPrefix("Trap: ") ? String(text.dropFirst(6).prefix { $0 != "\n" }) : text
        switch reason {
        case "out of fuel": return .outOfGas
        case "unreachable": return .trapped(.unreachable)
        case "call stack exhausted": return .trapped(.callStackExhausted)
        case "out of bounds memory access": return .trapped(.memoryOutOfBounds)
        case "integer divide by zero": return .trapped(.integerDivideByZero)
        case "integer overflow": return .trapped(.integerOverflow)
        default: return .trapped(.other(reason))
        }
    }

    /// Instantiates `code` once on an engine that translates every function eagerly, so that
    /// WasmKit's own validation of every body runs at deploy rather than at a first call.
    static func validateByInstantiating(_ code: ContractCode) throws(ContractModuleError) {
        let engine = Engine(configuration: EngineConfiguration(compilationMode: .eager, features: features,
                                                               memoryBoundsChecking: .software))
        let store = Store(engine: engine)
        var imports = Imports()
        for (name, type) in HostImports.signatures {
            imports.define(module: HostImports.module, name: name, Function(store: store, type: type) { _, _ in
                throw HostAbort.violation("validation instance")
            })
        }
        do {
            _ = try code.module.instantiate(store: store, imports: imports)
        } catch {
            throw .invalid(String(describing: error))
        }
    }
}
