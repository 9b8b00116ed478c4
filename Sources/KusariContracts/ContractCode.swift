import KusariCore
import WasmKit
import WasmParser

/// A contract module that passed every deploy-time check (docs/protocol.md 18.4), with its
/// code hash and methods. Creating one from new bytes is the deploy-time validation;
/// code already in the state loads through ``init(stored:codeHash:limits:)``. A node keeps
/// the value (keyed by ``codeHash``) and runs calls on it with ``ContractRuntime``.
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

    /// Validates `bytes` against `limits` (every deploy-time check of 18.4, every function
    /// translated once), or throws the first problem found. Deploys load code this way.
    public init(bytes: [UInt8], limits: ContractLimits = .standard) throws(ContractModuleError) {
        try self.init(bytes: bytes, codeHash: Hash256.sha256(bytes), limits: limits, checked: true)
        try ContractRuntime.validateByInstantiating(self)
    }

    /// Loads code stored in the state under `codeHash`, which passed every check when it was
    /// deployed: WasmKit's parse, the memory and export limits and the hash only, without
    /// the instruction walk and the eager translation of a deploy (the hash makes sure these
    /// are the bytes that were checked). Calls and queries load code this way.
    ///
    /// - Throws: ``ContractModuleError/codeHashMismatch(expected:found:)`` when `bytes` do not
    ///   hash to `codeHash`; any other error means the stored code is not what a deploy stores.
    public init(stored bytes: [UInt8], codeHash: Hash256, limits: ContractLimits = .standard) throws(ContractModuleError) {
        let found = Hash256.sha256(bytes)
        guard found == codeHash else { throw .codeHashMismatch(expected: codeHash, found: found) }
        try self.init(bytes: bytes, codeHash: found, limits: limits, checked: false)
    }

    private init(bytes: [UInt8], codeHash: Hash256, limits: ContractLimits, checked: Bool) throws(ContractModuleError) {
        guard bytes.count <= limits.maxCodeSize else { throw .tooLarge(size: bytes.count, limit: limits.maxCodeSize) }
        let summary = try ModuleChecker(limits: limits, checksBodies: checked).check(bytes)
        let module: Module
        do {
            module = try parseWasm(bytes: bytes, features: ContractRuntime.features)
        } catch {
            throw .invalid(String(describing: error))
        }
        self.bytes = bytes
        self.codeHash = codeHash
        self.methods = summary.methods.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.initialPages = summary.initialPages
        self.maxPages = summary.maxPages
        self.mutableGlobals = summary.mutableGlobals
        self.module = module
    }

    /// True when the module exports `method`.
    public func hasMethod(_ method: String) -> Bool { methods.contains(method) }
}
