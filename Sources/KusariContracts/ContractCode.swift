import KusariCore
import WasmKit
import WasmParser

/// A contract module that passed every deploy-time check (docs/protocol.md 18.4), with its
/// code hash and methods. Creating one is the deploy-time validation; a node keeps the
/// value (keyed by ``codeHash``) and runs calls on it with ``ContractRuntime``.
public struct ContractCode: Sendable {
    /// The module's bytes, as deployed.
    public let bytes: [UInt8]
    /// SHA-256 of ``bytes``: the code's identity in the ledger.
    public let codeHash: Hash256
    /// The exported methods, sorted bytewise.
    public let methods: [String]
    /// The memory's initial size in 64 KiB pages.
    public let initialPages: UInt64
    /// The memory's declared maximum in 64 KiB pages.
    public let maxPages: UInt64
    /// The export names of the module's mutable globals (reset between calls).
    let mutableGlobals: [String]
    /// The parsed module, ready to instantiate.
    let module: Module

    /// Validates `bytes` against `limits`, or throws the first problem found.
    public init(bytes: [UInt8], limits: ContractLimits = .standard) throws(ContractModuleError) {
        guard bytes.count <= limits.maxCodeSize else { throw .tooLarge(size: bytes.count, limit: limits.maxCodeSize) }
        let summary = try ModuleChecker(limits: limits).check(bytes)
        let module: Module
        do {
            module = try parseWasm(bytes: bytes, features: ContractRuntime.features)
        } catch {
            throw .invalid(String(describing: error))
        }
        self.bytes = bytes
        self.codeHash = Hash256.sha256(bytes)
        self.methods = summary.methods.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.initialPages = summary.initialPages
        self.maxPages = summary.maxPages
        self.mutableGlobals = summary.mutableGlobals
        self.module = module
        try ContractRuntime.validateByInstantiating(self)
    }

    /// True when the module exports `method`.
    public func hasMethod(_ method: String) -> Bool { methods.contains(method) }
}
