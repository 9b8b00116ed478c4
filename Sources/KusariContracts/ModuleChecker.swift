import WasmKit
import WasmParser

/// The deploy-time walk over a module's sections (docs/protocol.md 18.4): imports, types,
/// memory, table, globals, exports, start, and every instruction of every function body.
/// Code loaded from the state (checked when it was deployed) walks the sections without
/// the bodies (`checksBodies: false`), for what a node needs to run it: methods, memory, globals.
struct ModuleChecker {
    let limits: ContractLimits
    /// Whether every function body's instructions are checked (at deploy).
    var checksBodies = true

    /// What the walk learned about a module that passed.
    struct Summary {
        var methods: [String] = []
        var initialPages: UInt64 = 0
        var maxPages: UInt64 = 0
        /// The export names of the mutable globals (every mutable global must be exported).
        var mutableGlobals: [String] = []
    }

    func check(_ bytes: [UInt8]) throws(ContractModuleError) -> Summary {
        var parser = Parser(bytes: bytes, features: ContractRuntime.features)
        var types: [FunctionType?] = []
        var functionTypes: [UInt32] = []   // the type index of every function, imports first
        var memories: [MemoryType] = []
        var exports: [Export] = []
        var globals = 0
        var mutable: [Bool] = []   // per defined global (imports of globals are refused)
        var bodies = 0
        var summary = Summary()
        do {
            while let payload = try parser.parseNext() {
                switch payload {
                case .header, .customSection, .dataSection, .dataCount, .elementSection:
                    break
                case .typeSection(let groups):
                    for group in groups {
                        for sub in group.types {
                            if case .function(let type) = sub.body {
                                try checkSignature(type, index: types.count)
                                types.append(type)
                            } else {
                                throw ContractModuleError.unsupportedInstruction(function: -1, instruction: "GC type definition")
                            }
                        }
                    }
                case .importSection(let imports):
                    for entry in imports {
                        guard case .function(let typeIndex) = entry.descriptor else {
                            throw ContractModuleError.unsupportedImport(module: entry.module, name: entry.name)
                        }
                        guard entry.module == HostImports.module, let expected = HostImports.signatures[entry.name] else {
                            throw ContractModuleError.unknownImport(module: entry.module, name: entry.name)
                        }
                        let actual = Int(typeIndex) < types.count ? types[Int(typeIndex)] : nil
                        guard let actual, actual == expected else {
                            throw ContractModuleError.importSignature(
                                name: entry.name, expected: HostImports.describe(expected),
                                actual: actual.map(HostImports.describe) ?? "type \(typeIndex)")
                        }
                        functionTypes.append(typeIndex)
                    }
                case .functionSection(let indices):
                    functionTypes.append(contentsOf: indices)
                    guard functionTypes.count <= limits.maxFunctions else {
                        throw ContractModuleError.tooMany(what: "functions", count: functionTypes.count, limit: limits.maxFunctions)
                    }
                case .tableSection(let tables):
                    guard tables.count <= 1 else { throw ContractModuleError.table("\(tables.count) tables, at most 1 is allowed") }
                    for table in tables {
                        guard table.type.elementType == .funcRef else { throw ContractModuleError.table("only a table of funcref is allowed") }
                        let size = table.type.limits.max ?? table.type.limits.min
                        guard table.type.limits.min <= limits.maxTableSize, size <= limits.maxTableSize else {
                            throw ContractModuleError.table("\(size) entries, the limit is \(limits.maxTableSize)")
                        }
                    }
                case .memorySection(let list):
                    memories.append(contentsOf: list.map(\.type))
                case .globalSection(let list):
                    globals += list.count
                    guard globals <= limits.maxGlobals else {
                        throw ContractModuleError.tooMany(what: "globals", count: globals, limit: limits.maxGlobals)
                    }
                    for global in list {
                        mutable.append(global.type.mutability == .variable)
                        switch global.type.valueType {
                        case .i32, .i64: break
                        case .f32, .f64: throw ContractModuleError.floatingPoint("a global of type \(HostImports.describe(global.type.valueType))")
                        case .v128, .ref: throw ContractModuleError.unsupportedInstruction(function: -1, instruction: "global of type \(HostImports.describe(global.type.valueType))")
                        }
                    }
                case .exportSection(let list):
                    exports = list
                case .startSection:
                    throw ContractModuleError.startFunction
                case .tagSection:
                    throw ContractModuleError.unsupportedInstruction(function: -1, instruction: "exception tag")
                case .codeSection where !checksBodies:
                    break
                case .codeSection(let codes):
                    let importCount = functionTypes.count - codes.count
                    for code in codes {
                        let index = importCount + bodies
                        try checkBody(code, index: index, types: types, functionTypes: functionTypes)
                        bodies += 1
                    }
                }
            }
        } catch let error as ContractModuleError {
            throw error
        } catch {
            throw .malformed(String(describing: error))
        }
        try checkMemory(memories, into: &summary)
        (summary.methods, summary.mutableGlobals) = try checkExports(exports, types: types, functionTypes: functionTypes,
                                                                     mutableGlobals: mutable)
        return summary
    }

