import Foundation

/// A chain's genesis: the JSON file that fixes its network, chain id, first
/// timestamp, starting difficulty and initial balances, and so deterministically
/// its genesis block and id.
///
/// ```json
/// {"network": "devnet", "chainId": 3, "timestamp": 1764000000, "bits": "0x207fffff",
///  "alloc": [{"address": "ksrt1...", "amount": 100000000}]}
/// ```
public struct Genesis: Hashable, Sendable {
    /// One initial balance.
    public struct Allocation: Hashable, Sendable, Codable {
        public var address: String
        public var amount: UInt64
        public init(address: String, amount: UInt64) { self.address = address; self.amount = amount }
    }

    /// The most allocations a genesis file may list.
    public static let maxAllocations = 1_000_000

    public var network: Network
    public var chainId: UInt32
    public var timestamp: UInt64
    public var bits: UInt32
    public var allocations: [Allocation]
    /// The consensus engine and its parameters (proof of work unless the file says `bft`).
    public var consensus: GenesisConsensus

    /// Checks every field: the network's address prefix, positive amounts, no
    /// address twice, a total within the supply cap, and a BFT genesis's validators.
    public init(network: Network, chainId: UInt32, timestamp: UInt64, bits: UInt32,
                allocations: [Allocation], consensus: GenesisConsensus = .proofOfWork) throws(GenesisError) {
        self.network = network
        self.chainId = chainId
        self.timestamp = timestamp
        self.bits = bits
        self.allocations = allocations
        self.consensus = consensus
        _ = try accounts()
        try consensus.check()
    }

    /// The allocations as state-tree entries, validated.
    public func accounts() throws(GenesisError) -> [(AddressPayload, Account)] {
        guard chainId != 0 else { throw .field("chainId", "must not be 0") }
        guard allocations.count <= Self.maxAllocations else {
            throw .field("alloc", "\(allocations.count) allocations, at most \(Self.maxAllocations)")
        }
        var seen = Set<AddressPayload>()
        var total: UInt64 = 0
        var out: [(AddressPayload, Account)] = []
        for (i, a) in allocations.enumerated() {
            let address: Address
            do { address = try Address(parsing: a.address, network: network) } catch {
                throw .field("alloc[\(i)].address", error.description)
            }
            guard a.amount > 0 else { throw .field("alloc[\(i)].amount", "must be positive") }
            guard seen.insert(address.payload).inserted else {
                throw .field("alloc[\(i)].address", "\(a.address) is allocated twice")
            }
            let (sum, overflow) = total.addingReportingOverflow(a.amount)
            guard !overflow, sum <= Amount.maxSupply else {
                throw .field("alloc[\(i)].amount", "total allocation exceeds the 21,000,000 KSR supply cap")
            }
            total = sum
            out.append((address.payload, Account(balance: a.amount)))
        }
        return out
    }

    /// The sum of all allocations.
    public var allocated: UInt64 { allocations.reduce(0) { $0 &+ $1.amount } }

    /// The ledger rules this genesis sets. Devnet halves its subsidy every 150
    /// blocks, as Bitcoin's regtest does, so that halvings can be seen locally;
    /// main and test every 210,000 blocks, as Bitcoin.
    public var rules: LedgerRules {
        LedgerRules(chainId: chainId, genesisAllocated: allocated,
                    halvingInterval: network == .devnet ? LedgerRules.devnetHalvingInterval : LedgerRules.defaultHalvingInterval)
    }

    /// The state holding the allocations.
    public func state() throws(GenesisError) -> StateTree { StateTree(accounts: try accounts()) }

    /// The genesis block: height 0, no transactions, a zero previous id and a
    /// zero beneficiary and nonce; its state root commits to the allocations. On a BFT
    /// chain a version 2 header naming the validator set (as this and the next set) and a
    /// zero last commit hash.
    public func block() throws(GenesisError) -> Block {
        if case .bft(let validators) = consensus {
            let setHash = GenesisValidator.setHash(validators)
            let header = BlockHeader(height: 0, previousId: .zero, merkleRoot: MerkleTree.emptyRoot,
                                     stateRoot: try state().root, timestamp: timestamp, proposer: .zero,
                                     bft: BFTHeaderFields(validatorsHash: setHash, nextValidatorsHash: setHash,
                                                          lastCommitHash: .zero))
            return Block(header: header, transactions: [])
        }
        let header = BlockHeader(height: 0, previousId: .zero, merkleRoot: MerkleTree.emptyRoot,
                                 stateRoot: try state().root, timestamp: timestamp, bits: bits,
                                 beneficiary: .zero, nonce: 0)
        return Block(header: header, transactions: [])
    }
}

extension Genesis {
    private struct File: Codable {
        var network: String
        var chainId: UInt32
        var timestamp: UInt64
        var bits: String?
        var consensus: ConsensusFile?
        var alloc: [Allocation]
    }

    private struct ConsensusFile: Codable {
        var engine: String
        var validators: [ValidatorFile]?
    }

    private struct ValidatorFile: Codable {
        var publicKey: String
        var power: UInt64
    }

