import KusariContracts
import KusariCore

/// How the pages print contract bytes (arguments, storage keys and values, event data,
/// outputs): always as hex, and beside it as values of the argument encoding
/// (docs/protocol.md 18.3, `ContractValue`) where the bytes decode as it. Display only.
///
/// Each printed blob is a dictionary with every key the `bytes` partial reads
/// (`hex`, `empty`, `decodes`, `name`, `cvItems`), so that no section falls through
/// to a key of an enclosing context.
enum ContractFormat {
    /// The longest text printed for one decoded value; longer text is cut with `…`.
    static let maxValueText = 300

    /// `bytes` for the `bytes` partial: hex, and its decoded values when it decodes.
    static func blob(_ bytes: [UInt8], network: Network) -> [String: Any] {
        let items = bytes.isEmpty ? nil : values(bytes, network: network)
        return ["hex": Hex.encode(bytes), "empty": bytes.isEmpty, "decodes": items != nil, "name": "",
                "hasName": false, "cvItems": items ?? []]
    }

    /// A storage key for the `bytes` partial. Keys written by the contract SDK are a
    /// printable name (`supply`, `bal/`) followed by encoded values; such a key shows
    /// its name and values, any other key only its hex.
    static func key(_ bytes: [UInt8], network: Network) -> [String: Any] {
        var out = blob(bytes, network: network)
        let name = bytes.prefix { $0 >= 0x20 && $0 < 0x7F }
        let rest = Array(bytes[name.count...])
        guard !name.isEmpty else { return out }
        if rest.isEmpty {
            out["decodes"] = true
        } else if let items = values(rest, network: network) {
            out["decodes"] = true
            out["cvItems"] = items
        } else {
            return out
        }
        out["name"] = String(decoding: name, as: UTF8.self)
        out["hasName"] = true
        return out
    }

    /// The values `bytes` decodes to, each as a page item (`cvType`, `cvText`, and `cvHref` for an
    /// address), or nil when the bytes are not a valid argument encoding.
    static func values(_ bytes: [UInt8], network: Network) -> [[String: Any]]? {
        guard let values = try? ContractValue.decode(bytes) else { return nil }
        return values.map { value in
            var item: [String: Any] = ["cvType": typeName(value), "cvText": clip(text(value, network: network)), "cvIsLink": false]
            if case .address(let a) = value {
                item["cvHref"] = "/account/" + Address(payload: a, network: network).string
                item["cvIsLink"] = true
            }
            return item
        }
    }

    /// The name of a value's type, as the CLI's `type:value` arguments spell it.
    static func typeName(_ value: ContractValue) -> String {
        switch value {
        case .u64: return "u64"
        case .i64: return "i64"
        case .bool: return "bool"
        case .bytes: return "bytes"
        case .string: return "string"
        case .address: return "address"
        case .list: return "list"
        }
    }

    /// A value as text: numbers in decimal, bytes in hex, strings quoted, addresses in bech32m, lists in brackets.
    static func text(_ value: ContractValue, network: Network) -> String {
        switch value {
        case .u64(let v): return String(v)
        case .i64(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .bytes(let v): return v.isEmpty ? "(empty)" : Hex.encode(v)
        case .string(let v): return "\"" + v + "\""
        case .address(let a): return Address(payload: a, network: network).string
        case .list(let items):
            return "[" + items.map { typeName($0) + " " + text($0, network: network) }.joined(separator: ", ") + "]"
        }
    }

    /// `text` cut to `maxValueText` characters.
    static func clip(_ text: String) -> String {
        text.count > maxValueText ? String(text.prefix(maxValueText)) + "…" : text
    }

    /// `gasUsed x gasPrice` as KSR: what a contract transaction paid (the rest of its reserved fee is refunded).
    static func feePaid(gasUsed: UInt64, price: UInt64) -> UInt64 {
        let (paid, overflow) = gasUsed.multipliedReportingOverflow(by: price)
        return overflow ? UInt64.max : paid
    }
}
