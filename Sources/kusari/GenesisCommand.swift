import ArgumentParser
import Foundation
import KusariConsensus
import KusariCore
import KusariJSON

/// `kusari genesis new|inspect`.
struct GenesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genesis", abstract: "Write and inspect genesis files.", subcommands: [New.self, Inspect.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a genesis file with initial balances.",
            discussion: "AMOUNT is in base units (10^8 per KSR), or KSR with the suffix ksr, e.g. 1000ksr.")

        @Option(help: "Network: main, test or devnet.") var network: NetworkOption = .devnet
        @Option(name: .customLong("alloc"), help: "An initial balance, ADDRESS=AMOUNT (repeatable).")
        var allocations: [String] = []
        @Option(help: "Chain id (default: the network's).") var chainId: UInt32?
        @Option(help: "Genesis timestamp in Unix seconds (default: now).") var timestamp: UInt64?
        @Option(help: "Starting compact target, e.g. 0x207fffff (default: the network's easiest).") var bits: String?
        @Option(help: "Consensus engine: pow (proof of work) or bft (Tendermint with --validator).") var consensus = "pow"
        @Option(name: .customLong("validator"),
                help: "A BFT validator: a key file or a 64-hex-digit public key, optionally =POWER (default 10); repeatable.")
        var validators: [String] = []
        @Option(help: "Path of the genesis file to create.") var out: String

        func run() throws {
            let net = network.value
            var allocs: [Genesis.Allocation] = []
            for (i, item) in allocations.enumerated() {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw CLIError("alloc[\(i)]: expected ADDRESS=AMOUNT, got '\(item)'") }
                guard let amount = Amount.parse(parts[1]) else {
                    throw CLIError("alloc[\(i)].amount: '\(parts[1])' is not an amount (base units, or KSR with suffix ksr)")
                }
                allocs.append(.init(address: parts[0], amount: amount))
            }
            let engine = try consensusSpec()
            let compact: UInt32
            if engine != .proofOfWork {
                if bits != nil { throw CLIError("bits: a BFT genesis has no proof-of-work target") }
                compact = 0
            } else if let bits {
                guard let b = CompactTarget.parse(bits) else { throw CLIError("bits: '\(bits)' is not 0x followed by 8 hex digits") }
                do { _ = try CompactTarget.decode(b) } catch { throw CLIError("bits: \(error)") }
                compact = b
            } else {
                compact = net.powParameters.powLimitBits
            }
            let genesis = try Genesis(network: net, chainId: chainId ?? net.defaultChainId,
                                      timestamp: timestamp ?? UInt64(Date().timeIntervalSince1970),
                                      bits: compact, allocations: allocs, consensus: engine)
            try Files.createNew(out, data: try genesis.jsonData(), mode: 0o644)
            Output.print(try describe(genesis))
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a genesis file and print its block id.")

        @Argument(help: "A genesis JSON file.") var file: String

        func run() throws {
            let genesis = try Genesis(json: try Files.read(file, limit: 256 << 20))
            if genesis.consensus == .proofOfWork {
                do { _ = try CompactTarget.decode(genesis.bits) } catch { throw CLIError("bits: \(error)") }
            }
            Output.print(try describe(genesis))
        }
    }
}

/// The summary printed for a genesis.
private func describe(_ genesis: Genesis) throws -> JSON {
    let block = try genesis.block()
    return .object([
        ("id", .string(block.id.hex)),
        ("network", .string(genesis.network.rawValue)),
        ("chainId", .uint(UInt64(genesis.chainId))),
        ("timestamp", .uint(genesis.timestamp)),
        ("consensus", .string(genesis.consensus.engineName)),
        ("bits", genesis.consensus == .proofOfWork ? .string(CompactTarget.format(genesis.bits)) : .null),
        ("validators", .array(genesis.consensus.validators.map {
            .object([("publicKey", .string($0.publicKey.hex)), ("address", .string(Address(payload: $0.address, network: genesis.network).string)),
                     ("power", .uint($0.power))])
        })),
        ("stateRoot", .string(block.header.stateRoot.hex)),
        ("merkleRoot", .string(block.header.merkleRoot.hex)),
        ("accounts", .uint(UInt64(genesis.allocations.count))),
        ("allocated", .uint(genesis.allocated)),
        ("allocations", .array(genesis.allocations.map {
            .object([("address", .string($0.address)), ("amount", .uint($0.amount)), ("ksr", .string(Amount.format($0.amount)))])
        })),
    ])
}

extension GenesisCommand.New {
    /// The `consensus` of the genesis from `--consensus` and `--validator`.
    func consensusSpec() throws -> GenesisConsensus {
        switch consensus {
        case "pow":
            guard validators.isEmpty else { throw CLIError("validator: proof of work has no validators (use --consensus bft)") }
            return .proofOfWork
        case "bft":
            guard !validators.isEmpty else { throw CLIError("validator: a BFT genesis needs at least one --validator") }
            var list: [GenesisValidator] = []
            for (i, item) in validators.enumerated() {
                var source = item
                var power: UInt64 = 10
                if let eq = item.lastIndex(of: "="), let p = UInt64(item[item.index(after: eq)...]) {
                    source = String(item[..<eq])
                    power = p
                }
                let key: PublicKey
                if source.count == 64, let bytes = try? Hex.decode(source), let k = PublicKey(bytes: bytes) {
                    key = k
                } else {
                    do { key = try loadKey(source).key.publicKey } catch {
                        throw CLIError("validator[\(i)]: '\(source)' is neither a key file nor a 64-hex-digit public key (\(error))")
                    }
                }
                list.append(GenesisValidator(publicKey: key, power: power))
            }
            return .bft(validators: list)
        default:
            throw CLIError("consensus: '\(consensus)' is not an engine (pow or bft)")
        }
    }
}

extension Network {
    /// The proof-of-work parameters of this network.
    var powParameters: PowParameters {
        switch self {
        case .main: return .kusariMain
        case .test: return .kusariTest
        case .devnet: return .kusariDevnet
        }
    }
}