    /// Parses and validates a genesis file; an error names the first bad field.
    public init(json data: Data) throws(GenesisError) {
        guard let root = try? JSONSerialization.jsonObject(with: data),
              let top = root as? [String: Any] else {
            throw .field("genesis", "not a JSON object")
        }
        let networkName = try Self.string(top["network"], "network")
        let network: Network
        do { network = try Network(name: networkName) } catch { throw .field("network", error.description) }
        let chainId = try Self.integer(top["chainId"], "chainId", maximum: UInt64(UInt32.max))
        let timestamp = try Self.integer(top["timestamp"], "timestamp", maximum: UInt64(Int64.max))
        let consensus = try Self.consensus(top["consensus"])
        var bits: UInt32 = 0
        if consensus == .proofOfWork {
            let bitsText = try Self.string(top["bits"], "bits")
            guard let parsed = Self.parseBits(bitsText) else {
                throw .field("bits", "expected a compact target such as 0x207fffff")
            }
            bits = parsed
        } else if top["bits"] != nil {
            throw .field("bits", "a BFT genesis has no proof-of-work target")
        }
        guard let list = top["alloc"] as? [Any] else { throw .field("alloc", "missing or not an array") }
        var allocations: [Allocation] = []
        allocations.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            guard let entry = item as? [String: Any] else { throw .field("alloc[\(i)]", "not an object") }
            allocations.append(Allocation(address: try Self.string(entry["address"], "alloc[\(i)].address"),
                                          amount: try Self.integer(entry["amount"], "alloc[\(i)].amount",
                                                                   maximum: Amount.maxSupply)))
        }
        try self.init(network: network, chainId: UInt32(chainId), timestamp: timestamp, bits: bits,
                      allocations: allocations, consensus: consensus)
    }

    /// The `consensus` object: absent or `{"engine": "pow"}`, or `{"engine": "bft",
    /// "validators": [{"publicKey": "64 hex digits", "power": 10}, ...]}`.
    private static func consensus(_ value: Any?) throws(GenesisError) -> GenesisConsensus {
        guard let value else { return .proofOfWork }
        guard let object = value as? [String: Any] else { throw .field("consensus", "not an object") }
        let engine = try string(object["engine"], "consensus.engine")
        switch engine {
        case "pow":
            guard object["validators"] == nil else { throw .field("consensus.validators", "proof of work has no validators") }
            return .proofOfWork
        case "bft":
            guard let list = object["validators"] as? [Any] else {
                throw .field("consensus.validators", "missing or not an array")
            }
            guard list.count <= GenesisConsensus.maxValidators else {
                throw .field("consensus.validators", "\(list.count) validators, at most \(GenesisConsensus.maxValidators)")
            }
            var validators: [GenesisValidator] = []
            for (i, item) in list.enumerated() {
                guard let entry = item as? [String: Any] else { throw .field("consensus.validators[\(i)]", "not an object") }
                let keyText = try string(entry["publicKey"], "consensus.validators[\(i)].publicKey")
                guard let bytes = try? Hex.decode(keyText, count: PublicKey.byteCount, field: "publicKey"),
                      let key = PublicKey(bytes: bytes) else {
                    throw .field("consensus.validators[\(i)].publicKey", "expected 64 hex digits (an Ed25519 public key)")
                }
                let power = try integer(entry["power"], "consensus.validators[\(i)].power",
                                        maximum: GenesisConsensus.maxTotalVotingPower)
                validators.append(GenesisValidator(publicKey: key, power: power))
            }
            return .bft(validators: validators)
        default:
            throw .field("consensus.engine", "\"\(engine)\" is not an engine (expected pow or bft)")
        }
    }

    private static func string(_ value: Any?, _ field: String) throws(GenesisError) -> String {
        guard let value else { throw .field(field, "missing") }
        guard let s = value as? String else { throw .field(field, "must be a string") }
        return s
    }

    /// A non-negative whole JSON number no larger than `maximum`.
    private static func integer(_ value: Any?, _ field: String, maximum: UInt64) throws(GenesisError) -> UInt64 {
        guard let value else { throw .field(field, "missing") }
        // JSONSerialization gives NSNumber for numbers and a boolean class for true/false.
        guard let n = value as? NSNumber, !String(describing: type(of: value)).contains("Bool") else {
            throw .field(field, "must be a whole number")
        }
        guard let i = value as? Int else {
            if n.doubleValue < 0 { throw .field(field, "must not be negative") }
            if n.doubleValue.rounded() != n.doubleValue { throw .field(field, "must be a whole number") }
            throw .field(field, "is above the maximum \(maximum)")
        }
        guard i >= 0 else { throw .field(field, "must not be negative") }
        guard UInt64(i) <= maximum else { throw .field(field, "\(i) is above the maximum \(maximum)") }
        return UInt64(i)
    }

    /// The genesis file's JSON, pretty-printed with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let hex = String(bits, radix: 16)
        var file = File(network: network.rawValue, chainId: chainId, timestamp: timestamp,
                        bits: "0x" + String(repeating: "0", count: 8 - hex.count) + hex, consensus: nil, alloc: allocations)
        if case .bft(let validators) = consensus {
            file.bits = nil
            file.consensus = ConsensusFile(engine: "bft", validators: validators.map {
                ValidatorFile(publicKey: $0.publicKey.hex, power: $0.power)
            })
        }
        var data = try encoder.encode(file)
        data.append(0x0a)
        return data
    }

    /// Parses `0x` followed by up to 8 hex digits.
    public static func parseBits(_ text: String) -> UInt32? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty, digits.count <= 8, digits.allSatisfy(\.isHexDigit) else { return nil }
        return UInt32(digits, radix: 16)
    }
}

/// Why a genesis file or its values are invalid.
public enum GenesisError: Error, Equatable, CustomStringConvertible {
    case field(String, String)

    public var description: String {
        switch self {
        case .field(let f, let r): return "\(f): \(r)"
        }
    }
}
