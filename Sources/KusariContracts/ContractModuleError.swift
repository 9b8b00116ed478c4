import KusariCore

/// Why a module was refused at deploy. Each message names what is wrong and where.
public enum ContractModuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The module is larger than the limit.
    case tooLarge(size: Int, limit: Int)
    /// The bytes are not a well-formed WebAssembly module (the parser's message).
    case malformed(String)
    /// WasmKit's validation refused the module (types, indices, stack discipline).
    case invalid(String)
    /// A floating-point instruction or type (`where` says which and where).
    case floatingPoint(String)
    /// An instruction outside the allowed set (SIMD, atomics, references, exceptions, ...).
    case unsupportedInstruction(function: Int, instruction: String)
    /// An import from a module other than the host's, or a name the host does not provide.
    case unknownImport(module: String, name: String)
    /// A host import with the wrong signature.
    case importSignature(name: String, expected: String, actual: String)
    /// A memory, table, global or tag import (only functions may be imported).
    case unsupportedImport(module: String, name: String)
    /// The memory is missing, imported, shared, 64-bit, without a maximum or too large.
    case memory(String)
    /// More of something than the limits allow.
    case tooMany(what: String, count: Int, limit: Int)
    /// A table too large or of the wrong kind.
    case table(String)
    /// The module has a start function (code that would run at instantiation).
    case startFunction
    /// A required export is missing.
    case missingExport(String)
    /// An exported method whose type is not `[] -> []`.
    case methodSignature(name: String, actual: String)
    /// An export name that is not a valid method name.
    case invalidMethodName(String)
    /// An export other than the memory, methods and mutable globals.
    case unsupportedExport(String)
    /// A mutable global that is not exported (the node resets exported mutable globals when
    /// it reuses an instance).
    case unexportedMutableGlobal(Int)
    /// Stored code whose bytes do not hash to the code hash it was looked up by.
    case codeHashMismatch(expected: Hash256, found: Hash256)

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): return "module is \(size) bytes, the limit is \(limit)"
        case .malformed(let m): return "not a WebAssembly module: \(m)"
        case .invalid(let m): return "invalid WebAssembly module: \(m)"
        case .floatingPoint(let m): return "floating point is not allowed: \(m)"
        case .unsupportedInstruction(let f, let i): return "function \(f): instruction \(i) is not allowed"
        case .unknownImport(let module, let name): return "unknown import \(module).\(name) (contracts may import only the functions of module \"kusari\")"
        case .importSignature(let name, let expected, let actual): return "import kusari.\(name) has type \(actual), expected \(expected)"
        case .unsupportedImport(let module, let name): return "import \(module).\(name) is not a function (only functions may be imported)"
        case .memory(let m): return "memory: \(m)"
        case .tooMany(let what, let count, let limit): return "\(count) \(what), the limit is \(limit)"
        case .table(let m): return "table: \(m)"
        case .startFunction: return "module has a start function (not allowed: nothing may run at instantiation)"
        case .missingExport(let name): return "missing export \"\(name)\""
        case .methodSignature(let name, let actual): return "method \(name) has type \(actual), methods must be [] -> []"
        case .invalidMethodName(let name): return "export \"\(name)\" is not a method name (1-64 bytes of a-z, 0-9 and _ )"
        case .unsupportedExport(let name): return "export \"\(name)\" is neither the memory, a function nor a mutable global"
        case .unexportedMutableGlobal(let index): return "global \(index) is mutable but not exported (link with --export=__stack_pointer)"
        case .codeHashMismatch(let expected, let found): return "stored code hashes to \(found), expected \(expected)"
        }
    }
}
