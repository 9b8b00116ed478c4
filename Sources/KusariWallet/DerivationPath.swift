import Foundation

/// A BIP-32 style derivation path such as `m/44'/9999'/0'/0'/5'`: the child
/// indices from the master key down, hardened ones at or above 2^31.
public struct DerivationPath: Sendable, Hashable, CustomStringConvertible {
    /// The first hardened index (2^31); `n'` means `n + hardenedOffset`.
    public static let hardenedOffset: UInt32 = 0x8000_0000
    /// The deepest path BIP-32 can record (its depth is one byte).
    public static let maxDepth = 255

    /// The child indices, hardened ones with `hardenedOffset` added.
    public let indices: [UInt32]

    /// The path of these indices (hardened ones already include `hardenedOffset`).
    /// - Throws: `DerivationPathError.tooDeep` beyond 255 levels.
    public init(indices: [UInt32]) throws(DerivationPathError) {
        guard indices.count <= Self.maxDepth else { throw .tooDeep(indices.count) }
        self.indices = indices
    }

    /// The master key's own path, `m`.
    public static let master = DerivationPath(checked: [])

    private init(checked indices: [UInt32]) { self.indices = indices }

    /// Parses `m` followed by `/`-separated components, each a decimal index below
    /// 2^31, hardened when followed by `'`, `h` or `H`.
    /// - Throws: `DerivationPathError` naming the component that is wrong.
    public init(parsing text: String) throws(DerivationPathError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, first == "m" || first == "M" else {
            throw .missingMaster(text)
        }
        var indices: [UInt32] = []
        for (i, part) in parts.dropFirst().enumerated() {
            indices.append(try Self.parseComponent(part, position: i + 1))
        }
        try self.init(indices: indices)
    }

    /// One component: digits, then an optional hardened marker.
    private static func parseComponent(_ part: String, position: Int) throws(DerivationPathError) -> UInt32 {
        var digits = Substring(part)
        var hardened = false
        if let last = digits.last, last == "'" || last == "h" || last == "H" {
            hardened = true
            digits = digits.dropLast()
        }
        guard !digits.isEmpty else {
            throw .badComponent(component: part, position: position, reason: "expected a number")
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .badComponent(component: part, position: position,
                                reason: "expected digits followed by an optional ', h or H")
        }
        guard digits.count <= 10, let value = UInt32(digits), value < hardenedOffset else {
            throw .badComponent(component: part, position: position, reason: "the index must be below 2^31 (2147483648)")
        }
        return hardened ? value + hardenedOffset : value
    }

    /// The path with one more index.
    /// - Throws: `DerivationPathError.tooDeep` beyond 255 levels.
    public func appending(_ index: UInt32) throws(DerivationPathError) -> DerivationPath {
        try DerivationPath(indices: indices + [index])
    }

    /// The text form, hardened components marked with `'`: `m/44'/9999'/0'/0'/5'`.
    public var description: String {
        (["m"] + indices.map(Self.componentText)).joined(separator: "/")
    }

    /// `n'` for a hardened index, `n` otherwise.
    static func componentText(_ index: UInt32) -> String {
        index >= hardenedOffset ? "\(index - hardenedOffset)'" : "\(index)"
    }
}

/// Why a derivation path could not be parsed or built.
public enum DerivationPathError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The path does not start with `m`.
    case missingMaster(String)
    /// The component at this 1-based position (after `m`) is not an index.
    case badComponent(component: String, position: Int, reason: String)
    /// The path has more than 255 levels.
    case tooDeep(Int)
    /// An account or address index that must be below 2^31 is not.
    case indexOutOfRange(field: String, value: UInt32)

    /// The message for people, naming what is at fault.
    public var description: String {
        switch self {
        case .missingMaster(let text):
            return "path: \"\(text)\" must start with m (like m/44'/9999'/0'/0'/0')"
        case .badComponent(let component, let position, let reason):
            return "path: component \(position) (\"\(component)\"): \(reason)"
        case .tooDeep(let depth):
            return "path: \(depth) levels, at most \(DerivationPath.maxDepth) allowed"
        case .indexOutOfRange(let field, let value):
            return "\(field): \(value) is out of range; it must be below 2^31 (2147483648)"
        }
    }

    /// The same message, for `localizedDescription`.
    public var errorDescription: String? { description }
}
