/// A Kusari network: its name, its default chain id and its address prefix.
public enum Network: String, CaseIterable, Sendable, Codable {
    case main
    case test
    case devnet

    /// The human-readable part of addresses: `ksr` on main, `ksrt` on test and devnet.
    public var addressPrefix: String {
        switch self {
        case .main: return "ksr"
        case .test, .devnet: return "ksrt"
        }
    }

    /// The chain id signed into every transaction, so that a transaction made
    /// for one network is invalid on every other.
    public var defaultChainId: UInt32 {
        switch self {
        case .main: return 1
        case .test: return 2
        case .devnet: return 3
        }
    }

    /// Parses `main`, `test` or `devnet`.
    public init(name: String) throws(AddressError) {
        guard let n = Network(rawValue: name) else { throw .unknownNetwork(name) }
        self = n
    }
}