    func checkSignature(_ type: FunctionType, index: Int) throws(ContractModuleError) {
        for value in type.parameters + type.results {
            switch value {
            case .i32, .i64: continue
            case .f32, .f64: throw .floatingPoint("type \(index) is \(HostImports.describe(type))")
            case .v128, .ref: throw .unsupportedInstruction(function: -1, instruction: "type \(index) is \(HostImports.describe(type))")
            }
        }
    }

    func checkBody(_ code: Code, index: Int, types: [FunctionType?], functionTypes: [UInt32]) throws(ContractModuleError) {
        let typeIndex = Int(functionTypes[index])
        let parameters = typeIndex < types.count ? (types[typeIndex]?.parameters.count ?? 0) : 0
        guard code.locals.count + parameters <= limits.maxLocals else {
            throw .tooMany(what: "locals in function \(index)", count: code.locals.count + parameters, limit: limits.maxLocals)
        }
        for local in code.locals {
            switch local {
            case .i32, .i64: continue
            case .f32, .f64: throw .floatingPoint("function \(index) has a local of type \(HostImports.describe(local))")
            case .v128, .ref: throw .unsupportedInstruction(function: index, instruction: "local of type \(HostImports.describe(local))")
            }
        }
        var visitor = InstructionCheck(function: index)
        var expressions = ExpressionParser(code: code)
        do {
            while let visit = try expressions.parse() {
                try visit(visitor: &visitor)
            }
        } catch let error as ContractModuleError {
            throw error
        } catch {
            throw .malformed("function \(index): \(error)")
        }
    }

    func checkMemory(_ memories: [MemoryType], into summary: inout Summary) throws(ContractModuleError) {
        guard memories.count == 1, let memory = memories.first else {
            throw .memory(memories.isEmpty ? "the module defines no memory (exactly one is required)"
                                           : "\(memories.count) memories, exactly one is allowed")
        }
        guard !memory.shared, !memory.isMemory64 else { throw .memory("shared and 64-bit memories are not allowed") }
        guard let max = memory.max else {
            throw .memory("no maximum declared (at most \(limits.maxMemoryPages) pages; link with --max-memory)")
        }
        guard max <= limits.maxMemoryPages else {
            throw .memory("maximum of \(max) pages, the limit is \(limits.maxMemoryPages)")
        }
        summary.initialPages = memory.min
        summary.maxPages = max
    }

    /// The methods and the export names of the mutable globals. Every mutable global must be
    /// exported, so that a node can reset an instance between calls; immutable ones may not be.
    func checkExports(_ exports: [Export], types: [FunctionType?], functionTypes: [UInt32],
                      mutableGlobals: [Bool]) throws(ContractModuleError) -> (methods: [String], globals: [String]) {
        var methods: [String] = []
        var globals: [String] = []
        var exportedGlobals = Set<UInt32>()
        var hasMemory = false
        for export in exports {
            switch export.descriptor {
            case .memory:
                guard export.name == "memory" else { throw .unsupportedExport(export.name) }
                hasMemory = true
            case .function(let index):
                guard Self.isMethodName(export.name, maxLength: limits.maxMethodNameLength) else {
                    throw .invalidMethodName(export.name)
                }
                let typeIndex = Int(index) < functionTypes.count ? Int(functionTypes[Int(index)]) : -1
                let type = typeIndex >= 0 && typeIndex < types.count ? types[typeIndex] : nil
                guard let type, type.parameters.isEmpty, type.results.isEmpty else {
                    throw .methodSignature(name: export.name, actual: type.map(HostImports.describe) ?? "unknown")
                }
                methods.append(export.name)
            case .global(let index):
                guard Int(index) < mutableGlobals.count, mutableGlobals[Int(index)] else { throw .unsupportedExport(export.name) }
                exportedGlobals.insert(index)
                globals.append(export.name)
            default:
                throw .unsupportedExport(export.name)
            }
        }
        guard hasMemory else { throw .missingExport("memory") }
        for (index, isMutable) in mutableGlobals.enumerated() where isMutable && !exportedGlobals.contains(UInt32(index)) {
            throw .unexportedMutableGlobal(index)
        }
        guard methods.count <= limits.maxMethods else {
            throw .tooMany(what: "methods", count: methods.count, limit: limits.maxMethods)
        }
        return (methods, globals)
    }

    /// 1 to `maxLength` bytes of `a`-`z`, `0`-`9` and `_`.
    static func isMethodName(_ name: String, maxLength: Int) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
