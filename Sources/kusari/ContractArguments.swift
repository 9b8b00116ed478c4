import Foundation
import KusariContracts
import KusariCore
import KusariJSON

/// Contract arguments on the command line (docs/protocol.md 18.3 is their encoding): each
/// is `TYPE:VALUE` with TYPE one of u64, i64, bool, bytes (hex), string, address, or a bare
/// value read as a u64 (digits), an i64 (a minus sign and digits), a bool (`true`/`false`),
/// an address (of the node's network), bytes (`0x` and hex), or else a string.
enum ContractArguments {
    static func parse(_ texts: [String], network: Network) throws -> [ContractValue] {
        try texts.enumerated().map { i, text in try value(text, network: network, field: "args[\(i)]") }
    }

    static func value(_ text: String, network: Network, field: String) throws -> ContractValue {
        if let colon = text.firstIndex(of: ":") {
            let type = String(text[..<colon]), rest = String(text[text.index(after: colon)...])
            switch type {
            case "u64":
                guard let v = UInt64(rest) else { throw CLIError("\(field): '\(rest)' is not a u64") }
                return .u64(v)
            case "i64":
                guard let v = Int64(rest) else { throw CLIError("\(field): '\(rest)' is not an i64") }
                return .i64(v)
            case "bool":
                guard let v = Bool(rest) else { throw CLIError("\(field): '\(rest)' is not true or false") }
                return .bool(v)
            case "bytes":
                do { return .bytes(try Hex.decode(rest.hasPrefix("0x") ? String(rest.dropFirst(2)) : rest, field: field)) }
                catch { throw CLIError("\(error)") }
            case "string": return .string(rest)
            case "address": return .address(try Arguments.address(rest, network: network, field: field).payload)
            default: break   // not a type: read the whole text below
            }
        }
        if let v = UInt64(text) { return .u64(v) }
        if text.hasPrefix("-"), let v = Int64(text) { return .i64(v) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        if text.hasPrefix("0x"), let bytes = try? Hex.decode(String(text.dropFirst(2)), field: field) { return .bytes(bytes) }
        if let address = try? Address(parsing: text, network: network) { return .address(address.payload) }
        return .string(text)
    }

    /// Decoded values as JSON (`{"u64": 5}`, `{"address": "ksrt1..."}`, ...), or the raw hex
    /// when the bytes are not in the argument encoding.
    static func json(_ bytes: [UInt8], network: Network) -> JSON {
        guard let values = try? ContractValue.decode(bytes) else { return .object([("hex", .string(Hex.encode(bytes)))]) }
        return .array(values.map { json($0, network: network) })
    }

    static func json(_ v: ContractValue, network: Network) -> JSON {
        switch v {
        case .u64(let x): return .object([("u64", .uint(x))])
        case .i64(let x): return .object([("i64", .int(x))])
        case .bool(let x): return .object([("bool", .bool(x))])
        case .bytes(let x): return .object([("bytes", .string(Hex.encode(x)))])
        case .string(let x): return .object([("string", .string(x))])
        case .address(let a): return .object([("address", .string(Address(payload: a, network: network).string))])
        case .list(let items): return .object([("list", .array(items.map { json($0, network: network) }))])
        }
    }

    /// The contract SDK: `--sdk`, or `contracts/KusariContractSDK` in the current directory, the
    /// executable's, or one of their parents (the repository this kusari was built in).
    static func sdkDirectory(_ given: String?) throws -> URL {
        if let given { return URL(fileURLWithPath: given) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable.deletingLastPathComponent()] {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("contracts/KusariContractSDK")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Host.swift").path) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw CLIError("sdk: cannot find contracts/KusariContractSDK near here or near this kusari; give it with --sdk DIR")
    }
}
