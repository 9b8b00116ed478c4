import WasmKit
import WasmParser

/// The host API's imports: the functions of module `"kusari"` a contract may import, with
/// their exact WebAssembly signatures (docs/protocol.md 18.2). Pointers and lengths are i32,
/// amounts, heights and times i64.
public enum HostImports {
    /// The import module name.
    public static let module = "kusari"

    /// Every host function by name, with its type.
    public static let signatures: [String: FunctionType] = [
        "input_size": FunctionType(parameters: [], results: [.i32]),
        "input_read": FunctionType(parameters: [.i32], results: []),
        "return_data": FunctionType(parameters: [.i32, .i32], results: []),
        "revert": FunctionType(parameters: [.i32, .i32], results: []),
        "storage_read": FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
        "storage_write": FunctionType(parameters: [.i32, .i32, .i32, .i32], results: []),
        "storage_remove": FunctionType(parameters: [.i32, .i32], results: [.i32]),
        "storage_next": FunctionType(parameters: [.i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "caller": FunctionType(parameters: [.i32], results: []),
        "self_address": FunctionType(parameters: [.i32], results: []),
        "block_height": FunctionType(parameters: [], results: [.i64]),
        "block_time": FunctionType(parameters: [], results: [.i64]),
        "attached_value": FunctionType(parameters: [], results: [.i64]),
        "balance": FunctionType(parameters: [.i32], results: [.i64]),
        "transfer": FunctionType(parameters: [.i32, .i64], results: [.i32]),
        "emit_event": FunctionType(parameters: [.i32, .i32, .i32, .i32], results: []),
        "send_message": FunctionType(parameters: [.i32, .i32, .i32, .i32, .i32, .i64], results: []),
    ]

    /// A type written as in the WebAssembly text format's spirit: `[i32, i32] -> [i64]`.
    public static func describe(_ type: FunctionType) -> String {
        "[" + type.parameters.map(describe).joined(separator: ", ") + "] -> ["
            + type.results.map(describe).joined(separator: ", ") + "]"
    }

    static func describe(_ type: ValueType) -> String {
        switch type {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        case .ref: return "ref"
        }
    }
}
