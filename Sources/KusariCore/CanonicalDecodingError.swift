/// Why bytes were refused by a canonical decoder. Every case names the field
/// being read, so a user (or a peer's ban log) sees exactly what was wrong.
public enum CanonicalDecodingError: Error, Equatable, CustomStringConvertible {
    /// The input ended before `field` was complete: the field is `needed` bytes
    /// long and only `available` were left.
    case truncated(field: String, needed: Int, available: Int)
    /// Bytes were left over after the value ended.
    case trailingBytes(count: Int)
    /// A variable-length integer used more bytes than its value needs.
    case nonMinimal(field: String)
    /// A value is outside the range the field allows.
    case outOfRange(field: String, value: UInt64, maximum: UInt64)
    /// A length prefix is larger than the field allows; refused before allocating.
    case oversize(field: String, length: UInt64, maximum: UInt64)
    /// A value is well-formed bytes but not an allowed value (an unknown tag, a bad key).
    case invalid(field: String, reason: String)

    /// The field the error is about (`"end"` for trailing bytes).
    public var field: String {
        switch self {
        case .truncated(let f, _, _), .nonMinimal(let f), .outOfRange(let f, _, _),
             .oversize(let f, _, _), .invalid(let f, _):
            return f
        case .trailingBytes: return "end"
        }
    }

    public var description: String {
        switch self {
        case .truncated(let f, let n, let a):
            return "\(f): truncated (needs \(n) byte\(n == 1 ? "" : "s"), \(a) left)"
        case .trailingBytes(let c):
            return "end: \(c) unexpected trailing bytes"
        case .nonMinimal(let f):
            return "\(f): non-minimal integer encoding"
        case .outOfRange(let f, let v, let m):
            return "\(f): value \(v) is out of range (maximum \(m))"
        case .oversize(let f, let l, let m):
            return "\(f): length \(l) exceeds the maximum of \(m)"
        case .invalid(let f, let r):
            return "\(f): \(r)"
        }
    }
}
