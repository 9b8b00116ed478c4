import Crypto
import KusariCore
import KusariJSON

/// One file of the conformance suite: its name in `conformance/` and its JSON.
public struct VectorFile: Sendable {
    /// The file name, such as `transactions.json`.
    public let name: String
    /// The whole document.
    public let json: JSON

    /// A file named `name` holding `json`.
    public init(name: String, json: JSON) {
        self.name = name
        self.json = json
    }

    /// The bytes written to disk.
    public var contents: String { json.rendered() }
}

/// The published conformance vectors (conformance/README.md): every case is made by
/// the node's own code (codec, signer, trees, ledger rules, proof-of-work arithmetic)
/// from fixed keys and seeds, so regenerating the suite gives identical bytes.
public enum ConformanceSuite {
    /// The suite format version, written into every file.
    public static let formatVersion: UInt64 = 1

    /// Every file of the suite, in a fixed order.
    public static func files() throws(ConformanceError) -> [VectorFile] {
        [
            file("addresses.json", "bech32m addresses (section 5)", try AddressVectors.make()),
            file("transactions.json", "transaction encoding, signing, ids and decoder errors (sections 1, 4, 6)",
                 try TransactionVectors.make()),
            file("typed-transactions.json",
                 "typed transactions: contract deploy and call, the exchange's kinds 32-38 (sections 6.5, 19.2)",
                 try TypedTransactionVectors.make()),
            file("headers.json", "block headers and ids (section 7)", try HeaderVectors.make()),
            file("blocks.json", "block encoding and decoder errors (section 8)", try BlockVectors.make()),
            file("merkle.json", "transaction Merkle roots and inclusion proofs (section 9)", MerkleVectors.make()),
            file("state.json", "state-tree roots, updates and proofs (section 10)", StateVectors.make()),
            file("block-rules.json", "subsidy and applying blocks to a state (section 11)", try BlockRuleVectors.make()),
            file("genesis.json", "genesis files and their genesis blocks (section 12)", try GenesisVectors.make()),
            file("pow.json", "compact bits, work, retargeting and median time past (section 13)",
                 try ConsensusVectors.make()),
        ]
    }

    private static func file(_ name: String, _ covers: String, _ body: [(String, JSON)]) -> VectorFile {
        VectorFile(name: name, json: .object([
            ("format", .uint(formatVersion)),
            ("covers", .string(covers)),
            ("specification", .string("docs/protocol.md")),
        ] + body))
    }
}

/// Fixed keys for the vectors: seed `i` is SHA-256 of the ASCII text
/// `kusari conformance key i`, so anyone can rebuild them.
enum VectorKeys {
    /// The seed of key `i`.
    static func seed(_ i: Int) -> [UInt8] { Array(SHA256.hash(data: Array("kusari conformance key \(i)".utf8))) }

    /// Key `i`.
    static func key(_ i: Int) throws(ConformanceError) -> KeyPair {
        do { return try KeyPair(seed: seed(i)) } catch { throw .generation("key \(i): \(error)") }
    }

    /// The RFC 8032 test 1 seed, the sender of docs/protocol.md section 15.
    static let rfc8032Test1: [UInt8] = (try? Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")) ?? []
}

/// Why the suite could not be made or written.
public enum ConformanceError: Error, Equatable, CustomStringConvertible {
    /// A vector could not be built (a bug in the generator: every input is fixed).
    case generation(String)
    /// A file could not be written.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .generation(let what): return "conformance vectors: cannot build \(what)"
        case .write(let path, let reason): return "\(path): \(reason)"
        }
    }
}
