import Foundation

/// A JSON value whose objects keep their key order, rendered the same way every
/// time: the command line's output and the conformance suite's files (which must
/// come out byte for byte the same when regenerated).
public enum JSON: Equatable, Sendable {
    /// A string, escaped as JSON requires.
    case string(String)
    /// A signed integer, written in decimal.
    case int(Int64)
    /// An unsigned integer, written in decimal (all 64 bits: readers must keep it exact).
    case uint(UInt64)
    /// A measurement (benchmarks only; never in anything hashed or compared), six significant digits.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array, in order.
    case array([JSON])
    /// An object whose keys are written in the order given.
    case object([(String, JSON)])

    /// The document: two-space indentation, and arrays of plain values kept on one
    /// line when short, ending with a newline.
    public func rendered() -> String { render(indent: 0) + "\n" }

    /// The value as text, without the final newline.
    public func render() -> String { render(indent: 0) }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func render(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return Self.quote(s)
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .double(let v): return v.isFinite ? String(format: "%.6g", v) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let inline = items.map { $0.render(indent: 0) }
            if items.allSatisfy(\.isScalar) && inline.reduce(0, { $0 + $1.count + 2 }) <= 100 {
                return "[" + inline.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { pad + Self.quote($0.0) + ": " + $0.1.render(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + close + "}"
        }
    }

    /// `s` as a JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7f:
                let h = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Two values are equal when they render to the same text.
    public static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }
}
