import WasmKit
import WasmParser

/// Walks one function body and refuses every instruction outside the contract subset:
/// integer arithmetic, memory access, control flow, calls, `memory.size`/`grow`, and the bulk
/// memory operations `memory.copy`/`fill`. Floating point (any `f32` or `f64` instruction,
/// including conversions and reinterpretations), SIMD, atomics, reference, table, exception,
/// tail-call and GC instructions are refused, and so are `memory.init` and `data.drop`: with
/// them an instance would have state outside its memory and globals (dropped segments), which
/// a node that reuses instances between calls could not reset. LLVM emits neither for a
/// contract (its data segments are active).
struct InstructionCheck: AnyInstructionVisitor {
    typealias VisitorError = ContractModuleError

    var binaryOffset = 0
    let function: Int

    mutating func visit(_ instruction: Instruction) throws(ContractModuleError) {
        switch instruction {
        case .unreachable, .nop, .else, .end, .br, .brIf, .brTable, .return, .call, .callIndirect,
             .drop, .select, .localGet, .localSet, .localTee, .globalGet, .globalSet,
             .memorySize, .memoryGrow, .i32Const, .i64Const, .i32Eqz, .i64Eqz,
             .memoryCopy, .memoryFill:
            return
        case .block(let type), .loop(let type), .if(let type):
            if case .type(let value) = type { try checkValueType(value) }
        case .typedSelect(let type):
            try checkValueType(type)
        case .load(let load, _):
            try checkName(String(describing: load))
        case .store(let store, _):
            try checkName(String(describing: store))
        case .cmp(let op):
            try checkName(String(describing: op))
        case .unary(let op):
            try checkName(String(describing: op))
        case .binary(let op):
            try checkName(String(describing: op))
        case .conversion(let op):
            try checkName(String(describing: op))
        case .f32Const, .f64Const:
            throw .floatingPoint("function \(function): \(Self.name(instruction))")
        default:
            throw .unsupportedInstruction(function: function, instruction: Self.name(instruction))
        }
    }

    /// Integer operators are named `i32...`/`i64...`; any other mention of `f32`/`f64`
    /// (`f32Add`, `i32TruncF32S`, `i64ReinterpretF64`, `f64Load`) is floating point.
    func checkName(_ name: String) throws(ContractModuleError) {
        let lower = name.lowercased()
        if lower.contains("f32") || lower.contains("f64") {
            throw .floatingPoint("function \(function): \(name)")
        }
    }

    func checkValueType(_ type: ValueType) throws(ContractModuleError) {
        switch type {
        case .i32, .i64: return
        case .f32, .f64: throw .floatingPoint("function \(function): a block or select of type \(HostImports.describe(type))")
        case .v128, .ref: throw .unsupportedInstruction(function: function, instruction: "block or select of type \(HostImports.describe(type))")
        }
    }

    static func name(_ instruction: Instruction) -> String {
        let text = String(describing: instruction)
        return String(text.prefix { $0 != "(" })
    }
}
