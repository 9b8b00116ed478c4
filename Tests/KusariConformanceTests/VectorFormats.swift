import Foundation
import KusariCore

/// The shapes of the committed vector files, read with `JSONDecoder` (which keeps
/// every `u64` exact).
enum VectorFormats {
    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: SuitePaths.conformance.appendingPathComponent(name)))
    }

    /// Bytes refused by a decoder, with the field and message.
    struct Refused: Decodable { var description: String; var hex: String; var field: String; var error: String }

    struct Transactions: Decodable {
        struct Valid: Decodable {
            var description: String, seed: String, chainId: UInt32, publicKey: String, nonce: UInt64, to: String
            var amount: UInt64, fee: UInt64, memo: String, from: String, signingPayload: String, signature: String
            var id: String, size: Int, hex: String
        }
        var valid: [Valid]
        var invalid: [Refused]
    }

    struct Addresses: Decodable {
        struct Encode: Decodable { var description: String; var publicKey: String?; var payload: String; var ksr: String; var ksrt: String }
        struct Parse: Decodable {
            var description: String, input: String, network: String?, prefix: String?, payload: String?, error: String?
        }
        var encode: [Encode]
        var parse: [Parse]
    }

    struct Headers: Decodable {
        struct Valid: Decodable {
            var description: String, version: UInt32, height: UInt64, previousId: String, merkleRoot: String
            var stateRoot: String, timestamp: UInt64, bits: UInt32, beneficiary: String, nonce: UInt64, hex: String, id: String
        }
        var valid: [Valid]
        var invalid: [Refused]
    }

    struct Blocks: Decodable {
        struct Valid: Decodable {
            var description: String, hex: String, header: String, id: String, transactionCount: Int
            var transactionIds: [String], merkleRoot: String
        }
        var valid: [Valid]
        var invalid: [Refused]
    }

    struct Proof: Decodable { var index: UInt64; var treeSize: UInt64; var path: [String] }

    struct Merkle: Decodable {
        struct Tree: Decodable { var leaves: [String]; var root: String; var proofs: [Proof] }
        struct Verify: Decodable {
            var description: String, item: String, root: String, index: UInt64, treeSize: UInt64, path: [String], valid: Bool
        }
        var trees: [Tree]
        var verify: [Verify]
    }

    struct AccountEntry: Decodable { var key: String; var balance: UInt64; var nonce: UInt64 }

    struct StateProofJSON: Decodable {
        struct Terminal: Decodable { var kind: String; var key: String?; var balance: UInt64?; var nonce: UInt64? }
        var key: String
        var siblings: [String]
        var terminal: Terminal
    }

    struct State: Decodable {
        struct Root: Decodable { var description: String; var accounts: [AccountEntry]; var root: String; var proofs: [StateProofJSON] }
        struct Update: Decodable {
            var description: String, before: [AccountEntry], beforeRoot: String, changes: [AccountEntry], root: String
        }
        struct Verify: Decodable { var description: String; var root: String; var proof: StateProofJSON; var valid: Bool }
        var states: [Root]
        var updates: [Update]
        var verify: [Verify]
    }

    struct Genesis: Decodable {
        struct File: Decodable {
            var description: String, json: String, id: String?, stateRoot: String?, merkleRoot: String?, header: String?
            var error: String?
        }
        var files: [File]
    }

    struct Rules: Decodable { var chainId: UInt32; var genesisAllocated: UInt64; var initialSubsidy: UInt64; var halvingInterval: UInt64 }

    struct BlockRules: Decodable {
        struct Subsidy: Decodable { var rules: Rules; var height: UInt64; var scheduledSubsidy: UInt64; var issued: UInt64; var subsidy: UInt64 }
        struct Result: Decodable {
            var stateRoot: String, fees: UInt64, subsidy: UInt64, undo: [AccountEntry], accounts: [AccountEntry]
        }
        struct Case: Decodable {
            var description: String, rules: Rules, state: [AccountEntry], stateRoot: String, block: String
            var result: Result?, error: String?
        }
        var subsidy: [Subsidy]
        var blocks: [Case]
    }

    struct Pow: Decodable {
        struct Compact: Decodable { var bits: String; var target: String?; var work: String?; var reencoded: String?; var error: String? }
        struct Retarget: Decodable {
            var description: String, network: String, lastRetargetTime: Int64, lastBlockTime: Int64, lastBits: String
            var clampedTimespan: Int64?, bits: String?, error: String?
        }
        struct Chain: Decodable {
            var description: String, network: String, timestamps: [UInt64], bits: String, height: UInt64
            var nextBits: String, minimumTimestamp: UInt64
        }
        struct Median: Decodable { var description: String; var timestamps: [Int64]; var median: Int64? }
        struct Work: Decodable { var description: String; var network: String; var header: String; var id: String
                                 var valid: Bool?; var error: String? }
        var proofOfWork: [Work]
        var compact: [Compact]
        var retarget: [Retarget]
        var chainRetarget: [Chain]
        var medianTimePast: [Median]
    }
}

extension VectorFormats.AccountEntry {
    func entry() throws -> (AddressPayload, Account) {
        (try payload(key), Account(balance: balance, nonce: nonce))
    }
}

extension VectorFormats.Rules {
    var ledgerRules: LedgerRules {
        LedgerRules(chainId: chainId, genesisAllocated: genesisAllocated, initialSubsidy: initialSubsidy,
                    halvingInterval: halvingInterval)
    }
}

/// Hex helpers that fail the test with the field named.
func bytes(_ hex: String) throws -> [UInt8] { try Hex.decode(hex) }
func hash(_ hex: String) throws -> Hash256 { try Hash256(hex: hex) }
func payload(_ hex: String) throws -> AddressPayload {
    guard let p = AddressPayload(bytes: try Hex.decode(hex, count: 20, field: "payload")) else { throw VectorTestError.bad(hex) }
    return p
}

/// A vector that cannot even be read.
enum VectorTestError: Error, CustomStringConvertible {
    case bad(String)
    var description: String {
        switch self {
        case .bad(let s): return "unreadable vector value \(s)"
        }
    }
}
